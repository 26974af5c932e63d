"""Records and clips for tests, written the way clips are written: through catalog.ingest.store.

clip_record("Title", external_id="abc", tags=["Ukraine"]) is a ClipRecord, nothing stored;
make_clip("Title", tags=["Ukraine"], related=["Other"]) stores one and returns the Clip.
"""

import itertools
from datetime import datetime

from django.utils import timezone

from catalog.ingest import ChannelRecord, ClipRecord, RelatedRecord, TagRecord, store

_ids = itertools.count(1)


def clip_record(
    title="A clip", *, channel=None, published=None, precision="day", tags=(), related=(), **fields
):
    """A ClipRecord of platform "test" from an editor, with an id of its own unless given.

    channel: a name or a ChannelRecord; published: a (year, month, day[, hour, minute])
    tuple or a datetime, at `precision`; tags: names (keywords) or TagRecords; related:
    titles, (title, url) pairs or RelatedRecords; anything else is the record's field.
    """
    if isinstance(published, tuple):
        published = timezone.make_aware(datetime(*published))
    return ClipRecord(
        platform=fields.pop("platform", "test"),
        external_id=fields.pop("external_id", f"clip-{next(_ids)}"),
        title=title,
        source=fields.pop("source", "editor"),
        channel=ChannelRecord(name=channel) if isinstance(channel, str) else channel,
        published_at=published,
        published_precision=precision if published else "",
        tags=[TagRecord(tag, "keyword") if isinstance(tag, str) else tag for tag in tags],
        related=[_related(item) for item in related],
        **fields,
    )


def make_clip(title="A clip", *, channel="Test Channel", published=(2024, 5, 17), **fields):
    """Store a clip (by default of a channel and a day, as most clips are); see clip_record."""
    return store(clip_record(title, channel=channel, published=published, **fields)).clip


def _related(item):
    if isinstance(item, RelatedRecord):
        return item
    return RelatedRecord(title=item) if isinstance(item, str) else RelatedRecord(*item)
