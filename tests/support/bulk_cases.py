"""The bulk import tests' catalogue: .info.json files covering every path of `store`, the
catalogue before the import, and a dump of every row to compare two imports by
(tests/ingest/test_bulk_import.py, test_bulk_streaming.py, test_chunk_links.py)."""

import json

from django.apps import apps
from django.db import models

from catalog.ingest import guarded, infojson_files, store
from catalog.ingest.infojson import read_infojson
from catalog.models import Clip

# Set by the clock, not by the source: differ between two imports of the same files.
MOMENTS = {"created_at", "updated_at", "fetched_at", "changed_at", "checked_at", "refreshed_at"}


def video(video_id, title, *, channel="Tagesschau", channel_id="UCtages", **extra):
    return {
        "id": video_id,
        "extractor_key": "Youtube",
        "title": title,
        "channel": channel,
        "channel_id": channel_id,
        "channel_url": f"https://www.youtube.com/channel/{channel_id}",
        "upload_date": "20240305",
        "duration": 125,
        "view_count": 1000,
        **extra,
    }


def described(*lines):
    return "\n".join(lines)


# Eleven characters each, so that they are YouTube video ids.
IDS = [f"vid{n:08d}" for n in range(12)]


def catalogue_files(folder):
    """Files that cover every path of `store`: shared channels and tags, links, updates."""
    infos = [
        video(
            IDS[0],
            "Haushalt im Bundestag",
            tags=["Politik", "Bundestag"],
            description=described(
                "Mehr dazu: https://www.youtube.com/watch?v=" + IDS[3],
                "Podcast: https://example.org/podcast",
                "Weiter: https://youtu.be/" + IDS[9],
            ),
        ),
        video(IDS[1], "Wetter am Abend", tags=["Wetter"], description="#Sturm #Nordsee"),
        video(
            IDS[2],
            "Sport kompakt",
            channel="Sportschau",
            channel_id="UCsport",
            tags=["Sport", "politik"],
            description="Instagram: https://instagram.com/sportschau",
        ),
        # Resolves the first file's link, in the same chunk.
        video(IDS[3], "Bundestag debattiert", tags=["Bundestag"]),
        # The same clip again in the same chunk: a new title and tags are revisions.
        video(IDS[1], "Wetter am Abend (neu)", tags=["Wetter", "Regen"]),
        {"_type": "playlist", "title": "eine Liste", "entries": []},
        video(
            IDS[4],
            "Nachrichten in 100 Sekunden",
            channel="Tagesschau",
            channel_id="UCtages",
            channel_follower_count=5,
            description="Podcast: https://example.org/podcast\nShop: https://example.org/shop",
        ),
        video(IDS[5], "Die Boom-Sendung", channel="Boomschau", channel_id="UCboom", tags=["Boom"]),
        video(IDS[6], "Nach dem Boom", channel="Boomschau", channel_id="UCboom", tags=["Boom"]),
        # Updates a clip stored before the import (its title is locked).
        video(IDS[7], "Neuer Titel", tags=["Alt", "Neu"], description="Neue Beschreibung"),
        video(IDS[8], "Ohne Kanal", channel="", channel_id="", webpage_url=""),
        # Resolves the first file's second link from a later chunk.
        video(IDS[9], "Später gefunden", availability="public"),
        # Links to a clip created earlier in the same chunk.
        video(IDS[11], "Rückblick", description="Vorhin: https://youtu.be/" + IDS[4]),
    ]
    folder.mkdir()
    for i, info in enumerate(infos):
        (folder / f"{i:02d}.info.json").write_text(json.dumps(info))
    (folder / "99.info.json").write_text("{ not json")
    return folder


def seed():
    """What the catalogue holds before the import."""
    old = read_infojson(json.dumps(video(IDS[7], "Alter Titel", tags=["Alt"])).encode())
    clip = store(old).clip
    clip.locked_fields = ["title"]
    clip.save(update_fields=["locked_fields"])
    store(read_infojson(json.dumps(video(IDS[10], "Schon da", tags=["Politik"])).encode()))


def natural_key(obj):
    if isinstance(obj, Clip):
        return (obj.platform, obj.external_id)
    return getattr(obj, "slug", None) or natural_key_of_parent(obj)


def natural_key_of_parent(obj):
    return tuple(
        natural_key(getattr(obj, f.name)) if f.is_relation else getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.name not in MOMENTS and not f.primary_key
    )


def dump():
    """Every catalogue row, with ids replaced by natural keys and clock times left out."""
    rows = {}
    for model in apps.get_app_config("catalog").get_models():
        # Jobs are how, not what; the catalogue version counts writes, not their result.
        if model._meta.label in (
            "catalog.IngestJob",
            "catalog.IngestJobItem",
            "catalog.CatalogueVersion",
        ):
            continue
        values = []
        for obj in model.objects.all():
            row = []
            for field in model._meta.concrete_fields:
                if field.primary_key or field.name in MOMENTS:
                    continue
                if isinstance(field, models.ForeignKey):
                    target = getattr(obj, field.name)
                    row.append(None if target is None else natural_key(target))
                else:
                    row.append(getattr(obj, field.attname))
            values.append(repr(row))
        rows[model._meta.label] = sorted(values)
    return rows


def wipe():
    for model in apps.get_app_config("catalog").get_models():
        model.objects.all().delete()


def one_by_one(folder):
    """The same files through `store`, one by one: what a bulk import must equal."""
    results = []
    for path in infojson_files.infojson_paths([folder]):
        data = path.read_bytes()
        results.append(guarded(str(path), infojson_files._import_infojson, data, str(path)))
    return results
