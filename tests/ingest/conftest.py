"""A real web server on 127.0.0.1 with the kinds of pages yt-dlp meets on news sites."""

import gzip
import json
import socket
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from catalog.ingest import ytdlp

from .pagehandler import PageHandler

# Two spoken lines, captioned the way YouTube's automatic captions roll.
ROLLING_VTT = "\n".join(
    [
        "WEBVTT",
        "Kind: captions",
        "Language: de",
        "",
        "00:00:00.000 --> 00:00:02.000 align:start position:0%",
        " ",
        "Guten<00:00:00.400><c> Abend</c><00:00:00.800><c> aus</c><00:00:01.200><c> Berlin</c>",
        "",
        "00:00:02.000 --> 00:00:02.010 align:start position:0%",
        "Guten Abend aus Berlin",
        " ",
        "",
        "00:00:02.010 --> 00:00:04.000 align:start position:0%",
        "Guten Abend aus Berlin",
        "die<00:00:02.500><c> Nachrichten</c>",
        "",
        "00:00:04.000 --> 00:00:06.000 align:start position:0%",
        "die Nachrichten",
        "im<00:00:04.400><c> Überblick</c>",
    ]
)

SUBTITLED_PAGE = """<!DOCTYPE html>
<html lang="de"><head><title>Tagesschau am Abend</title></head><body>
<h1>Tagesschau am Abend</h1>
<video controls poster="/poster.jpg">
  <source src="/media/abend.mp4" type="video/mp4">
  <track kind="subtitles" srclang="de" label="Deutsch" src="/subs/abend.de.vtt">
</video>
</body></html>"""

JSONLD = {
    "@context": "https://schema.org",
    "@type": "VideoObject",
    "name": "Bundestag debattiert Haushalt",
    "description": "Die Debatte im Überblick. #Haushalt #Bundestag",
    "thumbnailUrl": "{base}/thumbs/haushalt.jpg",
    "uploadDate": "2024-03-05T14:30:00+01:00",
    "duration": "PT2M5S",
    "contentUrl": "{base}/media/haushalt.mp4",
}
JSONLD_PAGE = f"""<!DOCTYPE html><html><head><title>Haushalt</title>
<script type="application/ld+json">{json.dumps(JSONLD)}</script></head>
<body><p>Artikel</p></body></html>"""

OG_PAGE = """<!DOCTYPE html><html><head>
<meta property="og:title" content="Sturm über der Nordsee">
<meta property="og:description" content="Bilder vom Sturm.">
<meta property="og:video" content="{base}/media/sturm.mp4">
<meta property="og:video:type" content="video/mp4">
<meta property="og:image" content="{base}/thumbs/sturm.jpg">
<title>Sturm</title></head><body></body></html>"""

SEVERAL_PAGE = """<!DOCTYPE html><html><head><title>Drei Clips zur Wahl</title></head><body>
<video src="/media/wahl1.mp4"></video>
<video src="/media/wahl2.mp4"></video>
<video src="/media/wahl3.mp4"></video>
</body></html>"""

NO_VIDEO_PAGE = """<!DOCTYPE html><html><head><title>Impressum</title></head>
<body><p>Nur Text, kein Video.</p></body></html>"""

# A few bytes that start like an MP4 file: yt-dlp only probes them.
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64

PAGES = {
    "/subtitled.html": ("text/html; charset=utf-8", SUBTITLED_PAGE),
    "/jsonld.html": ("text/html; charset=utf-8", JSONLD_PAGE),
    "/og.html": ("text/html; charset=utf-8", OG_PAGE),
    "/several.html": ("text/html; charset=utf-8", SEVERAL_PAGE),
    "/novideo.html": ("text/html; charset=utf-8", NO_VIDEO_PAGE),
    "/subs/abend.de.vtt": ("text/vtt; charset=utf-8", ROLLING_VTT),
}


class _Handler(PageHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        self.server.requests.append(path)
        if path in HOSTILE_PAGES:
            try:
                return HOSTILE_PAGES[path](self)
            except (BrokenPipeError, ConnectionResetError):
                return None  # the client gave up reading, as it should
        if path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", self.server.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path.startswith("/media/"):
            return self._send(200, "video/mp4", MP4_BYTES)
        if path.startswith("/thumbs/") or path == "/poster.jpg":
            return self._send(200, "image/jpeg", b"\xff\xd8\xff\xd9")
        if path in PAGES:
            content_type, body = PAGES[path]
            # Pages name their media by absolute URL, as real ones do.
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            return self._send(200, content_type, body.replace("{base}", base).encode())
        return self._send(404, "text/html", b"<html><body>Not found</body></html>")


def _endless(handler):
    """A page that never ends (no Content-Length, so it lasts until the connection closes)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    handler.wfile.write(b"<!DOCTYPE html><html><head><title>Endless</title></head><body>")
    while True:
        handler.wfile.write(b"<p>and on and on</p>" * 4096)


def _huge(handler):
    """A page that announces 50 MB."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(50 * 1024 * 1024))
    handler.end_headers()
    handler.wfile.write(b"<html>" + b" " * 65536)


def _gzip_bomb(handler):
    """30 kB on the wire that unpack to 30 MB of spaces."""
    body = gzip.compress(b"<html>" + b" " * 30 * 1024 * 1024, compresslevel=9)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _drip(handler):
    """A page that sends a byte every 50 ms: never slow enough for a socket timeout."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for byte in b"<html><head><title>Drip</title></head><body>" * 100:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


def _large(handler):
    """A large page within the limits (900 kB), sent in pieces as a real server does."""
    body = b"<html>" + b"".join(b"%06d\n" % n for n in range(128_000))
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for start in range(0, len(body), 10_000):
        handler.wfile.write(body[start : start + 10_000])
        handler.wfile.flush()


HOSTILE_PAGES = {
    "/large.html": _large,
    "/endless.html": _endless,
    "/huge.html": _huge,
    "/gzip-bomb.html": _gzip_bomb,
    "/drip.html": _drip,
}


class Site:
    def __init__(self, server):
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, path):
        return self.base + path

    def redirect(self, name, target):
        """A /redirect/<name> URL that answers 302 to `target`."""
        path = f"/redirect/{name}"
        self.server.redirects[path] = target
        return self.url(path)

    @property
    def requests(self):
        return self.server.requests


@pytest.fixture(scope="session")
def _server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.requests, server.redirects = [], {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(_server):
    _server.requests.clear()
    _server.redirects.clear()
    return Site(_server)


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return port


@pytest.fixture
def fast_ytdlp(monkeypatch):
    """No retries and a short timeout: a failing request must fail at once in tests."""
    monkeypatch.setattr(ytdlp, "SOCKET_TIMEOUT", 3)
    monkeypatch.setattr(ytdlp, "RETRIES", 0)


@pytest.fixture
def allow_private(settings, fast_ytdlp):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True
    return settings
