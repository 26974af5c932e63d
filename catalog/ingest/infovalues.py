"""A .info.json's values as the catalogue takes them: text, durations, positions, counts
and chapters. Files come from years of yt-dlp and youtube-dl versions and from other tools,
so any field may hold any JSON type: each is coerced to something sane, or None.
"""

import re

from .records import ChapterRecord
from .results import IngestError
from .safejson import json_type

CLOCK_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$")
DIGITS_GROUPED_RE = re.compile(r"^\d{1,3}(?:[,. '\u00a0\u202f]\d{3})+$")


def as_text(info, key, limit, *, multiline=False):
    """A string field, with a list of strings joined and numbers spelled out."""
    value = info.get(key)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        value = str(value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = ("\n" if multiline else " ").join(value)
    elif not isinstance(value, str):
        raise IngestError(f"the field “{key}” is a JSON {json_type(value)}, not text")
    value = value.replace("\x00", "").replace("\r\n", "\n")
    value = value.strip() if multiline else " ".join(value.split())
    return value[:limit]


def as_duration(value):
    """Seconds from 754, 754.4, "754" or "12:34" / "1:02:03"; None when unusable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        match = CLOCK_RE.match(text)
        if match:
            hours, minutes, seconds = (int(part or 0) for part in match.groups())
            return hours * 3600 + minutes * 60 + seconds
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, int | float) and 0 <= value < 10**9:
        return round(value)
    return None


MAX_CHAPTERS = 500


def chapter_records(info):
    """yt-dlp's `chapters` ([{start_time, end_time, title}]): the usable ones, in order.

    A chapter without a title, with a start below 0 or an end not after its
    start is left out; a missing end is the next chapter's start (or the clip's
    end), as yt-dlp itself fills it in.
    """
    chapters = info.get("chapters")
    if not isinstance(chapters, list):
        return []
    duration = as_duration(info.get("duration"))
    found = []
    for chapter in chapters[:MAX_CHAPTERS]:
        if not isinstance(chapter, dict):
            continue
        start = as_seconds(chapter.get("start_time"))
        try:
            title = as_text(chapter, "title", 500)
        except IngestError:
            continue  # a chapter is not worth refusing the clip for
        if start is None or not title:
            continue
        found.append([start, as_seconds(chapter.get("end_time")), title])
    found.sort(key=lambda chapter: chapter[0])
    for chapter, following in zip(found, [*found[1:], None][: len(found)], strict=True):
        if chapter[1] is None:
            chapter[1] = following[0] if following else duration
    return [
        ChapterRecord(start=start, end=end, title=title)
        for start, end, title in found
        if end is not None and end > start
    ]


def as_seconds(value):
    """A position in seconds (0 up), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(float(value), 3) if 0 <= value < 10**9 else None


def as_count(info, key):
    """A non-negative count from 1234, 1234.0, "1234" or "1,234"; None when unusable."""
    value = info.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if DIGITS_GROUPED_RE.match(text):
            text = re.sub(r"\D", "", text)
        if not text.isdigit():
            return None
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 <= value < 2**63:
        return value
    return None
