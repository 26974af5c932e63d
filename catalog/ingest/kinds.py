"""What an info dict describes: one clip, a playlist, a channel (or one of its tabs), a link.

yt-dlp says `_type: playlist` and lists `entries`, but older youtube-dl and some
tools write a playlist's or a channel's own metadata without either. Such a
file still gives itself away: by its extractor (youtube:tab, YoutubePlaylist),
its page (/playlist?list=…, /channel/UC…, /@handle/videos) and, on YouTube, the
form of its id (a video's is 11 characters; a channel's is UC + 22, a playlist's
starts with PL, UU, OL, RD …). A file that carries media (formats, a media URL,
a duration) is a clip whatever its extractor: a podcast episode read through a
channel extractor (ACastChannel) is one. The page that lists it (original_url)
says nothing: yt-dlp keeps there the playlist URL a video was reached through.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from catalog.youtube import is_video_id

CLIP = "clip"
PLAYLIST = "playlist"
CHANNEL = "channel"
LINK = "link"
LIST = "list"  # what youtube:tab says: a playlist or a channel, the page and id tell which

_YOUTUBE_CHANNEL_ID_RE = re.compile(r"UC[A-Za-z0-9_-]{22}")
# Uploads (UU), mixes (RD), albums (OLAK5uy_), likes (LL), favourites (FL) … and
# editors' playlists (PL): never 11 characters long, so never a video's id.
_YOUTUBE_PLAYLIST_ID_RE = re.compile(r"(?:PL|UU|UUSH|UULF|UULV|FL|LL|UL|OL|RD|EL|PU)[A-Za-z0-9_-]+")
# /channel/UC…, /@handle, /c/name, /user/name, alone or with a tab (/videos, /shorts …).
_YOUTUBE_CHANNEL_PATH_RE = re.compile(
    r"/(?:channel/[^/]+|@[^/]+|c/[^/]+|user/[^/]+)"
    r"(?:/(?:videos|shorts|streams|live|featured|playlists|podcasts|releases|community|about))?/?"
)
# The last part of an extractor name (youtube:tab, acast:channel) or the end of its
# key (YoutubeTab, YoutubePlaylist) that names a list rather than one video.
_CHANNEL_EXTRACTOR_WORDS = {"channel", "user"}
_PLAYLIST_EXTRACTOR_WORDS = {"playlist", "playlists", "favorites", "favourites", "watchlater"}
_KEY_WORD_RE = re.compile(r"(Tab|Channel|User|Playlist|Playlists|Favorites|Favourites)$")
# Any of these says the file describes media, i.e. one clip.
_MEDIA_KEYS = ("formats", "requested_formats", "format_id", "ext", "duration")


@dataclass(frozen=True)
class Kind:
    name: str  # CLIP, PLAYLIST, CHANNEL or LINK
    evidence: tuple[str, ...] = ()  # what told it, for the reader of an error
    listed: bool = False  # said so itself (_type or entries)

    @property
    def is_clip(self):
        return self.name == CLIP


def record_kind(info):
    """The Kind of a yt-dlp / youtube-dl info dict (no network, no database)."""
    declared = info.get("_type")
    if declared in ("url", "url_transparent"):
        return Kind(LINK)
    listed = declared in ("playlist", "multi_video") or "entries" in info
    if not listed and _has_media(info):
        return Kind(CLIP)
    extractor = _extractor_kind(info)
    page = _page_kind(info.get("webpage_url"))
    ident = _id_kind(info, youtube=_is_youtube(info))
    found = [kind for kind in (extractor, page, ident) if kind]
    if not listed and not found:
        return Kind(CLIP)
    # The page and the id know a channel from a playlist; youtube:tab serves both.
    names = [kind.name for kind in (page, ident, extractor) if kind and kind.name != LIST]
    name = names[0] if names else PLAYLIST
    evidence = tuple(evidence for kind in found for evidence in kind.evidence)
    return Kind(name, evidence, listed)


def _has_media(info):
    for key in _MEDIA_KEYS:
        value = info.get(key)
        if isinstance(value, list) and value:
            return True
        if isinstance(value, str) and value.strip():
            return True
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return True
    media_url = info.get("url")
    return isinstance(media_url, str) and media_url.lower().startswith(("http://", "https://"))


def _extractor_kind(info):
    for key in ("extractor", "extractor_key", "ie_key"):
        value = info.get(key)
        word = _extractor_word(value.strip()) if isinstance(value, str) else ""
        evidence = (f"extractor {value.strip()}",) if word else ()
        if word == "tab":
            return Kind(LIST, evidence)
        if word in _CHANNEL_EXTRACTOR_WORDS:
            return Kind(CHANNEL, evidence)
        if word in _PLAYLIST_EXTRACTOR_WORDS:
            return Kind(PLAYLIST, evidence)
    return None


def _extractor_word(name):
    """'tab' of youtube:tab and of YoutubeTab; '' for youtube, Youtube or Tab alone."""
    if ":" in name:
        return name.rsplit(":", 1)[-1].lower()
    match = _KEY_WORD_RE.search(name)
    return match.group(1).lower() if match and match.start() > 0 else ""


def _page_kind(url):
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not (host == "youtube.com" or host.endswith(".youtube.com")):
        return None
    evidence = (f"page {url.strip()[:200]}",)
    if parts.path.rstrip("/") == "/playlist" and "list" in parse_qs(parts.query):
        return Kind(PLAYLIST, evidence)
    if _YOUTUBE_CHANNEL_PATH_RE.fullmatch(parts.path):
        return Kind(CHANNEL, evidence)
    return None


def _is_youtube(info):
    names = (info.get(key) for key in ("extractor", "extractor_key", "ie_key"))
    if any(isinstance(name, str) and name.lower().startswith("youtube") for name in names):
        return True
    return _page_kind(info.get("webpage_url")) is not None


def _id_kind(info, *, youtube):
    value = info.get("id")
    if not youtube or not isinstance(value, str):
        return None
    value = value.strip()
    if is_video_id(value):
        return None
    if _YOUTUBE_CHANNEL_ID_RE.fullmatch(value):
        return Kind(CHANNEL, (f"channel id {value}",))
    if _YOUTUBE_PLAYLIST_ID_RE.fullmatch(value):
        return Kind(PLAYLIST, (f"playlist id {value}",))
    return None
