"""A match as people read it: "412  re-upload  0.97  0:00-2:00  0:00-1:57"."""

from catalog.timecode import timecode


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
