"""A match as people read it: "412  re-upload  0.97  0:00-2:00  0:00-1:57".

The kinds of match (catalog.matching.lookup says when each applies) and what an
editor reads for each; no numpy here, so the admin's pages can import it.
"""

from django.utils.translation import gettext_lazy as _

from catalog.timecode import timecode

REUPLOAD, EXCERPT, CONTAINS, SHARED, THUMBNAIL_KIND = (
    "re-upload", "excerpt", "contains", "shared footage", "same thumbnail",
)  # fmt: skip
# What an editor reads for a kind (`manage.py match` prints the kinds themselves).
KIND_LABELS = {
    REUPLOAD: _("re-upload"),
    EXCERPT: _("excerpt: the file is a part of the clip"),
    CONTAINS: _("excerpt: the clip is a part of the file"),
    SHARED: _("shared footage"),
    THUMBNAIL_KIND: _("same thumbnail"),
}


def span(start, end):
    return f"{timecode(start)}-{timecode(end)}"


def match_line(match):
    """One line of `manage.py match`: clip id, kind, score, the ranges in the clip and in
    the file (none for a thumbnail)."""
    parts = [str(match.clip_id), match.kind, f"{match.score:.2f}"]
    if match.ranges:
        clip_start, clip_end, query_start, query_end = match.ranges
        parts += [span(clip_start, clip_end), span(query_start, query_end)]
    return "\t".join(parts)
