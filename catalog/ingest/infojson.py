"""Turn a yt-dlp (or youtube-dl) info dict into a ClipRecord.

Real .info.json files span years of schema changes and many extractors, so
every field is optional and may have the wrong type: each one is coerced to
something sane or refused with a reason that names it. `read_infojson` guards
the parse itself (size, encoding, nesting) so that a hostile file stays cheap.
"""

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.utils import timezone

from catalog.models import Clip, ClipTag
from catalog.textlinks import find_hashtags, iter_urls
from catalog.youtube import is_video_id, watch_url, youtube_video_id

from .infovalues import as_count, as_duration, as_text, chapter_records
from .kinds import LINK, record_kind
from .rawinfo import is_http_url, trim_raw
from .records import (
    ChannelRecord,
    ClipRecord,
    LinkRecord,
    RelatedRecord,
    TagRecord,
    tag_slug,
)
from .results import IngestError
from .safejson import json_type, load_object

MAX_DESCRIPTION = 100_000  # characters; YouTube allows 5,000

_AVAILABLE = {"public", "unlisted"}
_PRIVATE = {"private", "needs_auth", "premium_only", "subscriber_only"}
_LIVE_STATES = {"not_live", "is_live", "was_live", "post_live"}
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_YYYYMMDD_RE = re.compile(r"(19|20)\d{6}")


def read_infojson(data, *, name=""):
    """Parse the contents of one .info.json file (bytes or str) into a ClipRecord."""
    info = load_object(data, name=name)
    return normalise(info, source=Clip.Source.INFOJSON)


def normalise(info, *, source, source_url=""):
    """The one mapping from a yt-dlp info dict to a ClipRecord (no database access)."""
    if not isinstance(info, dict):
        raise IngestError(f"the metadata is a JSON {json_type(info)}, not an object")
    _refuse_non_clips(info)
    external_id = _external_id(info)
    platform = _platform(info)
    description = as_text(info, "description", MAX_DESCRIPTION, multiline=True)
    title = as_text(info, "title", 500) or as_text(info, "fulltitle", 500) or external_id[:500]
    published_at, precision = _published(info)
    links, related = _links_and_related(description, external_id)
    return ClipRecord(
        platform=platform,
        external_id=external_id,
        title=title,
        source=source,
        url=_canonical_url(info, platform, external_id),
        description=description,
        channel=_channel(info, platform),
        published_at=published_at,
        published_precision=precision,
        duration=as_duration(info.get("duration")),
        view_count=as_count(info, "view_count"),
        like_count=as_count(info, "like_count"),
        language=_language(info),
        thumbnail_url=best_thumbnail(info),
        availability=_availability(info, source),
        source_url=source_url[:2000] if is_http_url(source_url) else "",
        tags=_tags(info, description),
        links=links,
        related=related,
        chapters=chapter_records(info),
        raw=trim_raw(info, thumbnail=best_thumbnail(info)),
    )


# --- identity -----------------------------------------------------------------------------------


def _refuse_non_clips(info):
    """A playlist's, a channel's or a link's file is refused by name, saying what told it."""
    kind = record_kind(info)
    if kind.is_clip:
        return
    label = as_text(info, "title", 200) or as_text(info, "id", 200) or "this"
    if kind.name == LINK:
        raise IngestError(f"“{label}” is only a link to a video, not its metadata: import its URL")
    told = ", ".join(kind.evidence)
    if kind.listed:
        entries = info.get("entries")
        count = len(entries) if isinstance(entries, list) else as_count(info, "playlist_count")
        listed = f"{count:,} entries" if count is not None else "no entries listed"
        told = f"{listed}; {told}" if told else listed
    raise IngestError(
        f"“{label}” is a {kind.name} ({told}), not a clip: import its videos one by one"
    )


def _external_id(info):
    value = info.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise IngestError("no video id")
    value = value.strip().replace("\x00", "")
    if len(value) > 255:
        return f"id-sha256:{hashlib.sha256(value.encode()).hexdigest()}"
    return value


def _platform(info):
    for key in ("extractor_key", "ie_key", "extractor"):
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()[:50]
    raise IngestError("no extractor named (extractor_key or extractor): not a yt-dlp .info.json")


def _canonical_url(info, platform, external_id):
    if platform == "youtube" and is_video_id(external_id):
        return watch_url(external_id)
    for key in ("webpage_url", "original_url"):
        value = info.get(key)
        if is_http_url(value) and len(value) <= 2000:
            return value
    return ""


# --- text and numbers ---------------------------------------------------------------------------


def _language(info):
    value = info.get("language")
    if isinstance(value, str) and _LANGUAGE_RE.match(value.strip()):
        return value.strip()[:16]
    for key in ("automatic_captions", "subtitles"):
        tracks = info.get(key)
        for language in tracks if isinstance(tracks, dict) else ():
            if isinstance(language, str) and language.endswith("-orig"):
                original = language.removesuffix("-orig")
                if _LANGUAGE_RE.match(original):
                    return original[:16]
    return ""


# --- dates --------------------------------------------------------------------------------------


def _published(info):
    """(moment, precision) from the most precise field; never an invented date."""
    for key in ("timestamp", "release_timestamp"):
        moment = _from_timestamp(info.get(key))
        if moment:
            return moment, Clip.Precision.TIME
    for key in ("upload_date", "release_date"):
        moment = _from_yyyymmdd(info.get(key))
        if moment:
            return moment, Clip.Precision.DAY
    return None, ""


def _from_timestamp(value):
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 < value < 4_102_444_800:  # before 2100
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def _from_yyyymmdd(value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _YYYYMMDD_RE.fullmatch(value):
        return None
    try:
        # Not strptime: ten times slower for the same eight digits, and paid by every file.
        day = datetime(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
    # A bare day is shown in the site's time zone: midnight there keeps it the same day.
    return timezone.make_aware(day)


# --- channel ------------------------------------------------------------------------------------


def _channel(info, platform):
    name = as_text(info, "channel", 300) or as_text(info, "uploader", 300)
    url = _https_if_known(_first_url(info, "channel_url", "uploader_url"))
    uploader_id = as_text(info, "uploader_id", 200)
    handle = uploader_id if uploader_id.startswith("@") else _handle_from_url(url)
    platform_id = as_text(info, "channel_id", 200) or (
        "" if uploader_id.startswith("@") else uploader_id
    )
    if not name:
        page = _first_url(info, "webpage_url", "original_url")
        domain = _domain(page)
        if not domain:
            return None
        site = urlsplit(page)
        return ChannelRecord(name=domain, platform=platform, url=f"{site.scheme}://{site.netloc}/")
    return ChannelRecord(
        name=name,
        platform=platform,
        platform_id=platform_id,
        handle=handle,
        url=url,
        follower_count=as_count(info, "channel_follower_count"),
    )


def _first_url(info, *keys):
    for key in keys:
        value = info.get(key)
        if is_http_url(value) and len(value) <= 2000:
            return value.strip()
    return ""


def _https_if_known(url):
    # Old youtube-dl files say http:// for sites that have long redirected to https.
    if url.startswith("http://") and _domain(url).endswith("youtube.com"):
        return "https://" + url.removeprefix("http://")
    return url


def _handle_from_url(url):
    match = re.search(r"/(@[\w.-]+)/?$", urlsplit(url).path) if url else None
    return match.group(1)[:200] if match else ""


def _domain(url):
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


# --- tags, links, pictures, availability --------------------------------------------------------


def _tags(info, description):
    keywords = info.get("tags")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if not isinstance(keywords, list):
        keywords = []
    records = []
    for name in keywords:
        if isinstance(name, str) and tag_slug(name):
            records.append(TagRecord(" ".join(name.split())[:100], ClipTag.Origin.KEYWORD))
    records += [
        TagRecord(name[:100], ClipTag.Origin.HASHTAG)
        for name in find_hashtags(description)
        if tag_slug(name)
    ]
    return records


def _links_and_related(description, own_id):
    """Links in the description: other YouTube videos are related clips, the rest the channel's."""
    links, related, seen = [], [], set()
    for line in description.split("\n"):
        position = 0
        for start, end, url in iter_urls(line):
            label = line[position:start].strip(" \t-–—:|•►▶→👉")
            position = end
            if url in seen or len(url) > 2000:
                continue
            seen.add(url)
            video_id = youtube_video_id(url)
            if video_id == own_id:
                continue
            if video_id:
                related.append(RelatedRecord(title=label[:500], url=url))
            else:
                links.append(LinkRecord(url=url, label=label[:300]))
    return links, related


def best_thumbnail(info):
    """The info's chosen thumbnail, else the largest of its list by preference, then width."""
    chosen = info.get("thumbnail")
    if is_http_url(chosen) and len(chosen) <= 2000:
        return chosen
    thumbnails = info.get("thumbnails")
    candidates = [
        thumb
        for thumb in (thumbnails if isinstance(thumbnails, list) else [])
        if isinstance(thumb, dict) and is_http_url(thumb.get("url")) and len(thumb["url"]) <= 2000
    ]

    def size(thumb):
        preference, width = thumb.get("preference"), thumb.get("width")
        return (
            preference if isinstance(preference, int | float) else -(10**6),
            width if isinstance(width, int | float) else 0,
        )

    return max(candidates, key=size)["url"] if candidates else ""


def _availability(info, source):
    # A list or an object in these fields (hand-edited files) says nothing: not known.
    availability, live_status = info.get("availability"), info.get("live_status")
    if isinstance(availability, str) and availability in _AVAILABLE:
        return Clip.Availability.AVAILABLE
    if isinstance(availability, str) and availability in _PRIVATE:
        return Clip.Availability.PRIVATE
    if isinstance(live_status, str) and live_status in _LIVE_STATES:
        return Clip.Availability.AVAILABLE
    # yt-dlp has just read the clip from the web: it is there.
    return Clip.Availability.AVAILABLE if source == Clip.Source.URL else ""
