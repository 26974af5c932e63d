"""Cursor pagination: stable pages however many clips arrive while a client walks them."""

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination


class SlugCursorPagination(CursorPagination):
    """Channels and tags: the slug is unique, so it alone is a sound cursor."""

    ordering = "slug"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestFirstPagination(CursorPagination):
    """Clips in the pages' order, newest first (undated last), id as the tie-break.

    DRF's CursorPagination keys on the first ordering field alone and steps over
    ties with an offset capped at 1000; many clips share a published_at (a
    year-precision date is its 1 January, and undated clips are all NULL), so that
    would break. Here the cursor is the (published_at, id) pair of the last clip
    and the next page is a keyset query on that pair, which is unique and stable.
    Only forward links ("next"); "previous" is always null.
    """

    ordering = ("-published_at", "-id")  # as ClipQuerySet.newest(), NULLs last
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.cursor = self.decode_cursor(request)
        queryset = queryset.newest()
        if self.cursor is not None:
            queryset = queryset.filter(self._after(self.cursor.position))
        results = list(queryset[: self.page_size + 1])
        self.page = results[: self.page_size]
        self.has_next = len(results) > self.page_size
        self.has_previous = False
        return self.page

    def _after(self, position):
        """Clips after `position` ("<iso datetime>|<id>", date empty if undated)."""
        published, _, pk = (position or "").rpartition("|")
        try:
            moment = parse_datetime(published) if published else None
        except ValueError:  # well-formed but impossible, e.g. month 13
            moment = None
        if not pk.isdigit() or (published and moment is None):
            raise NotFound(self.invalid_cursor_message)
        if moment is None:
            return Q(published_at__isnull=True, pk__lt=int(pk))
        return (
            Q(published_at__lt=moment)
            | Q(published_at=moment, pk__lt=int(pk))
            | Q(published_at__isnull=True)
        )

    def get_next_link(self):
        if not self.has_next:
            return None
        last = self.page[-1]
        published = last.published_at.isoformat() if last.published_at else ""
        return self.encode_cursor(
            Cursor(offset=0, reverse=False, position=f"{published}|{last.pk}")
        )

    def get_previous_link(self):
        return None
