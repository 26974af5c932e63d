"""Batches from the web: video, playlist and channel URLs via yt-dlp.

Each item goes through `guarded`, so one that cannot be fetched or parsed fails
alone with its name and reason while the rest of the batch still imports. A
`progress(done, total, result)` callback lets the command draw a bar and a
background job record each item as it finishes.
"""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from catalog.models import Clip
from catalog.youtube import CHANNEL_PATHS, is_youtube_url, youtube_video_id

from . import ytdlp
from .results import IngestError, ItemResult, Outcome, Summary, guarded
from .store import store

_YOUTUBE_COLLECTION_PATHS = (*CHANNEL_PATHS, "/playlist")


def is_collection_url(url):
    """Does the URL name a playlist or channel rather than one video?

    Decided from the URL's shape, without a fetch: YouTube's are recognisable
    (/@handle, /channel/UC…, /playlist?list=…); a URL on another site counts as
    a video, and a feed or playlist there is given to `follow` instead.
    """
    if youtube_video_id(url):
        return False
    if not is_youtube_url(url):
        return False
    parts = urlsplit(url)
    return parts.path.startswith(_YOUTUBE_COLLECTION_PATHS) or "list" in parse_qs(parts.query)


def expand_urls(urls, *, limit=None):
    """The video URLs behind the given URLs, in order, without duplicates.

    A playlist or channel URL is listed (newest first, at most `limit` entries);
    one that cannot be listed becomes a failed ItemResult in the second list.
    """
    videos, failures, seen = [], [], set()
    for url in (u.strip() for u in urls):
        if not url or url in seen:
            continue
        seen.add(url)
        if not is_collection_url(url):
            videos.append(url)
            continue
        try:
            entries = ytdlp.list_entries(url, limit=limit)
        except IngestError as error:
            failures.append(ItemResult(name=url, outcome=Outcome.FAILED, reason=error.reason))
            continue
        for entry in entries:
            if entry not in seen:
                seen.add(entry)
                videos.append(entry)
    return videos, failures


def known_clips(urls):
    """{url: Clip} for the URLs already catalogued, in one query.

    YouTube URLs match by video id (every URL form of a video is one clip);
    other URLs by the clip's canonical or source URL.
    """
    if not urls:
        return {}
    ids = {url: youtube_video_id(url) for url in urls}
    others = [url for url, video_id in ids.items() if not video_id]
    match = Q(platform="youtube", external_id__in=[v for v in ids.values() if v])
    if others:
        match |= Q(url__in=others) | Q(source_url__in=others)
    by_id, by_url = {}, {}
    for clip in Clip.objects.filter(match).only(
        "id", "title", "platform", "external_id", "url", "source_url"
    ):
        if clip.platform == "youtube":
            by_id[clip.external_id] = clip
        by_url.setdefault(clip.url, clip)
        by_url.setdefault(clip.source_url, clip)
    known = {}
    for url, video_id in ids.items():
        clip = by_id.get(video_id) if video_id else by_url.get(url)
        if clip is not None:
            known[url] = clip
    return known


def ingest_url(url, *, refresh=False, known=None):
    """Fetch one URL with yt-dlp and store what it shows; one ItemResult for it all.

    A page of several videos stores each of them (see `ingest_page`) and is
    reported as one: created if any video was, with the first video's clip.
    """
    results = ingest_page(url, refresh=refresh, known=known)
    return results[0] if len(results) == 1 else _page_result(url, results)


def ingest_page(url, *, refresh=False, known=None, limit=None):
    """Fetch one URL with yt-dlp and store its video, or each of its videos; a result per video.

    A clip already in the catalogue is "unchanged" without a fetch unless
    `refresh` is true; `known` may pass the answer of `known_clips` for a batch.
    A page that embeds several videos is fetched once and each video (at most
    `limit`) becomes a clip with the page as its source, reported as "URL #n".
    """
    if known is None:
        known = known_clips([url])
    clip = known.get(url)
    if clip is not None and not refresh:
        return [ItemResult(name=url, outcome=Outcome.UNCHANGED, clip=clip)]
    page = guarded(url, _fetch_page, url, limit)
    if not isinstance(page, _Fetched):
        return [page]  # the page itself failed
    if len(page.records) == 1:
        return [guarded(url, _store_fetched, page.records[0])]
    return [
        guarded(f"{url} #{number}", _store_fetched, record)
        for number, record in enumerate(page.records, start=1)
    ]


class _Fetched:
    """What one URL showed: a ClipRecord, or the IngestError it gave, per video."""

    def __init__(self, records):
        self.records = records
        self.name = ""


def _fetch_page(url, limit):
    languages = settings.NEWSCLIPS_SUBTITLE_LANGUAGES
    return _Fetched(ytdlp.extract_page(url, languages=languages, limit=limit))


def _store_fetched(record):
    if isinstance(record, IngestError):
        raise record
    return store(record, checked_at=timezone.now())


def _page_result(url, results):
    done = [result for result in results if result.outcome is not Outcome.FAILED]
    if not done:
        reason = f"none of the {len(results)} videos on the page imported: {results[0].reason}"
        return ItemResult(name=url, outcome=Outcome.FAILED, reason=reason)
    order = [Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED]
    outcome = min((result.outcome for result in done), key=order.index)
    return ItemResult(name=url, outcome=outcome, clip=done[0].clip)


def ingest_urls(urls, *, limit=None, refresh=False, progress=None):
    """Ingest video, playlist and channel URLs; playlists and pages of videos up to `limit`."""
    summary = Summary()
    videos, failures = expand_urls(urls, limit=limit)
    total = len(videos) + len(failures)
    for result in failures:
        _report(summary, result, total, progress)
    known = known_clips(videos)
    for url in videos:
        results = ingest_page(url, refresh=refresh, known=known, limit=limit)
        total += len(results) - 1  # a page of several videos counts each of them
        for result in results:
            _report(summary, result, total, progress)
    return summary


def _report(summary, result, total, progress):
    summary.add(result)
    if progress is not None:
        progress(summary.total, total, result)
