"""Cursor pagination: stable pages however many clips arrive while a client walks them."""

from django.core.exceptions import BadRequest
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

from catalog.browse.pagination import paginate


class SlugCursorPagination(CursorPagination):
    """Channels and tags: the slug is unique, so it alone is a sound cursor."""

    ordering = "slug"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class IdCursorPagination(CursorPagination):
    """Rows in the order they were made: the id alone is a sound cursor."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestIdPagination(CursorPagination):
    """Claims, newest first as on the claims page (ClaimQuerySet.newest()): the id is unique."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstPagination(CursorPagination):
    """Clips in the pages' order, newest first (undated last), id as the tie-break.

    DRF's CursorPagination keys on the first ordering field alone and steps over
    ties with an offset capped at 1000; many clips share a published_at (a
    year-precision date is its 1 January, and undated clips are all NULL), so that
    would break. The site's keyset pages (catalog.browse.pagination) key on the
    (published_at, id) pair and walk the newest-first index from it, so the API
    uses them: the same order, the same cost on page 1 and page 20,000, both links.
    """

    ordering = ("-published_at", "-id")  # as ClipQuerySet.newest(), NULLs last
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        try:
            self.page = paginate(
                queryset,
                request.query_params.get(self.cursor_query_param),
                page_size=self.get_page_size(request),
            )
        except BadRequest:
            raise NotFound(self.invalid_cursor_message) from None
        return self.page.object_list

    def get_next_link(self):
        return self._link(self.page.next_cursor)

    def get_previous_link(self):
        return self._link(self.page.previous_cursor)

    def _link(self, cursor):
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)
