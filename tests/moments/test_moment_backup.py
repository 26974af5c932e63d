"""Moments survive export_catalog / import_catalog: same rows, same tags, same bytes."""

import io
import json

import pytest

from catalog.backup import CATALOGUE_MODELS, ArchiveError, export_catalog, import_catalog
from catalog.models import Moment, Tag
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def _export():
    out = io.StringIO()
    export_catalog(out)
    return out.getvalue()


def _wipe():
    for model in CATALOGUE_MODELS:
        model.objects.all().delete()


def test_moments_round_trip_with_their_tags():
    clip = make_clip("Bulletin", duration=600, tags=["news"])
    Tag.objects.create(name="Wahl", slug="wahl")
    story = Moment.objects.create(
        clip=clip, kind="story", start=462, end=470.5, title="Die Wahl", description="D"
    )
    story.tags.add(Tag.objects.get(slug="wahl"), Tag.objects.get(slug="news"))
    Moment.objects.create(clip=clip, kind="chapter", start=0, end=31, title="Intro")
    first = _export()
    row = next(json.loads(line) for line in first.splitlines() if '"type": "clip"' in line)
    assert [m["title"] for m in row["moments"]] == ["Intro", "Die Wahl"]
    assert row["moments"][1]["tags"] == ["news", "wahl"]

    _wipe()
    assert not Moment.objects.exists()
    import_catalog(first.splitlines(keepends=True))
    assert _export() == first
    restored = Moment.objects.get(kind="story")
    assert sorted(t.slug for t in restored.tags.all()) == ["news", "wahl"]


def test_a_moment_with_an_unknown_tag_is_refused_and_nothing_written():
    clip = make_clip("Bulletin", duration=600)
    Moment.objects.create(clip=clip, kind="story", start=1, end=2, title="S")
    lines = []
    for line in _export().splitlines(keepends=True):
        row = json.loads(line)
        if row["type"] == "clip":
            row["moments"][0]["tags"] = ["nowhere"]
        lines.append(json.dumps(row) + "\n")
    _wipe()
    with pytest.raises(ArchiveError, match="unknown tag 'nowhere' of a moment"):
        import_catalog(lines)
    assert not Moment.objects.exists()


def test_an_export_from_before_moments_still_restores():
    make_clip("Old", duration=60)
    lines = []
    for line in _export().splitlines(keepends=True):
        row = json.loads(line)
        row.pop("moments", None)
        lines.append(json.dumps(row) + "\n")
    _wipe()
    import_catalog(lines)
    assert not Moment.objects.exists()
