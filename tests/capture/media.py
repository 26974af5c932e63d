"""Real small media made by ffmpeg, and a local site that serves them the ways servers do.

The site serves a page whose JSON-LD VideoObject points at the media (yt-dlp's
generic extractor downloads it), honours Range requests, and can misbehave on
request: send too much, drip, lie about Content-Length, stop half-way, or
redirect somewhere it should not.
"""

import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def make_media(path, *, seconds=3, size="160x120"):
    """An MP4 with a test picture and a sine tone, made by ffmpeg."""
    if not shutil.which("ffmpeg"):
        import pytest

        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc=size={size}:rate=10:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "32k", "-shortest", "-movflags", "+faststart",
            str(path),
        ],
        check=True,
    )  # fmt: skip
    return Path(path)


def make_thumbnail(path):
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc=size=64x48:duration=1", "-frames:v", "1", str(path)],
        check=True,
    )  # fmt: skip
    return Path(path)


VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nGuten Abend aus Berlin\n"


def page_html(base, media_path="/media/clip.mp4", *, title="Haushalt im Bundestag"):
    video = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": title,
        "description": "Die Debatte im Überblick.",
        "thumbnailUrl": f"{base}/thumbs/clip.jpg",
        "uploadDate": "2024-03-05T14:30:00+01:00",
        "contentUrl": f"{base}{media_path}",
    }
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        f'<script type="application/ld+json">{json.dumps(video)}</script></head>'
        "<body><p>Artikel</p></body></html>"
    ).encode()


def video_page_html(media_path="/media/clip.mp4", *, title="Tagesschau am Abend"):
    """A page with an HTML5 <video>, its poster and German subtitles."""
    return (
        f'<!DOCTYPE html><html lang="de"><head><title>{title}</title></head><body>'
        f'<h1>{title}</h1><video controls poster="/thumbs/clip.jpg">'
        f'<source src="{media_path}" type="video/mp4">'
        '<track kind="subtitles" srclang="de" label="Deutsch" src="/subs/clip.de.vtt">'
        "</video></body></html>"
    ).encode()


class MediaSite:
    """A threaded HTTP server on 127.0.0.1; `files` maps paths to bytes, `behaviour` misbehaves."""

    def __init__(self):
        self.files = {}
        # path -> "drip", "slow", "lie", "truncate", "die", "endless", "stall",
        # or ("redirect", url)
        self.behaviour = {}
        self.requests = []  # (path, Range header or None; "HEAD" for a HEAD request)
        self.release = threading.Event()  # ends a "stall"
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.handle(self)

            def do_HEAD(self):
                site.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    def url(self, path):
        return f"{self.base}{path}"

    def handle(self, request):
        path = request.path.split("?", 1)[0]
        with self.lock:
            wanted = "HEAD" if request.command == "HEAD" else request.headers.get("Range")
            self.requests.append((path, wanted))
        behaviour = self.behaviour.get(path)
        if isinstance(behaviour, tuple) and behaviour[0] == "redirect":
            request.send_response(302)
            request.send_header("Location", behaviour[1])
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body = self.files.get(path)
        if body is None:
            request.send_response(404)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        if callable(body):
            body = body()
        start, status = 0, 200
        wanted = request.headers.get("Range", "")
        if wanted.startswith("bytes=") and behaviour != "no-range":
            start = int(wanted[6:].split("-", 1)[0] or 0)
            status = 206
        content_type = "text/html; charset=utf-8" if path.endswith("/") else _type(path)
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Accept-Ranges", "bytes")
        if status == 206:
            request.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        if behaviour == "endless":
            request.send_header("Connection", "close")
        elif behaviour == "lie":
            request.send_header("Content-Length", str(len(body) - start + 100_000))
        else:
            request.send_header("Content-Length", str(len(body) - start))
        request.end_headers()
        if request.command == "HEAD":
            return
        self._send_body(request, body[start:], behaviour)

    def _send_body(self, request, body, behaviour):
        out = request.wfile
        try:
            if behaviour == "drip":
                for byte in body:
                    out.write(bytes([byte]))
                    out.flush()
                    time.sleep(0.05)
            elif behaviour == "endless":
                chunk = b"\0" * 65536
                while True:
                    out.write(chunk)
            elif behaviour == "slow":  # the whole body, in 20 parts over a second
                step = max(1, len(body) // 20)
                for start in range(0, len(body), step):
                    out.write(body[start : start + step])
                    out.flush()
                    time.sleep(0.05)
            elif behaviour == "stall":  # half the bytes, then nothing until released
                out.write(body[: len(body) // 2])
                out.flush()
                self.release.wait(60)
                request.close_connection = True
            elif behaviour in ("truncate", "die", "lie"):
                out.write(body[: len(body) // 2] if behaviour != "lie" else body)
                out.flush()
                request.close_connection = True
                if behaviour == "die":
                    self.behaviour.pop(request.path, None)  # the next attempt succeeds
            else:
                out.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        if behaviour in ("truncate", "die", "lie"):
            request.connection.shutdown(2)


def _type(path):
    return {
        ".mp4": "video/mp4",
        ".jpg": "image/jpeg",
        ".vtt": "text/vtt",
    }.get(Path(path).suffix, "application/octet-stream")
