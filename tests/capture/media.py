"""Real small media made by ffmpeg, and a local site that serves them the ways servers do.

The site (tests/support's Website, its routes made from `files` and `behaviour`)
serves a page whose JSON-LD VideoObject points at the media (yt-dlp's generic
extractor downloads it), honours Range requests, and can misbehave on request:
send too much, drip, lie about Content-Length, stop half-way, or redirect
somewhere it should not.
"""

import json
import shutil
import subprocess
import threading
from pathlib import Path

from tests.support.website import Route, Website


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


class MediaSite(Website):
    """tests/support's Website whose routes come from two mappings a test may change at any
    time: `files` maps paths to bytes (or a callable without arguments returning them),
    `behaviour` makes a path misbehave."""

    def __init__(self):
        super().__init__()
        self.files = {}
        # path -> "drip", "slow", "lie", "truncate", "die", "endless", "stall", "no-range",
        # or ("redirect", url)
        self.behaviour = {}
        self.release = threading.Event()  # ends a "stall"
        self.routes = _MediaRoutes(self)

    @property
    def requests(self):
        """(path, Range header or None; "HEAD" for a HEAD request), in order."""
        return [
            (r.path, "HEAD" if r.method == "HEAD" else r.headers.get("Range")) for r in self.log
        ]


class _MediaRoutes:
    """What Website looks a path up in: a Route made from `files` and `behaviour` when asked."""

    def __init__(self, site):
        self.site = site

    def get(self, path, default):
        site = self.site
        behaviour = site.behaviour.get(path)
        if isinstance(behaviour, tuple) and behaviour[0] == "redirect":
            return Route(b"", status=302, headers={"Location": behaviour[1]})
        body = site.files.get(path)
        if body is None:
            return default
        body = body() if callable(body) else body
        content_type = "text/html; charset=utf-8" if path.endswith("/") else _type(path)
        route = Route(body, content_type=content_type, ranges=behaviour != "no-range")
        if behaviour == "drip":
            route.chunk_size, route.interval = 1, 0.05
        elif behaviour == "slow":  # the whole body, in 20 parts over a second
            route.chunk_size, route.interval = max(1, len(body) // 20), 0.05
        elif behaviour == "lie":  # the whole body, announced 100,000 bytes longer
            route.content_length = len(body) + 100_000
        elif behaviour == "truncate":  # every answer: the whole body's first half, then closed
            route.close_after, route.ranges = len(body) // 2, False
        elif behaviour == "die":  # the first half once; the next attempt gets the rest
            route.close_after = len(body) // 2
            site.behaviour.pop(path, None)
        elif behaviour == "endless":  # no length, never ends
            route.body = lambda request: iter(lambda: b"\0" * 65536, None)
        elif behaviour == "stall":  # half the bytes of the length announced, then nothing
            route.body = lambda request: _stalled(body, site.release)
            route.content_length = len(body)
        return route


def _stalled(body, release):
    yield body[: len(body) // 2]
    release.wait(60)


def _type(path):
    return {
        ".mp4": "video/mp4",
        ".jpg": "image/jpeg",
        ".vtt": "text/vtt",
    }.get(Path(path).suffix, "application/octet-stream")


# Text on screen at known seconds (tests/capture/test_analysis.py): light text on a dark box,
# as broadcasters' captions and lower thirds are. ffmpeg's drawtext reads each from a file.
ONSCREEN_TEXT = [
    (2, 5, "Die Bundesregierung plant höhere Zölle für Stahl"),
    (7, 10, "The minister denied the report on Tuesday"),
]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def make_onscreen_media(folder, *, seconds=12, cut=6):
    """An MP4 of two shots (colour bars, then a dark picture from `cut` s) with a tone and
    ONSCREEN_TEXT drawn at its seconds: what a news clip's captions look like."""
    if not shutil.which("ffmpeg"):
        import pytest

        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    if not Path(FONT).exists():
        import pytest

        pytest.skip(f"the font {FONT} is not installed (apt-get install fonts-dejavu-core)")
    folder = Path(folder)
    draws = []
    for number, (start, end, text) in enumerate(ONSCREEN_TEXT):
        (folder / f"text{number}.txt").write_text(text, encoding="utf-8")
        draws.append(
            f"drawtext=fontfile={FONT}:textfile=text{number}.txt:fontcolor=white:fontsize=24:"
            f"box=1:boxcolor=black@0.85:boxborderw=10:x=(w-text_w)/2:y=h-70:"
            f"enable='between(t,{start},{end})'"
        )
    rest = seconds - cut
    graph = f"[0][1]concat=n=2:v=1:a=0,{','.join(draws)}[v]"
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"smptebars=size=640x360:rate=25:duration={cut}",
            "-f", "lavfi", "-i", f"color=c=0x203050:size=640x360:rate=25:duration={rest}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-filter_complex", graph, "-map", "[v]", "-map", "2:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "32k", "-shortest", "-movflags", "+faststart", "onscreen.mp4",
        ],
        check=True,
        cwd=folder,
    )  # fmt: skip
    return folder / "onscreen.mp4"
