"""Keyset (cursor) pages over a clip list in ClipQuerySet.newest() order.

Newest first, undated clips last, id as the tie-break: a page ends at a clip's
(published_at, id) key and the next page is "everything after that key", so a
page deep in the list costs the same as the first one and no COUNT(*) is run.

The order has two stretches, dated clips and then undated ones, and a query is
run per stretch: "published_at <= p AND (published_at < p OR id < i)" walks the
newest-first index from the key, where adding "OR published_at IS NULL" would make
the database scan from the top. The second stretch is asked for only on the page
where the first runs out.

The cursor in the URL (?cursor=) is opaque to readers: direction, date and id,
base64-encoded. A cursor that does not decode is a 400, not a silent first page.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import F, Q
from django.utils.dateparse import parse_datetime

AFTER, BEFORE = "a", "b"


@dataclass(frozen=True)
class Key:
    """A clip's place in the order."""

    published_at: datetime | None
    pk: int

    @classmethod
    def of(cls, clip):
        return cls(clip.published_at, clip.pk)


def encode_cursor(direction, key):
    moment = key.published_at.isoformat() if key.published_at else ""
    raw = f"{direction}|{moment}|{key.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """(direction, Key) from a cursor; BadRequest if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, moment, pk = raw.split("|")
        published = parse_datetime(moment) if moment else None
        valid = direction in (AFTER, BEFORE) and pk.isdigit() and (published or not moment)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        valid = False
    if not valid or (published and published.tzinfo is None):
        raise BadRequest("Invalid page cursor.")
    return direction, Key(published, int(pk))


@dataclass
class CursorPage:
    """One page of clips with the cursors of its neighbours (None where there is none)."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.previous_cursor is not None

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous


# Both stretches keep the full order, though all dates in the second are NULL: with
# "IS NULL" PostgreSQL does not see that the index then runs in id order.
NEWEST = (F("published_at").desc(nulls_last=True), "-pk")
# The newest-first index read backwards, on every database.
OLDEST = (F("published_at").asc(nulls_first=True), "pk")


def _dated_desc(queryset):
    return queryset.filter(published_at__isnull=False).order_by(*NEWEST)


def _undated_desc(queryset):
    return queryset.filter(published_at__isnull=True).order_by(*NEWEST)


def _dated_asc(queryset):
    return queryset.filter(published_at__isnull=False).order_by(*OLDEST)


def _undated_asc(queryset):
    return queryset.filter(published_at__isnull=True).order_by(*OLDEST)


def _forward(queryset, key, limit):
    """Up to `limit` clips after `key` (from the top if None), in list order."""
    if key is None:
        return list(queryset.order_by(*NEWEST)[:limit])
    if key.published_at is None:
        return list(_undated_desc(queryset).filter(pk__lt=key.pk)[:limit])
    after = Q(published_at__lte=key.published_at) & (
        Q(published_at__lt=key.published_at) | Q(pk__lt=key.pk)
    )
    rows = list(_dated_desc(queryset).filter(after)[:limit])
    if len(rows) < limit:
        rows += _undated_desc(queryset)[: limit - len(rows)]
    return rows


def _backward(queryset, key, limit):
    """Up to `limit` clips before `key`, nearest first."""
    if key.published_at is None:
        rows = list(_undated_asc(queryset).filter(pk__gt=key.pk)[:limit])
        if len(rows) < limit:
            rows += _dated_asc(queryset)[: limit - len(rows)]
        return rows
    before = Q(published_at__gte=key.published_at) & (
        Q(published_at__gt=key.published_at) | Q(pk__gt=key.pk)
    )
    return list(_dated_asc(queryset).filter(before)[:limit])


def paginate(queryset, cursor=None, page_size=None):
    """The page of `queryset` (clips, any filters) that `cursor` points at."""
    size = page_size or settings.NEWSCLIPS_PAGE_SIZE
    direction, key = decode_cursor(cursor) if cursor else (AFTER, None)
    if direction == AFTER:
        rows = _forward(queryset, key, size + 1)
        clips, more = rows[:size], len(rows) > size
        has_next, has_previous = more, key is not None
    else:
        rows = _backward(queryset, key, size + 1)
        clips, more = rows[:size][::-1], len(rows) > size
        has_next, has_previous = True, more
    if not clips:
        return CursorPage([], None, None)
    return CursorPage(
        clips,
        encode_cursor(AFTER, Key.of(clips[-1])) if has_next else None,
        encode_cursor(BEFORE, Key.of(clips[0])) if has_previous else None,
    )
