"""Ingest from the web with yt-dlp: metadata, subtitles and playlist listings.

yt-dlp runs with downloads off and every HTTP request behind the SSRF guard
(netguard). Its many error types and messages are mapped to one FetchError
with a `kind` that refresh logic can act on and a reason an editor can read.
Parsing the result is `normalise`, the same function that reads .info.json files.
"""

import logging
import re
import socket

from django.conf import settings
from yt_dlp.networking.exceptions import HTTPError, RequestError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError, GeoRestrictedError, UnsupportedError

from catalog.models import Clip
from catalog.models.availability import GONE
from catalog.youtube import is_video_id, watch_url

from .infojson import normalise
from .netguard import AddressRefused, GuardedYoutubeDL, ResponseLimit, allow_private, check_url
from .records import TranscriptRecord
from .results import IngestError
from .subtitles import parse_vtt

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("de", "en")
SOCKET_TIMEOUT = 20  # seconds per network operation
RETRIES = 1
MAX_SUBTITLE_BYTES = 10 * 1024 * 1024
PAGE_VIDEO_LIMIT = 100  # videos taken from one page when no limit is given
# Besides the platform's word that a video is gone (an availability), what kept us from it.
FETCH_KINDS = ("unsupported", "not_found", "network", *GONE)

# yt-dlp's messages, most specific first; a network problem must never read as "removed".
_MESSAGE_KINDS = (
    ("network", r"http error 429|too many requests|rate.?limit|timed out|temporary failure"),
    ("network", r"not a bot"),  # YouTube's bot check blocks the server, not the video
    ("network", r"connection (?:refused|reset|aborted)|name or service not known|unreachable"),
    ("network", r"unable to download (?:webpage|api page|json)|ssl|getaddrinfo|urlopen error"),
    ("geo_blocked", r"not (?:be )?available (?:in|from) your (?:country|location)|geo.?restrict"),
    ("private", r"private video|video is private|members.only|join this channel|sign in to"),
    ("private", r"premium|subscri(?:ber|ption).only|age.restricted|confirm your age"),
    ("not_found", r"http error 404|http error 410|not found"),
    ("removed", r"removed|terminated|no longer available|video unavailable|has been deleted"),
    ("removed", r"copyright|violat|this video is unavailable|does not exist"),
    ("unsupported", r"unsupported url|no video formats found|no video could be found"),
)


class FetchError(IngestError):
    """yt-dlp could not read the URL; `kind` is one of FETCH_KINDS."""

    def __init__(self, kind, reason, *, name=""):
        if kind not in FETCH_KINDS:
            raise ValueError(f"unknown fetch error kind {kind!r}")
        super().__init__(reason, name=name)
        self.kind = kind


def extract_page(url, *, languages=None, limit=None):
    """The clips a URL shows: its one video, or each video of a page that has several.

    `languages` (the subtitles wanted) defaults to the NEWSCLIPS_SUBTITLE_LANGUAGES
    setting; the clip's original-language captions are fetched too.

    Returns a list in page order with a ClipRecord, or the IngestError that
    video gave, per video: at most `limit` (PAGE_VIDEO_LIMIT when None). The
    page is fetched once; each of its videos is stored with the page as its source.
    """
    limit = PAGE_VIDEO_LIMIT if limit is None else max(int(limit), 1)
    with _youtube_dl(url, _clip_options(languages, playlistend=limit)) as ydl:
        info = _run(lambda: ydl.sanitize_info(ydl.extract_info(url, download=False)))
        if not (isinstance(info, dict) and _is_playlist(info)):
            return [_record(ydl, info, url)]
        entries = [entry for entry in info.get("entries") or [] if entry is not None][:limit]
        if not entries:
            raise FetchError("unsupported", "unsupported URL: yt-dlp found no video on the page")
        results = []
        for entry in entries:
            try:
                results.append(_record(ydl, entry, url))
            except IngestError as error:
                results.append(error)
    return results


def _clip_options(languages, **options):
    if languages is None:
        languages = getattr(settings, "NEWSCLIPS_SUBTITLE_LANGUAGES", DEFAULT_LANGUAGES)
    languages = [language for language in languages if isinstance(language, str) and language]
    return {
        "noplaylist": True,  # a watch URL inside a playlist means the video
        "writesubtitles": True,
        "writeautomaticsub": True,
        "subtitleslangs": [*languages, ".*-orig"],
        "subtitlesformat": "vtt/srt/best",
        **options,
    }


def _record(ydl, info, url):
    if not isinstance(info, dict):
        raise FetchError("unsupported", "unsupported URL: yt-dlp found no video")
    record = normalise(info, source=Clip.Source.URL, source_url=url)
    record.transcripts = _transcripts(ydl, info)
    return record


def _is_playlist(info):
    return info.get("_type") in ("playlist", "multi_video") or "entries" in info


def list_entries(url, *, limit=None):
    """The video URLs of a playlist or channel page, as the site lists them (newest first)."""
    options = {"extract_flat": "in_playlist"}
    if limit is not None:
        options["playlistend"] = max(int(limit), 1)
    with _youtube_dl(url, options) as ydl:
        info = _run(lambda: ydl.sanitize_info(ydl.extract_info(url, download=False)))
    if not isinstance(info, dict):
        return []
    if not _is_playlist(info):
        single = _entry_url(info, "")
        return [single] if single else []
    urls = []
    for entry in info.get("entries") or []:
        entry_url = _entry_url(entry, info.get("webpage_url")) if isinstance(entry, dict) else ""
        if entry_url and entry_url not in urls:
            urls.append(entry_url)
    return urls[:limit] if limit is not None else urls


def _entry_url(entry, playlist_url):
    """The URL that imports this entry on its own.

    A flat entry points at its video page. Videos embedded in one page all share
    that page's URL, so each is reached by its media URL instead.
    """
    video_id = entry.get("id")
    is_youtube = "Youtube" in (entry.get("ie_key"), entry.get("extractor_key"))
    if is_youtube and is_video_id(video_id):
        return watch_url(video_id)
    keys = ("url", "webpage_url")
    if entry.get("_type") not in ("url", "url_transparent"):
        keys = ("webpage_url", "url") if entry.get("webpage_url") != playlist_url else ("url",)
    for key in keys:
        value = entry.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value[:2000]
    return ""


# --- running yt-dlp -----------------------------------------------------------------------------


def _youtube_dl(url, options):
    """A guarded YoutubeDL for `url`, after refusing URLs that must not be fetched at all."""
    private = allow_private()
    try:
        check_url(url, allow_private=private)
    except AddressRefused as error:
        raise FetchError("unsupported", error.reason) from None
    except OSError as error:
        raise FetchError("network", f"network error: retry later ({_os_reason(error)})") from None
    params = {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "skip_download": True,
        "cachedir": False,
        "socket_timeout": SOCKET_TIMEOUT,
        "retries": RETRIES,
        "extractor_retries": RETRIES,
        "ignore_no_formats_error": True,  # metadata is wanted even when no stream is playable
        "logger": YtDlpLogger(),
        **options,
    }
    return GuardedYoutubeDL(params, allow_private=private)


def _run(action):
    try:
        return action()
    except (DownloadError, ExtractorError, RequestError) as error:
        raise fetch_error(error) from None


def fetch_error(error):
    """The FetchError for an exception raised by yt-dlp."""
    chain = exception_chain(error)
    for item in chain:
        if isinstance(item, AddressRefused):
            return FetchError("unsupported", item.reason)
        if isinstance(item, ResponseLimit):
            return FetchError(item.kind, item.reason)
        if isinstance(item, GeoRestrictedError):
            return FetchError("geo_blocked", "geo-blocked")
        if isinstance(item, UnsupportedError):
            return FetchError("unsupported", "unsupported URL")
        if isinstance(item, HTTPError):
            return _http_error(item.status)
    message = _clean_message(str(error))
    for kind, pattern in _MESSAGE_KINDS:
        if re.search(pattern, message, re.IGNORECASE):
            return _from_message(kind, message)
    if any(isinstance(item, TransportError | OSError) for item in chain):
        return FetchError("network", f"network error: retry later ({message})")
    return FetchError("unsupported", f"unsupported URL: {message}")


def _http_error(status):
    if status in (404, 410):
        return FetchError("not_found", f"not found (HTTP {status})")
    if status in (401, 403):
        return FetchError("private", f"access denied (HTTP {status})")
    if status == 451:
        return FetchError("geo_blocked", "geo-blocked (HTTP 451)")
    if status == 429:
        return FetchError("network", "network error: retry later (HTTP 429, too many requests)")
    return FetchError("network", f"network error: retry later (HTTP {status})")


def _from_message(kind, message):
    reasons = {
        "network": f"network error: retry later ({message})",
        "geo_blocked": "geo-blocked",
        "private": "private video",
        "not_found": "not found (HTTP 404)" if "404" in message else f"not found: {message}",
        "removed": f"removed: {message}",
        "unsupported": "unsupported URL",
    }
    return FetchError(kind, reasons[kind][:500])


def exception_chain(error):
    """The error and everything it wraps: yt-dlp keeps causes in exc_info, cause and reason."""
    seen, pending, chain = set(), [error], []
    while pending and len(chain) < 20:
        item = pending.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        chain.append(item)
        exc_info = getattr(item, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) == 3:
            pending.append(exc_info[1])
        for attribute in ("cause", "reason", "__cause__", "__context__"):
            pending.append(getattr(item, attribute, None))
    return chain


def _clean_message(message):
    """yt-dlp's reason without its decorations: 'ERROR: [youtube] id: ', bug report hints."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)
    message = re.sub(r"^(?:ERROR:\s*)?(?:\[[^\]]+\]\s*)?(?:[\w-]{1,64}:\s+)?", "", message)
    message = re.split(r";\s*please report this issue|\s+Confirm you are on the latest", message)[0]
    return " ".join(message.split())[:300]


def _os_reason(error):
    if isinstance(error, socket.gaierror):
        return "the host name does not resolve"
    return error.strerror or type(error).__name__


class YtDlpLogger:
    """yt-dlp's output goes to logging (`log`, this module's logger by default), never to the
    server's stdout."""

    def __init__(self, log=logger):
        self.log = log

    def debug(self, message):
        self.log.debug("%s", message)

    def info(self, message):
        self.log.debug("%s", message)

    def warning(self, message):
        self.log.info("yt-dlp: %s", message)

    def error(self, message):
        self.log.info("yt-dlp: %s", message)


# --- subtitles ----------------------------------------------------------------------------------


def _transcripts(ydl, info):
    """Fetch and parse the subtitle tracks yt-dlp chose; a track that fails is skipped."""
    chosen = info.get("requested_subtitles") or {}
    manual = set(info.get("subtitles") or {})
    by_language = {}
    for key, track in chosen.items():
        if not isinstance(track, dict) or key == "live_chat":
            continue
        language = key.removesuffix("-orig")[:16]
        kind = "manual" if key in manual else "automatic"
        rank = (kind == "manual", key.endswith("-orig"))
        if language in by_language and by_language[language][0] >= rank:
            continue
        segments = _fetch_segments(ydl, track)
        if segments:
            by_language[language] = (rank, TranscriptRecord(language, kind, segments))
    return [transcript for _rank, transcript in by_language.values()]


def _fetch_segments(ydl, track):
    if track.get("ext") not in ("vtt", "srt"):
        return []
    text = track.get("data")
    if not isinstance(text, str):
        url = track.get("url")
        if not isinstance(url, str):
            return []
        try:
            with ydl.urlopen(url) as response:
                data = response.read(MAX_SUBTITLE_BYTES + 1)
        except (RequestError, OSError) as error:
            logger.info("subtitles at %s could not be fetched: %s", url[:200], error)
            return []
        if len(data) > MAX_SUBTITLE_BYTES:
            logger.info("subtitles at %s are larger than %s bytes", url[:200], MAX_SUBTITLE_BYTES)
            return []
        text = data.decode("utf-8-sig", errors="replace")
    return parse_vtt(text)
