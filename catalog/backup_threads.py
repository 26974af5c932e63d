"""Relations between clips and story threads in the catalogue export (catalog.backup).

They come as lines of their own after the clips ("relation", then "thread"), since
both point at clips anywhere in the file. Clips keep their ids in an export, so a
relation names its clips by id, and a thread lists its clips by id with their notes
and places. Users are not part of the catalogue: a relation's reviewer is written
as a username and restored only where that user exists. Files written before
relations and threads existed have no such lines and restore with none.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from catalog.models import Clip, ClipRelation, StoryThread, ThreadClip

RELATION_FIELDS = ("kind", "status", "origin", "score", "from_start", "from_end")
RELATION_FIELDS += ("to_start", "to_end", "evidence", "note", "reviewed_at")
RELATION_FIELDS += ("created_at", "updated_at")
THREAD_FIELDS = ("slug", "name", "description", "published", "created_at", "updated_at")
THREAD_CLIP_FIELDS = ("note", "position", "added_at")
# For catalog.backup's CATALOGUE_MODELS: deleted before the clips they point to.
MODELS = (ThreadClip, StoryThread, ClipRelation)
CHUNK_SIZE = 500


def rows(values):
    """("relation" | "thread", row) for every relation and thread, in a stable order;
    `values(obj, fields)` reads the fields as catalog.backup writes them."""
    relations = ClipRelation.objects.order_by("id").select_related("reviewed_by")
    for relation in relations.iterator(chunk_size=CHUNK_SIZE):
        reviewer = relation.reviewed_by.get_username() if relation.reviewed_by else None
        yield (
            "relation",
            {
                "from_clip": relation.from_clip_id,
                "to_clip": relation.to_clip_id,
                "reviewed_by": reviewer,
                **values(relation, RELATION_FIELDS),
            },
        )
    threads = StoryThread.objects.order_by("slug").prefetch_related(
        Prefetch("thread_clips", queryset=ThreadClip.objects.order_by("clip_id"))
    )
    for thread in threads.iterator(chunk_size=CHUNK_SIZE):
        clips = [
            {"clip": entry.clip_id, **values(entry, THREAD_CLIP_FIELDS)}
            for entry in thread.thread_clips.all()
        ]
        yield "thread", {**values(thread, THREAD_FIELDS), "clips": clips}


def unknown_clips(ids):
    """The ids among `ids` that no restored clip has."""
    ids = set(ids)
    return sorted(ids - set(Clip.objects.filter(pk__in=ids).values_list("pk", flat=True)))


def restore_relation(row, fields, error):
    """Insert one relation line; `error(message)` is the exception to raise for bad input."""
    missing = unknown_clips([row["from_clip"], row["to_clip"]])
    if missing:
        raise error(f"the relation refers to unknown clip {missing[0]}")
    user_model, reviewer = get_user_model(), None
    if row["reviewed_by"]:
        username = {user_model.USERNAME_FIELD: row["reviewed_by"]}
        reviewer = user_model.objects.filter(**username).first()
    ClipRelation.objects.create(
        from_clip_id=row["from_clip"],
        to_clip_id=row["to_clip"],
        reviewed_by=reviewer,
        **fields(row, RELATION_FIELDS),
    )


def restore_thread(row, fields, error):
    """Insert one thread line with its clips."""
    entries = row["clips"]
    missing = unknown_clips(entry["clip"] for entry in entries)
    if missing:
        raise error(f"the thread refers to unknown clip {missing[0]}")
    thread = StoryThread.objects.create(**fields(row, THREAD_FIELDS))
    ThreadClip.objects.bulk_create(
        ThreadClip(thread=thread, clip_id=entry["clip"], **fields(entry, THREAD_CLIP_FIELDS))
        for entry in entries
    )
