"""Clips for tests, written the only way clips are written: through catalog.ingest.store."""

import itertools
from datetime import datetime

from django.utils import timezone

from catalog.ingest import ChannelRecord, ClipRecord, RelatedRecord, TagRecord, store

_ids = itertools.count(1)


def make_clip(
    title="A clip",
    *,
    tags=(),
    channel="Test Channel",
    published=(2024, 5, 17),
    precision="day",
    related=(),
    **fields,
):
    """Store a clip; `related` is a list of titles or (title, url) pairs."""
    number = next(_ids)
    record = ClipRecord(
        platform=fields.pop("platform", "test"),
        external_id=fields.pop("external_id", f"clip-{number}"),
        title=title,
        source=fields.pop("source", "editor"),
        channel=ChannelRecord(name=channel) if channel else None,
        published_at=timezone.make_aware(datetime(*published)) if published else None,
        published_precision=precision if published else "",
        tags=[TagRecord(name, "keyword") for name in tags],
        related=[
            RelatedRecord(title=item) if isinstance(item, str) else RelatedRecord(*item)
            for item in related
        ],
        **fields,
    )
    return store(record).clip
