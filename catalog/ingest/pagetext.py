"""Parse the text of a video page, as an editor copies it from a video mirror site.

Such a page reads, top to bottom: the site's name, the title, "video thumbnail",
the title again, the description (paragraphs, hashtags, the channel's links),
"Video 2023 erstellt", a list of titles (the clip's own first, then related
videos) and the site's footer ("Disclaimer DMCA").
"""

import hashlib
import re
from datetime import datetime

from django.utils import timezone

from catalog.models import Clip, ClipTag
from catalog.textlinks import find_hashtags, find_links
from catalog.youtube import watch_url, youtube_video_id

from .records import ChannelRecord, ClipRecord, LinkRecord, RelatedRecord, TagRecord
from .results import IngestError

MAX_LENGTH = 1_000_000  # characters; a video page's text is a few kB

# Lines that belong to the mirror site, not to the video.
CHROME_LINES = re.compile(
    r"^(video thumbnail|thumbnail|disclaimer|dmca|disclaimer\W+dmca|share|download|"
    r"play|watch|more videos|related videos|ähnliche videos)$",
    re.IGNORECASE,
)
# "Video 2023 erstellt", "Video erstellt am 14.09.2023", "Video created 2023", …
DATE_LINE = re.compile(
    r"^video\s+(?:(?:erstellt|created|uploaded|published)\s+(?:am\s+|on\s+|in\s+)?)?"
    r"(?:(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.)?(?P<year>(?:19|20)\d{2})"
    r"(?:\s+(?:erstellt|created|uploaded|published))?$",
    re.IGNORECASE,
)


def parse_pagetext(text, *, source_url="", channel_name=""):
    """Turn pasted page text into a ClipRecord, or raise IngestError saying why not."""
    text = _as_text(text)
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]

    date_index = next((i for i, line in enumerate(lines) if DATE_LINE.match(line)), None)
    head = lines if date_index is None else lines[:date_index]
    tail = [] if date_index is None else lines[date_index + 1 :]

    title, body_start = _title(head)
    body = head[body_start:]
    while body and (not body[0] or body[0] == title or CHROME_LINES.match(body[0])):
        body.pop(0)
    description = _paragraphs(line for line in body if not CHROME_LINES.match(line))

    published_at, precision = _date(lines[date_index]) if date_index is not None else (None, "")
    related = _related(tail, title)

    platform, external_id, url = _identity(title, published_at, source_url)
    return ClipRecord(
        platform=platform,
        external_id=external_id,
        title=title,
        url=url,
        description=description,
        channel=ChannelRecord(name=channel_name.strip()) if channel_name.strip() else None,
        published_at=published_at,
        published_precision=precision,
        source=Clip.Source.PAGETEXT,
        source_url=source_url,
        tags=[TagRecord(name, ClipTag.Origin.HASHTAG) for name in find_hashtags(description)],
        links=[
            LinkRecord(url=url[:2000], label=label[:300]) for url, label in find_links(description)
        ],
        related=related,
        # The page shows the video under its own title; a page copied from YouTube
        # itself is the video, no mirror of it.
        mirror_of=RelatedRecord(title=title) if platform != "youtube" else None,
        raw={"pagetext": {"date_line": lines[date_index] if date_index is not None else ""}},
    )


def _as_text(text):
    if isinstance(text, bytes):
        if b"\x00" in text:
            raise IngestError("this is a binary file, not the text of a video page")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise IngestError(
                f"the text is not UTF-8 (undecodable byte at position {error.start})"
            ) from None
    if len(text) > MAX_LENGTH:
        raise IngestError(
            f"the text is {len(text):,} characters long; a video page has at most {MAX_LENGTH:,}"
        )
    if not text.strip():
        raise IngestError("the text is empty")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t")
    if "\x00" in text or controls > len(text) / 100:
        raise IngestError("this is binary data, not the text of a video page")
    return text


def _title(head):
    """The title and the index where the description starts.

    The title is the line that follows "video thumbnail", else the first line
    that the page repeats, else the first line that reads like a title (a site
    name like "♫musicjinni" is one word).
    """
    for i, line in enumerate(head):
        if line.lower() == "video thumbnail" and i + 1 < len(head) and head[i + 1]:
            return _clean_title(head[i + 1]), i + 2
    content = [(i, line) for i, line in enumerate(head) if line and not CHROME_LINES.match(line)]
    seen = {}
    for i, line in content:
        if line in seen:
            return _clean_title(line), i + 1
        seen[line] = i
    for i, line in content:
        if len(line.split()) >= 2 and len(line) <= 500:
            return _clean_title(line), i + 1
    raise IngestError("no title found: a video page starts with its title")


def _clean_title(line):
    title = " ".join(line.split())
    if len(title) > 500:
        raise IngestError("no title found: the first line is too long to be a title")
    return title


def _paragraphs(lines):
    """Join lines, keeping line breaks and at most one blank line between paragraphs."""
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def _date(line):
    match = DATE_LINE.match(line)
    year = int(match["year"])
    if match["day"]:
        try:
            moment = datetime(year, int(match["month"]), int(match["day"]))
        except ValueError:
            return timezone.make_aware(datetime(year, 1, 1)), Clip.Precision.YEAR
        return timezone.make_aware(moment), Clip.Precision.DAY
    return timezone.make_aware(datetime(year, 1, 1)), Clip.Precision.YEAR


def _related(tail, title):
    related, seen = [], {title}
    for line in tail:
        if not line or CHROME_LINES.match(line) or line in seen:
            continue
        seen.add(line)
        related.append(RelatedRecord(title=_clean_title(line)))
    return related


def _identity(title, published_at, source_url):
    """(platform, external_id, canonical URL) that make a second import find the first.

    A page copied from a YouTube URL is that YouTube video; another source URL
    identifies the page; pasted text alone is identified by its title and year.
    """
    if source_url:
        video_id = youtube_video_id(source_url)
        if video_id:
            return "youtube", video_id, watch_url(video_id)
        if len(source_url) <= 255:
            return "web", source_url, source_url
        digest = hashlib.sha256(source_url.encode()).hexdigest()
        return "web", f"url-sha256:{digest}", source_url
    year = published_at.year if published_at else ""
    digest = hashlib.sha256(f"{title}\n{year}".encode()).hexdigest()[:32]
    return "pagetext", f"title-sha256:{digest}", ""
