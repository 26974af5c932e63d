"""Moments in the catalogue export (catalog.backup): one list per clip line, and back."""

from django.db.models import Prefetch

from catalog.models import Moment

MOMENT_FIELDS = ("kind", "start", "end", "title", "description", "language")
MOMENT_FIELDS += ("created_at", "updated_at")

# For catalog.backup's clip query: each clip's moments in time order, with their tags.
PREFETCH = Prefetch(
    "moments", queryset=Moment.objects.order_by("start", "end", "id").prefetch_related("tags")
)


def moment_rows(clip, values):
    """The clip's moments as plain rows; `values(obj, fields)` is the backup's field reader."""
    return [
        {**values(m, MOMENT_FIELDS), "tags": sorted(t.slug for t in m.tags.all())}
        for m in clip.moments.all()
    ]


def unknown_moment_tags(row, known):
    """The moment tags of a clip row that the file did not list as tags."""
    return sorted({s for m in row.get("moments", ()) for s in m["tags"]} - set(known))


def restore_moments(clips_and_rows, tag_ids, fields, batch_size):
    """Insert the moments of freshly restored clips, then their tags (bulk, two statements).

    Returns the moments in file order, for the claims that refer to them by position.
    """
    pairs = [
        (Moment(clip=clip, **fields(m, MOMENT_FIELDS)), m["tags"])
        for clip, row in clips_and_rows
        for m in row.get("moments", ())
    ]
    moments = Moment.objects.bulk_create([m for m, _tags in pairs], batch_size=batch_size)
    through = Moment.tags.through
    Moment.tags.through.objects.bulk_create(
        [
            through(moment_id=moment.pk, tag_id=tag_ids[slug])
            for moment, (_m, slugs) in zip(moments, pairs, strict=True)
            for slug in slugs
        ],
        batch_size=batch_size,
    )
    return moments
