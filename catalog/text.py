"""Finding URLs, hashtags and video ids in untrusted text.

One definition, used both when a source is parsed (catalog.ingest) and when a
description is rendered (catalog.templatetags), so that what is stored as a tag
or a link is exactly what the page shows as one.
"""

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

# Only http(s): javascript:, data: and friends never become links.
URL_RE = re.compile(r"\bhttps?://[^\s<>\"'«»“”‘’\[\]{}|\\^`]+", re.IGNORECASE)
# Characters that end a sentence rather than a URL.
_URL_TRAILING = ".,;:!?…"

# '#' not preceded by a word character or '&' (so '&#39;' and 'C#' are not tags),
# followed by a word that is not only digits ('#1' is a rank, not a topic).
HASHTAG_RE = re.compile(r"(?<![\w&/])#(?!\d+\b)(\w[\w-]*\w|\w)", re.UNICODE)

_YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTUBE_EMBED_HOSTS = _YOUTUBE_HOSTS | {"youtube-nocookie.com", "www.youtube-nocookie.com"}


def trim_url(url):
    """Drop sentence punctuation and an unbalanced closing bracket from a found URL."""
    url = url.rstrip(_URL_TRAILING)
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(_URL_TRAILING)
    return url


def iter_urls(text):
    """Yield (start, end, url) for every http(s) URL in the text."""
    for match in URL_RE.finditer(text):
        url = trim_url(match.group(0))
        if len(url) > len("https://"):
            yield match.start(), match.start() + len(url), url


def find_links(text):
    """(url, label) for every http(s) URL, labelled by the words before it on its line."""
    links, seen = [], set()
    for line in text.split("\n"):
        position = 0
        for start, end, url in iter_urls(line):
            if url not in seen:
                seen.add(url)
                links.append((url, line[position:start].strip(" \t-–—:|•")))
            position = end
    return links


def find_hashtags(text):
    """The hashtags in order of first appearance, without '#', duplicates removed by case."""
    seen, tags = set(), []
    for match in HASHTAG_RE.finditer(text):
        name = match.group(1)
        if name.lower() not in seen:
            seen.add(name.lower())
            tags.append(name)
    return tags


@lru_cache(maxsize=4096)  # an import asks for the same URLs several times
def youtube_video_id(url):
    """The 11-character video id of a YouTube watch, short, shorts or embed URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/")
    candidate = None
    if host == "youtu.be":
        candidate = path.lstrip("/")
    elif host in _YOUTUBE_HOSTS and path == "/watch":
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    elif host in _YOUTUBE_EMBED_HOSTS:
        for prefix in ("/embed/", "/shorts/", "/live/", "/v/"):
            if path.startswith(prefix):
                candidate = path[len(prefix) :]
    if candidate and _YOUTUBE_ID_RE.match(candidate):
        return candidate
    return None
