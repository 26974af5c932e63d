"""A local site whose pages the test writes: hostile text, slow answers, simultaneous fetches.

yt-dlp's generic extractor reads each page's og: tags; the clip's id
is the name of its video file, so /clips/<id>.html becomes the clip ("generic", <id>).
"""

import threading
import time
from html import escape
from http.server import ThreadingHTTPServer

import pytest

from tests.ingest.pagehandler import PageHandler

MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def video_page(clip_id, title, description):
    """A news page as the web serves it: the text escaped once, as HTML requires."""
    return f"""<!DOCTYPE html><html><head>
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:video" content="/media/{clip_id}.mp4">
<meta property="og:video:type" content="video/mp4">
<title>{escape(title)}</title></head><body></body></html>"""


def subtitled_page(clip_id, title):
    """A page with an HTML5 video and a German subtitle track at /subs/<id>.de.vtt."""
    return f"""<!DOCTYPE html><html lang="de"><head><title>{escape(title)}</title></head><body>
<video controls><source src="/media/{clip_id}.mp4" type="video/mp4">
<track kind="subtitles" srclang="de" label="Deutsch" src="/subs/{clip_id}.de.vtt"></video>
</body></html>"""


class Site:
    def __init__(self, server):
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, path):
        return self.base + path

    def publish(self, clip_id, title, description="Bilder des Tages."):
        self.server.routes[f"/clips/{clip_id}.html"] = video_page(clip_id, title, description)
        return self.url(f"/clips/{clip_id}.html")

    def publish_subtitled(self, clip_id, title, vtt):
        self.server.routes[f"/clips/{clip_id}.html"] = subtitled_page(clip_id, title)
        self.server.routes[f"/subs/{clip_id}.de.vtt"] = vtt
        return self.url(f"/clips/{clip_id}.html")

    def slow(self, seconds):
        """Every page answers only after `seconds`."""
        self.server.delay = seconds

    def in_step(self, parties):
        """Each path is answered only once `parties` clients asked for it: fetches overlap."""
        self.server.parties = parties

    @property
    def fetched(self):
        return list(self.server.fetched)

    def wait_for(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while path not in self.server.fetched:
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} was never fetched; fetched: {self.fetched}")
            time.sleep(0.02)


class _Handler(PageHandler):
    def do_GET(self):
        server = self.server
        path = self.path.split("?", 1)[0]
        server.fetched.append(path)
        if server.parties > 1:
            with server.lock:
                barrier = server.barriers.setdefault(path, threading.Barrier(server.parties))
            barrier.wait(timeout=20)
        if path.startswith("/media/"):
            return self._send(200, "video/mp4", MP4_BYTES)
        if path in server.routes:
            time.sleep(server.delay)
            return self._send(200, "text/html; charset=utf-8", server.routes[path].encode())
        return self._send(404, "text/html", b"<html>not found</html>")


@pytest.fixture
def hostile_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes, server.fetched, server.barriers = {}, [], {}
    server.delay, server.parties, server.lock = 0, 1, threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(server)
    server.shutdown()
    server.server_close()
