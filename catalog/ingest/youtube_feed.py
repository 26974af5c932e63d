"""A YouTube channel's RSS (Atom) feed: the cheap way to see its newest videos.

The feed lists a channel's 15 newest uploads without any scraping. It is
untrusted XML: a document type is refused outright, so that no entity can
expand (billion laughs) or point outside the document (XXE).
"""

import re
from datetime import datetime
from xml.etree import ElementTree

from catalog.youtube import is_video_id, watch_url

from .results import IngestError

MAX_FEED_BYTES = 5 * 1024 * 1024
ATOM = "{http://www.w3.org/2005/Atom}"
YT = "{http://www.youtube.com/xml/schemas/2015}"
_CHANNEL_ID_RE = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


def youtube_feed_url(channel_id):
    """The feed URL of a YouTube channel id (UC… with 24 characters)."""
    channel_id = (channel_id or "").strip()
    if not _CHANNEL_ID_RE.match(channel_id):
        raise IngestError(f"“{channel_id}” is not a YouTube channel id (UC… , 24 characters)")
    return f"https://www.youtube.com/feeds/videos.xml?channel_id={channel_id}"


def parse_youtube_feed(xml_text):
    """(video URL, title) for each entry of a YouTube channel feed, newest first."""
    if isinstance(xml_text, bytes):
        xml_text = xml_text.decode("utf-8", errors="replace")
    if len(xml_text) > MAX_FEED_BYTES:
        raise IngestError(f"the feed is larger than {MAX_FEED_BYTES:,} bytes")
    if re.search(r"<!(?:DOCTYPE|ENTITY)", xml_text, re.IGNORECASE):
        raise IngestError("the feed declares a document type, which a YouTube feed never does")
    try:
        # Safe without defusedxml: with no document type there is no entity to expand.
        root = ElementTree.fromstring(xml_text.lstrip("\ufeff"))  # noqa: S314
    except ElementTree.ParseError as error:
        line, column = error.position
        raise IngestError(f"the feed is not valid XML (line {line}, column {column})") from None
    if root.tag != f"{ATOM}feed":
        raise IngestError("not an Atom feed")
    entries = [_entry(element) for element in root.iter(f"{ATOM}entry")]
    entries = [entry for entry in entries if entry]
    # The feed is newest first already; sorting keeps that promise if it ever is not.
    entries.sort(key=lambda entry: entry[2], reverse=True)
    return [(url, title) for url, title, _published in entries]


def _entry(element):
    video_id = (element.findtext(f"{YT}videoId") or "").strip()
    if is_video_id(video_id):
        url = watch_url(video_id)
    else:
        link = element.find(f"{ATOM}link[@rel='alternate']")
        url = (link.get("href") or "").strip() if link is not None else ""
        if not url.startswith(("https://", "http://")):
            return None
    title = " ".join((element.findtext(f"{ATOM}title") or "").split())[:500]
    return url[:2000], title, _published(element.findtext(f"{ATOM}published"))


def _published(text):
    try:
        return datetime.fromisoformat((text or "").strip()).timestamp()
    except ValueError:
        return float("-inf")
