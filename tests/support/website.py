"""A real web site on 127.0.0.1 whose routes a test sets: pages, files, redirects, bad servers.

    def test_something(website, tmp_path):
        url = website.add("/clip.html", "<html>…</html>")       # str: UTF-8, HTML by default
        website.page("/fact-check.html", "<p>…</p>", title="…")  # a whole HTML document
        website.add("/media/clip.mp4", tmp_path / "clip.mp4")   # a file, with Range requests
        website.add("/thumb.jpg", jpeg_bytes)                    # type from the extension
        website.redirect("/old", "/clip.html")                  # 302 (status=301 ...)
        website.add("/gone.html", "no", status=410, headers={"Retry-After": "5"})
        website.add("/slow.html", page, delay=3)                # answers after 3 s
        website.add("/drip.html", page, chunk_size=1, interval=0.05)
        website.add("/huge.html", b"<html>", content_length=50_000_000)  # lies about its size
        website.add("/feed", lambda request: feed(request.base))  # built per request
        website.add("/same.html", page, parties=2)              # answered when two wait
        website.add("/media/cut.mp4", video, close_after=1000)  # dies after 1000 bytes
        website.add("/tsa", lambda request: reply(request.body))  # POST: request.body
        ...
        assert website.requests == ["/clip.html"]   # the paths asked, in order
        website.log[0].headers["Range"]             # the whole requests
        website.wait_for("/media/clip.mp4")         # from another thread or process

The `website` fixture (tests/conftest.py) starts one per test on a random port, in a thread,
and stops it afterwards (tests that use it are marked `ytdlp`); `with Website() as site:`
does the same anywhere else.
"""

import contextlib
import mimetypes
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

FILE_CHUNK = 64 * 1024
RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Request:
    """What a route's callable body gets: the request as the site received it."""

    method: str
    path: str  # without the query
    query: str
    headers: Message  # case-insensitive: headers["range"] is headers["Range"]
    host: str  # the Host header: 127.0.0.1:<port>, or the name a test's DNS gave the site
    body: bytes = b""  # what a POST or PUT sent

    @property
    def base(self):
        """http://<host>, for pages that name their media by absolute URL, as real ones do."""
        return f"http://{self.host}"


@dataclass
class Route:
    body: bytes | str | Path | Callable
    status: int = 200
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0
    chunk_size: int | None = None
    interval: float = 0
    content_length: int | None = None
    ranges: bool = True
    close_after: int | None = None
    barrier: threading.Barrier | None = None


NOT_FOUND = Route(
    b"<!DOCTYPE html><html><body>Not found</body></html>",
    status=404,
    content_type="text/html; charset=utf-8",
    ranges=False,
)


class Website:
    """A local web site; see the module's docstring. Thread-safe enough for parallel fetches."""

    def __init__(self):
        self.routes = {}
        self.log = []  # every Request, in the order they arrived
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.website = self
        self._thread = None
        self.port = self._server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.base = f"http://{self.host}"

    # Starting and stopping.

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # Routes.

    def url(self, path="/"):
        return urljoin(self.base, path)

    def add(
        self,
        path,
        body=b"",
        *,
        status=200,
        content_type=None,
        headers=None,
        delay=0,
        chunk_size=None,
        interval=0,
        content_length=None,
        ranges=True,
        close_after=None,
        parties=1,
    ):
        """Serve `body` at `path` to every method (no query; the query is ignored); returns
        the URL.

        body: bytes; str (sent as UTF-8); a pathlib.Path (the file, read when asked for);
            or a callable taking the Request and returning any of these or an iterable of
            bytes, which is streamed without a Content-Length until it ends (or never).
        content_type: by default guessed from the path's (or file's) extension; a str body
            without one is HTML; text types get "; charset=utf-8".
        headers: more response headers, e.g. {"Content-Encoding": "gzip"}.
        delay: seconds to wait before answering (a slow server).
        chunk_size, interval: send the body in pieces, flushing each, pausing `interval`
            seconds between them (a server that drips).
        content_length: the Content-Length to announce when it should not be the truth.
        ranges: answer Range requests on bytes, text and files with 206 (as static file
            servers do); False: always the whole body, as servers that ignore Range do.
        close_after: send only this many bytes of the body, then close the connection (a
            server that dies half-way: the Content-Length announced stays the whole).
        parties: answer only once this many requests for the path are waiting, so that
            simultaneous fetches really overlap (gives up after 20 s).
        """
        if not path.startswith("/"):
            raise ValueError(f"a route's path starts with /: {path!r}")
        self.routes[path] = Route(
            body=body,
            status=status,
            content_type=content_type or _guess_type(path, body),
            headers=dict(headers or {}),
            delay=delay,
            chunk_size=chunk_size,
            interval=interval,
            content_length=content_length,
            ranges=ranges,
            close_after=close_after,
            barrier=threading.Barrier(parties) if parties > 1 else None,
        )
        return self.url(path)

    def page(self, path, body_html, *, title="", head="", lang="en", **options):
        """A whole HTML document around `body_html`; `head` is added to its <head>."""
        document = (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>{head}</head><body>{body_html}</body></html>"
        )
        return self.add(path, document, **options)

    def redirect(self, path, target, *, status=302):
        """`path` answers `status` with a Location of `target` (a URL or a path of the site)."""
        return self.add(path, b"", status=status, headers={"Location": target})

    def remove(self, path):
        """The path answers 404 from now on."""
        self.routes.pop(path, None)

    # What was asked.

    @property
    def requests(self):
        """The paths asked for (without queries), in order; `log` has the whole requests."""
        return [request.path for request in self.log]

    def clear(self):
        """Forget the requests so far."""
        self.log.clear()

    def wait_for(self, path, timeout=30):
        """Block until `path` has been asked for."""
        deadline = time.monotonic() + timeout
        while path not in self.requests:
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} was never asked for; asked: {self.requests}")
            time.sleep(0.02)


def _guess_type(path, body):
    if isinstance(body, Path):
        path = body.name
    guessed = mimetypes.guess_type(path)[0]
    if guessed is None:
        return "text/html; charset=utf-8" if isinstance(body, str) else "application/octet-stream"
    if guessed.startswith("text/") or guessed.endswith(("+xml", "/xml", "/json")):
        return f"{guessed}; charset=utf-8"
    return guessed


class _Handler(BaseHTTPRequestHandler):
    server_version = "NewsclipsTestSite/1"

    def do_GET(self):
        site = self.server.website
        target = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=target.path,
            query=target.query,
            headers=self.headers,
            host=self.headers.get("Host", site.host),
            body=self.rfile.read(int(self.headers.get("Content-Length") or 0)),
        )
        site.log.append(request)
        try:
            return self._answer(site.routes.get(request.path, NOT_FOUND), request)
        except (BrokenPipeError, ConnectionResetError):
            return None  # the client stopped reading, as clients with limits should

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, *args):
        pass  # keep the test output readable

    def _answer(self, route, request):
        if route.barrier is not None:
            # If the others never come, answer anyway: the test's asserts will tell.
            with contextlib.suppress(threading.BrokenBarrierError):
                route.barrier.wait(timeout=20)
        time.sleep(route.delay)
        body = route.body(request) if callable(route.body) else route.body
        if isinstance(body, str):
            body = body.encode()
        if isinstance(body, Path):
            return self._send_file(route, body)
        if isinstance(body, bytes | bytearray):
            return self._send_bytes(route, body)
        return self._send_stream(route, body)

    def _head(self, status, content_type, headers, length):
        self.send_response(status)
        if content_type and status not in (204, 304):
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send_bytes(self, route, body):
        status, headers = route.status, dict(route.headers)
        if route.content_length is None and route.ranges and status == 200:
            headers["Accept-Ranges"] = "bytes"
            status, extra, start, end = self._range(len(body))
            headers.update(extra)
            body = body[start:end]
        length = len(body) if route.content_length is None else route.content_length
        self._head(status, route.content_type, headers, length)
        if self.command != "HEAD" and status != 416:
            self._write(route, [body])

    def _send_file(self, route, path):
        size = path.stat().st_size
        status, headers, start, end = route.status, dict(route.headers), 0, size
        if route.ranges and status == 200:
            headers["Accept-Ranges"] = "bytes"
            status, extra, start, end = self._range(size)
            headers.update(extra)
        self._head(status, route.content_type, headers, end - start)
        if self.command == "HEAD" or status == 416:
            return
        with path.open("rb") as file:
            file.seek(start)
            self._write(route, _file_pieces(file, end - start))

    def _send_stream(self, route, pieces: Iterable[bytes]):
        self._head(route.status, route.content_type, route.headers, route.content_length)
        if self.command != "HEAD":
            self._write(route, pieces)

    def _range(self, size):
        """(status, headers, start, end) for the request's Range header over `size` bytes.

        One range (bytes=a-b, a-, -n) gets 206; several ranges or a malformed header get the
        whole body (as the RFC allows); a range past the end gets 416."""
        match = RANGE.match(self.headers.get("Range", "").strip())
        if not match or match.groups() == ("", ""):
            return 200, {}, 0, size
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) + 1, size) if last else size
        else:
            start, end = max(size - int(last), 0), size
        if start >= size or start >= end:
            return 416, {"Content-Range": f"bytes */{size}"}, 0, 0
        return 206, {"Content-Range": f"bytes {start}-{end - 1}/{size}"}, start, end

    def _write(self, route, pieces):
        left = route.close_after
        for piece in pieces:
            if left is not None:
                piece, left = piece[:left], left - len(piece[:left])
            size = route.chunk_size or len(piece) or 1
            for start in range(0, len(piece), size):
                self.wfile.write(piece[start : start + size])
                if route.chunk_size:
                    self.wfile.flush()
                    time.sleep(route.interval)
            if left == 0:
                self.wfile.flush()
                self.close_connection = True
                return


def _file_pieces(file, remaining):
    while remaining > 0:
        piece = file.read(min(FILE_CHUNK, remaining))
        if not piece:
            return
        remaining -= len(piece)
        yield piece
