"""YouTube's URL forms in one place: its hosts, a video's id, and the URLs made from one."""

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

VIDEO_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
EMBED_HOSTS = HOSTS | {"youtube-nocookie.com", "www.youtube-nocookie.com"}
# Paths of a channel's pages (/@handle, /channel/UC…, and the older /c/ and /user/).
CHANNEL_PATHS = ("/@", "/channel/", "/c/", "/user/")


def is_video_id(value):
    return isinstance(value, str) and bool(VIDEO_ID_RE.match(value))


def watch_url(video_id):
    """The canonical URL of a video: every other form of it names the same clip."""
    return f"https://www.youtube.com/watch?v={video_id}"


def embed_url(video_id):
    """The privacy-enhanced player: no YouTube cookies until the reader plays."""
    return f"https://www.youtube-nocookie.com/embed/{video_id}"


def is_youtube_url(url):
    try:
        return (urlsplit(url).hostname or "").lower() in HOSTS
    except ValueError:
        return False


@lru_cache(maxsize=4096)  # an import asks for the same URLs several times
def youtube_video_id(url):
    """The 11-character video id of a YouTube watch, short, shorts or embed URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/")
    candidate = None
    if host == "youtu.be":
        candidate = path.lstrip("/")
    elif host in HOSTS and path == "/watch":
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    elif host in EMBED_HOSTS:
        for prefix in ("/embed/", "/shorts/", "/live/", "/v/"):
            if path.startswith(prefix):
                candidate = path[len(prefix) :]
    return candidate if is_video_id(candidate) else None
