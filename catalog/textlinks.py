"""Finding the URLs and hashtags in untrusted text.

One definition, used both when a source is parsed (catalog.ingest) and when a
description is rendered (catalog.templatetags), so that what is stored as a tag
or a link is exactly what the page shows as one. (YouTube's video ids:
catalog.youtube.)
"""

import re

# Only http(s): javascript:, data: and friends never become links.
URL_RE = re.compile(r"\bhttps?://[^\s<>\"'«»“”‘’\[\]{}|\\^`]+", re.IGNORECASE)
# Characters that end a sentence rather than a URL.
_URL_TRAILING = ".,;:!?…"

# '#' not preceded by a word character or '&' (so '&#39;' and 'C#' are not tags),
# followed by a word that is not only digits ('#1' is a rank, not a topic).
HASHTAG_RE = re.compile(r"(?<![\w&/])#(?!\d+\b)(\w[\w-]*\w|\w)", re.UNICODE)


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


def http_url(value):
    """The URL if it is http(s), else '': stored URLs come from the web."""
    value = str(value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""
