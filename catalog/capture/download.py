"""Download a clip's media, thumbnail, subtitles and .info.json with yt-dlp, recording the facts.

yt-dlp runs with the ingestion's network guard (netguard.GuardedYoutubeDL) on
every request it makes, page, media, subtitles and thumbnail alike, and with
only downloaders that go through that guard (HTTP and native HLS/DASH; formats
that would need an external program are not chosen). Each response may be as
long as the per-file limit allows and take NEWSCLIPS_CAPTURE_MAX_SECONDS.

Files land in the capture's work folder under yt-dlp's temporary `.part`
names and are renamed when complete; a download that was killed resumes from
its `.part` file (HTTP range requests) when the capture runs again.
"""

import errno
import hashlib
import logging
import re
import shutil
import socket
import ssl
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import yt_dlp
from django.conf import settings
from yt_dlp.networking.exceptions import HTTPError, RequestError
from yt_dlp.utils import (
    ContentTooShortError,
    DownloadError,
    ExtractorError,
    UnavailableVideoError,
)

from catalog.ingest.netguard import (
    AddressRefused,
    GuardedYoutubeDL,
    ResponseLimit,
    allow_private,
    check_address,
    check_url,
)
from catalog.ingest.ytdlp import YtDlpLogger, exception_chain, fetch_error

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 20
RETRIES = 3
PAGE_LIMIT = 20 * 1024 * 1024
# Protocols whose downloaders use yt-dlp's own (guarded) HTTP requests.
GUARDED_PROTOCOLS = r"^(https?|m3u8(_native)?|http_dash_segments)$"
UNFINISHED_SUFFIXES = (".part", ".ytdl", ".temp")


class CaptureFailed(Exception):
    """The capture cannot be made: `reason` for the editor, `retry` if trying later may help."""

    def __init__(self, reason, *, retry=False):
        super().__init__(reason)
        self.reason, self.retry = reason, retry


@dataclass
class DownloadedFile:
    path: Path
    role: str
    name: str
    url: str = ""


@dataclass
class Download:
    info: dict
    files: list = field(default_factory=list)
    media_urls: list = field(default_factory=list)
    ytdlp_version: str = yt_dlp.version.__version__
    format_id: str = ""
    http_status: int | None = None
    http_headers: dict = field(default_factory=dict)
    cert_chain_pem: str = ""
    cert_sha256: str = ""


class CaptureYoutubeDL(GuardedYoutubeDL):
    """The guarded YoutubeDL with capture-sized limits, noting each response and what it was for."""

    def __init__(self, params, *, allow_private, max_bytes, max_seconds):
        super().__init__(params, allow_private=allow_private)
        # The request director is built on first use, from these.
        self.max_response_bytes, self.max_response_seconds = max_bytes, max_seconds
        self.fetched = []  # (purpose, requested URL, final URL)
        self._purpose = "page"

    def urlopen(self, req):
        requested = getattr(req, "url", req)
        response = super().urlopen(req)
        self.fetched.append((self._purpose, requested, response.url))
        return response

    def dl(self, name, info, subtitle=False, test=False):
        return self._for(
            "subtitle" if subtitle else "media", super().dl, name, info, subtitle, test
        )

    def _write_thumbnails(self, *args, **kwargs):
        return self._for("thumbnail", super()._write_thumbnails, *args, **kwargs)

    def _for(self, purpose, method, *args):
        self._purpose = purpose
        try:
            return method(*args)
        finally:
            self._purpose = "page"

    def final_urls(self, purpose):
        urls = []
        for what, _requested, final in self.fetched:
            if what == purpose and final not in urls:
                urls.append(final)
        return urls


def format_spec(max_height):
    """Best video up to `max_height` with audio, through guarded downloaders only."""
    guarded = f"[protocol~='{GUARDED_PROTOCOLS}']"
    height = f"[height<=?{max_height}]"
    return (
        f"bv*{height}{guarded}+ba{guarded}/b{height}{guarded}/wv*{guarded}+ba{guarded}/w{guarded}"
    )


def download(url, work_dir, *, max_bytes, on_progress=None):
    """Download `url` into `work_dir`; return a Download. Raises CaptureFailed."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    private = allow_private()
    try:
        check_url(url, allow_private=private)
    except AddressRefused as error:
        raise CaptureFailed(error.reason) from None
    except OSError as error:
        raise CaptureFailed(f"network error: {error}", retry=True) from None

    def progress(status):
        done = status.get("downloaded_bytes") or 0
        total = status.get("total_bytes") or status.get("total_bytes_estimate") or 0
        if done > max_bytes or (status.get("total_bytes") and total > max_bytes):
            raise CaptureFailed(f"file too large: more than {max_bytes:,} bytes")
        if on_progress is not None:
            on_progress(done)

    params = _params(work_dir, max_bytes, progress)
    seconds = int(getattr(settings, "NEWSCLIPS_CAPTURE_MAX_SECONDS", 3600) or 3600)
    with CaptureYoutubeDL(
        params, allow_private=private, max_bytes=max_bytes, max_seconds=seconds
    ) as ydl:
        result = Download(info={})
        page = _fetch_page(ydl, url, result)
        try:
            info = ydl.sanitize_info(ydl.extract_info(url, download=True))
        except CaptureFailed:
            raise
        except (DownloadError, ExtractorError, RequestError, UnavailableVideoError) as error:
            raise failure(error) from None
        if not isinstance(info, dict) or info.get("_type") in ("playlist", "multi_video"):
            raise CaptureFailed("the URL is not a single video")
        result.info = info
        result.format_id = str(info.get("format_id") or "")[:200]
        result.media_urls = ydl.final_urls("media")
        result.files = _collect(work_dir, info, ydl)
    if page is not None:
        page_path = work_dir / "page.html"
        page_path.write_bytes(page)
        result.files.append(DownloadedFile(page_path, "page", "page.html", url))
    if urllib.parse.urlsplit(url).scheme == "https":
        result.cert_chain_pem, result.cert_sha256 = certificate_chain(url, allow_private=private)
    return result


def _params(work_dir, max_bytes, progress):
    languages = getattr(settings, "NEWSCLIPS_SUBTITLE_LANGUAGES", ("de", "en"))
    height = int(getattr(settings, "NEWSCLIPS_CAPTURE_MAX_HEIGHT", 720) or 720)
    base = str(work_dir)
    return {
        "format": format_spec(height),
        "merge_output_format": "mp4/mkv",
        "outtmpl": {
            "default": f"{base}/media.%(ext)s",
            "thumbnail": f"{base}/thumbnail.%(ext)s",
            "subtitle": f"{base}/subtitles.%(ext)s",
            "infojson": f"{base}/media.%(ext)s",
        },
        "noplaylist": True,
        "writethumbnail": True,
        "writesubtitles": True,
        "subtitleslangs": [*languages, ".*-orig"],
        "writeinfojson": True,
        "continuedl": True,  # resume a killed download from its .part file
        "nopart": False,
        "overwrites": False,
        "updatetime": False,
        "hls_prefer_native": True,
        # 1 MiB reads: yt-dlp's adaptive size starts at 1 KiB and costs CPU per read.
        "buffersize": 1024 * 1024,
        "noresizebuffer": True,
        "max_filesize": max_bytes,
        "retries": RETRIES,
        "fragment_retries": RETRIES,
        "socket_timeout": SOCKET_TIMEOUT,
        "cachedir": False,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "progress_hooks": [progress],
        "logger": YtDlpLogger(logger),
    }


def _fetch_page(ydl, url, result):
    """The page itself, with its HTTP status and headers; None when it is not HTML-sized."""
    try:
        with ydl.urlopen(url) as response:
            result.http_status = response.status
            result.http_headers = dict(response.headers.items())
            data = response.read(PAGE_LIMIT + 1)
    except HTTPError as error:
        result.http_status = error.status
        result.http_headers = dict(error.response.headers.items())
        return None
    except (RequestError, OSError) as error:
        raise failure(error) from None
    return data if len(data) <= PAGE_LIMIT else None


def _collect(work_dir, info, ydl):
    files = []
    for requested in info.get("requested_downloads") or [info]:
        path = Path(requested.get("filepath") or requested.get("_filename") or "")
        if not path.is_file():
            raise CaptureFailed("yt-dlp finished without a media file")
        files.append(DownloadedFile(path, "media", path.name, (ydl.final_urls("media") or [""])[0]))
    # The returned info does not always carry the paths of subtitles and thumbnails
    # (they are set on yt-dlp's inner copy), so the names of the templates find them.
    subtitles = info.get("requested_subtitles") or {}
    for path in sorted(work_dir.glob("subtitles.*")):
        if not path.name.endswith(UNFINISHED_SUFFIXES):
            track = subtitles.get(path.name.split(".")[1]) or {}
            files.append(DownloadedFile(path, "subtitle", path.name, track.get("url") or ""))
    thumbnails = [t for t in info.get("thumbnails") or [] if isinstance(t, dict)]
    for path in sorted(work_dir.glob("thumbnail.*")):
        if not path.name.endswith(UNFINISHED_SUFFIXES):
            url = thumbnails[-1].get("url") if thumbnails else ""
            files.append(DownloadedFile(path, "thumbnail", path.name, url or ""))
    infojson = work_dir / "media.info.json"
    if infojson.is_file():
        files.append(DownloadedFile(infojson, "infojson", infojson.name, ""))
    for file in files:
        file.url = file.url if file.url.startswith(("http://", "https://")) else ""
    return files


def certificate_chain(url, *, allow_private=False):
    """The HTTPS server's certificate chain as PEM and its leaf's SHA-256 (of the DER).

    A separate connection to the same host, under the same address guard. The
    chain is the verified one where the system trusts it, else what the server sent.
    """
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port or 443
    try:
        address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4]
        if not allow_private:
            check_address(address[0], host=host)
        with socket.create_connection(address[:2], timeout=SOCKET_TIMEOUT) as raw:
            try:
                chain = _chain(raw, host, ssl.create_default_context())
            except ssl.SSLCertVerificationError:
                chain = None
        if chain is None:
            unverified = ssl.create_default_context()
            unverified.check_hostname = False
            unverified.verify_mode = ssl.CERT_NONE
            with socket.create_connection(address[:2], timeout=SOCKET_TIMEOUT) as raw:
                chain = _chain(raw, host, unverified, verified=False)
    except (OSError, AddressRefused) as error:
        logger.info("no certificate chain for %s: %s", url[:200], error)
        return "", ""
    pem = "".join(ssl.DER_cert_to_PEM_cert(der) for der in chain)
    return pem, hashlib.sha256(chain[0]).hexdigest() if chain else ""


def _chain(raw, host, context, *, verified=True):
    with context.wrap_socket(raw, server_hostname=host) as tls:
        chain = tls.get_verified_chain() if verified else tls.get_unverified_chain()
        return [bytes(der) for der in chain or []]


def failure(error):
    """The CaptureFailed for an error from yt-dlp or its requests."""
    for item in exception_chain(error):
        if isinstance(item, CaptureFailed):
            return item
        if isinstance(item, AddressRefused):
            return CaptureFailed(item.reason)
        if isinstance(item, ResponseLimit):
            return CaptureFailed(item.reason, retry=item.kind == "network")
        if isinstance(item, ContentTooShortError):
            return CaptureFailed(
                f"truncated: the server sent {item.downloaded:,} of {item.expected:,} bytes",
                retry=True,
            )
        if isinstance(item, OSError) and item.errno in (errno.ENOSPC, errno.EDQUOT):
            return CaptureFailed(f"disk full while writing: {item.strerror}")
    message = str(error)
    short = re.search(r"Downloaded (\d+) bytes, expected (\d+) bytes", message)
    if short:
        got, expected = (int(n) for n in short.groups())
        return CaptureFailed(
            f"truncated: the server sent {got:,} of {expected:,} bytes", retry=True
        )
    limit = re.search(r"response too (large|slow): .*?(?= Giving up|$)", message)
    if limit:  # the guard's ResponseLimit, as yt-dlp's retries report it
        reason = re.sub(r"\.$", "", limit.group(0))
        return CaptureFailed(reason, retry=limit.group(1) == "slow")
    if "Did not get any data blocks" in message:
        return CaptureFailed("truncated: the server sent less than it announced", retry=True)
    if "unable to write data" in message or "No space left" in message:
        return CaptureFailed(f"disk full while writing ({message.split(':', 1)[-1].strip()})")
    if "File is larger than max-filesize" in message or "max-filesize" in message:
        return CaptureFailed("file too large: the server announces more than the per-file limit")
    fetched = fetch_error(error)
    return CaptureFailed(fetched.reason, retry=fetched.kind == "network")


def clear(work_dir):
    """Remove a capture's work folder and whatever is left in it."""
    shutil.rmtree(work_dir, ignore_errors=True)
