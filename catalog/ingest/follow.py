"""Followed channels and playlists: ingest their new uploads, and only those.

A check reads the newest entries cheaply (a YouTube channel's public RSS feed,
else a short flat listing by yt-dlp), asks the catalogue in one query which of
them it already has, and fetches only the others. It never walks a channel's
whole history again. Entries that failed are simply tried again next time: a
premiere or a network error today may be a clip tomorrow.
"""

import contextlib
from urllib.parse import urlsplit

from django.utils import timezone
from yt_dlp.networking.exceptions import RequestError

from catalog.models import FollowedSource
from catalog.youtube import CHANNEL_PATHS, is_youtube_url

from . import ytdlp
from .batch import ingest_url, known_clips
from .netguard import fetch_bounded
from .results import IngestError, Summary
from .youtube_feed import parse_youtube_feed, youtube_feed_url

MAX_FEED_BYTES = 2 * 1024 * 1024  # YouTube's feed of 15 entries is about 40 kB
FEED_TIMEOUT = 20  # seconds


def fetch_feed(url):
    """The text of a feed, fetched through the SSRF-guarded request handler."""
    try:
        data, _final_url = fetch_bounded(url, max_bytes=MAX_FEED_BYTES, timeout=FEED_TIMEOUT)
    except RequestError as error:
        raise IngestError(f"the feed could not be fetched ({error.msg or error})") from None
    if len(data) > MAX_FEED_BYTES:
        raise IngestError("the feed is larger than 2 MB")
    return data.decode("utf-8", errors="replace")


def feed_url_for(source):
    """The feed to read: the one set on the source, else one derived from a /channel/UC… URL."""
    if source.feed_url:
        return source.feed_url
    path = urlsplit(source.url).path.rstrip("/").split("/")
    if len(path) >= 3 and path[1] == "channel":
        try:
            return youtube_feed_url(path[2])
        except IngestError:
            return ""  # not a channel id after all: list the URL instead
    return ""


def newest_entries(source):
    """(video URLs, newest first, at most source.limit; notes on what went wrong)."""
    notes = []
    feed_url = feed_url_for(source)
    if feed_url:
        try:
            entries = parse_youtube_feed(fetch_feed(feed_url))
            return [url for url, _title in entries][: source.limit], notes
        except IngestError as error:
            notes.append(f"feed: {error.reason}; listed the URL instead")
    return ytdlp.list_entries(source.url, limit=source.limit), notes


def check_source(source, *, progress=None):
    """Ingest the source's new entries; record when and with what outcome it was checked."""
    now = timezone.now()
    summary = Summary()
    try:
        entries, notes = newest_entries(source)
    except IngestError as error:
        entries, notes = [], [error.reason]
    known = known_clips(entries)
    new = [url for url in entries if url not in known]
    for url in new:
        summary.add(ingest_url(url, known={}))
        if progress is not None:
            progress(len(summary.results), len(new), summary.results[-1])
    _learn_channel(source, [*known.values(), *(r.clip for r in summary.results if r.clip)])
    failures = [f"{result.name}: {result.reason}" for result in summary.failed]
    source.last_checked_at = now
    source.next_check_at = now + source.interval
    source.last_outcome = f"{len(new)} new of {len(entries)} listed: {summary}"[:200]
    source.last_error = "\n".join([*notes, *failures])
    FollowedSource.objects.filter(pk=source.pk).update(
        channel=source.channel,
        feed_url=source.feed_url,
        last_checked_at=source.last_checked_at,
        next_check_at=source.next_check_at,
        last_outcome=source.last_outcome,
        last_error=source.last_error,
    )
    return summary


def _learn_channel(source, clips):
    """Fill in the channel, and a YouTube channel's feed, from the clips found."""
    channel_id = next((clip.channel_id for clip in clips if clip.channel_id), None)
    if source.channel_id is None and channel_id is not None:
        source.channel = next(clip.channel for clip in clips if clip.channel_id == channel_id)
    channel = source.channel
    if (
        not source.feed_url
        and channel is not None
        and channel.platform == "youtube"
        and _is_youtube_channel_url(source.url)
    ):
        # Without a valid channel id the URL is listed as before.
        with contextlib.suppress(IngestError):
            source.feed_url = youtube_feed_url(channel.platform_id)


def _is_youtube_channel_url(url):
    return is_youtube_url(url) and urlsplit(url).path.startswith(CHANNEL_PATHS)
