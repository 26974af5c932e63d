"""A news site on 127.0.0.1 whose pages the test changes: retitled, removed, new uploads.

yt-dlp's generic extractor reads each page's og: tags; the clip's id is the
name of its video file, so /clips/<id>.html becomes the clip ("generic", <id>).
"""

import threading
from html import escape
from http.server import ThreadingHTTPServer

import pytest

from .pagehandler import PageHandler

MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


class Newsroom:
    def __init__(self, server):
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self.routes = server.routes
        self.fetched = server.fetched

    def url(self, path):
        return self.base + path

    def publish(self, clip_id, title, description="Bilder des Tages."):
        """A video page; returns its URL."""
        body = f"""<!DOCTYPE html><html><head>
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:video" content="/media/{clip_id}.mp4">
<meta property="og:video:type" content="video/mp4">
<title>{escape(title)}</title></head><body></body></html>"""
        self.routes[f"/clips/{clip_id}.html"] = (200, "text/html; charset=utf-8", body)
        return self.url(f"/clips/{clip_id}.html")

    def answer(self, clip_id, status):
        """The video page now answers with an HTTP error (403: private, 429: rate limit)."""
        self.routes[f"/clips/{clip_id}.html"] = (status, "text/html", "<html>no</html>")

    def feed(self, path, clip_ids):
        """An Atom feed like YouTube's, newest first, linking to the pages."""
        entries = "".join(
            f"""<entry><title>{clip_id}</title>
<link rel="alternate" href="{self.url(f"/clips/{clip_id}.html")}"/>
<published>2024-05-{20 - i:02d}T10:00:00+00:00</published></entry>"""
            for i, clip_id in enumerate(clip_ids)
        )
        self.routes[path] = (
            200,
            "application/atom+xml",
            f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>',
        )
        return self.url(path)


class _Handler(PageHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        self.server.fetched.append(path)
        if path.startswith("/media/"):
            return self._send(200, "video/mp4", MP4_BYTES)
        status, content_type, body = self.server.routes.get(
            path, (404, "text/html", "<html>not found</html>")
        )
        return self._send(status, content_type, body.encode())


@pytest.fixture
def newsroom(allow_private):
    """A fresh site per test; private addresses allowed, yt-dlp without retries."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes, server.fetched = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Newsroom(server)
    server.shutdown()
    server.server_close()
