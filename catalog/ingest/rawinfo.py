"""Trim a yt-dlp info dict to what is worth keeping as a clip's provenance.

An info dict is mostly stream data: format lists, signed media URLs that expire
within hours (and identify the requesting IP), request headers and cookies.
None of it is needed later and some of it must not be stored, so the raw copy
keeps the descriptive fields only, bounded in size and safe for any JSON column.
"""

import math
import re

# Stream, download and local-file data: large, short-lived or private.
DROPPED_KEYS = frozenset(
    {
        "formats",
        "requested_formats",
        "requested_downloads",
        "requested_subtitles",
        "http_headers",
        "cookies",
        "fragments",
        "fragment_base_url",
        "downloader_options",
        "thumbnails",
        "heatmap",
        "storyboards",
        "entries",
        "filename",
        "_filename",
        "_format_sort_fields",
        "format",
        "format_id",
        "format_note",
        "manifest_url",
        "manifest_stream_number",
        "protocol",
        "url",
        "description",  # kept in the clip's own field
    }
)
NESTED_DROPPED_KEYS = frozenset({"formats", "http_headers", "cookies", "fragments"})
CAPTION_KEYS = ("subtitles", "automatic_captions")
SIGNED_URL_RE = re.compile(
    r"^[a-z][a-z0-9+.-]*://\S*[?&](?:expire|expires|signature|sig|sparams|lsig|token|"
    r"policy|key-pair-id|x-amz-signature|x-goog-signature|hdnts|hdnea)=",
    re.IGNORECASE,
)
MAX_STRING = 5_000
MAX_ITEMS = 200
MAX_DEPTH = 6


def is_http_url(value):
    return isinstance(value, str) and value.strip().lower().startswith(("http://", "https://"))


def trim_raw(info, *, thumbnail=""):
    """A small, JSON-serialisable copy of the descriptive part of the info dict."""
    raw = {}
    for key, value in info.items():
        if not isinstance(key, str) or key in DROPPED_KEYS or key.startswith("__"):
            continue
        if key in CAPTION_KEYS:
            raw[key] = _caption_languages(value)
            continue
        cleaned = _clean(value, depth=1)
        if cleaned is not _DROP:
            raw[key] = cleaned
    # The media URL is worth keeping only when it is stable (a podcast's mp3, not a signed stream).
    if is_http_url(info.get("url")) and not SIGNED_URL_RE.match(info["url"]):
        raw["url"] = info["url"][:2000]
    if thumbnail:
        raw["thumbnail"] = thumbnail
    return raw


def _caption_languages(tracks):
    """Only which languages exist: the track URLs are signed and expire."""
    if not isinstance(tracks, dict):
        return []
    return sorted(str(language)[:32] for language in tracks)[:MAX_ITEMS]


class _Drop:
    pass


_DROP = _Drop()


def _clean(value, *, depth):
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        if "://" in value and SIGNED_URL_RE.match(value):  # "in" first: few strings are URLs
            return _DROP
        return value.replace("\x00", "")[:MAX_STRING]
    if depth >= MAX_DEPTH:
        return _DROP
    if isinstance(value, list | tuple):
        items = (_clean(item, depth=depth + 1) for item in value[:MAX_ITEMS])
        return [item for item in items if item is not _DROP]
    if isinstance(value, dict):
        cleaned = {}
        for key, item in list(value.items())[:MAX_ITEMS]:
            if key in NESTED_DROPPED_KEYS:
                continue
            item = _clean(item, depth=depth + 1)
            if item is not _DROP:
                cleaned[str(key)[:200]] = item
        return cleaned
    return _DROP
