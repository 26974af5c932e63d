"""News pages on the local test web site: the kinds of video pages yt-dlp meets on news
sites, and a newsroom whose pages the test publishes, changes and removes.

yt-dlp's generic extractor reads each page's og: tags; the clip's id is the name of its
video file, so /clips/<id>.html becomes the clip ("generic", <id>).
"""

import json
from html import escape

# A few bytes that start like an MP4 file: yt-dlp only probes them.
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64

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

SAMPLE_PAGES = {
    "/subtitled.html": SUBTITLED_PAGE,
    "/jsonld.html": JSONLD_PAGE,
    "/og.html": OG_PAGE,
    "/several.html": SEVERAL_PAGE,
    "/novideo.html": NO_VIDEO_PAGE,
}


def add_sample_pages(site):
    """/subtitled.html, /jsonld.html, /og.html, /several.html and /novideo.html, with their
    media, posters and subtitles; pages name their media by absolute URL, as real ones do."""
    for path, page in SAMPLE_PAGES.items():
        site.add(path, lambda request, page=page: page.replace("{base}", request.base))
    site.add("/subs/abend.de.vtt", ROLLING_VTT)
    for name in ("abend", "haushalt", "sturm", "wahl1", "wahl2", "wahl3"):
        site.add(f"/media/{name}.mp4", MP4_BYTES)
    for path in ("/poster.jpg", "/thumbs/haushalt.jpg", "/thumbs/sturm.jpg"):
        site.add(path, b"\xff\xd8\xff\xd9")
    return site


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


class Newsroom:
    """Publishes news pages on a Website; all else (url, add, requests, ...) is the site's."""

    def __init__(self, site):
        self.site = site

    def __getattr__(self, name):
        return getattr(self.site, name)

    def publish(self, clip_id, title, description="Bilder des Tages.", **options):
        """The video page /clips/<id>.html (and its video); returns its URL.

        `options` are Website.add's for the page, e.g. delay=3 or parties=2."""
        self.add(f"/media/{clip_id}.mp4", MP4_BYTES)
        return self.add(
            f"/clips/{clip_id}.html", video_page(clip_id, title, description), **options
        )

    def publish_subtitled(self, clip_id, title, vtt):
        """A video page whose German subtitles are `vtt`; returns its URL."""
        self.add(f"/media/{clip_id}.mp4", MP4_BYTES)
        self.add(f"/subs/{clip_id}.de.vtt", vtt)
        return self.add(f"/clips/{clip_id}.html", subtitled_page(clip_id, title))

    def answer(self, clip_id, status):
        """The video page now answers with an HTTP error (403: private, 429: rate limit)."""
        self.add(f"/clips/{clip_id}.html", "<html>no</html>", status=status)

    def feed(self, path, clip_ids):
        """An Atom feed like YouTube's at `path`, newest first, linking to the pages."""
        entries = "".join(
            f"""<entry><title>{clip_id}</title>
<link rel="alternate" href="{self.url(f"/clips/{clip_id}.html")}"/>
<published>2024-05-{20 - i:02d}T10:00:00+00:00</published></entry>"""
            for i, clip_id in enumerate(clip_ids)
        )
        return self.add(
            path,
            f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>',
            content_type="application/atom+xml",
        )
