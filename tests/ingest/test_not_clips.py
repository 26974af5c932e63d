""".info.json files that are not clips: playlists and channels refused, even without `_type`."""

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog.ingest import IngestError
from catalog.ingest.infojson import read_infojson
from catalog.ingest.kinds import CHANNEL, CLIP, PLAYLIST, record_kind
from catalog.models import Clip

CHANNEL_ID = "UCcRSMoQqXc_JrBZRHDFGbqA"
PLAYLIST_ID = "PLA3A2D6A8E0F6B4C8D5E0F4A6B5C9D8E7"

# As older youtube-dl and some tools write a playlist's own metadata: no _type, no entries.
PLAYLIST_FILE = {
    "id": PLAYLIST_ID,
    "title": "Tagesschau: Nachrichten des Tages",
    "uploader": "tagesschau",
    "uploader_id": "UC5NOEUbkLheQcaaRldYW5GA",
    "extractor": "youtube:playlist",
    "extractor_key": "YoutubePlaylist",
    "webpage_url": f"https://www.youtube.com/playlist?list={PLAYLIST_ID}",
    "webpage_url_basename": "playlist",
}

# A channel's "Videos" tab, as youtube-dl 2021 wrote it: no _type, no entries.
CHANNEL_FILE = {
    "id": CHANNEL_ID,
    "title": "Project Zombie - Videos",
    "channel": "Project Zombie",
    "channel_id": CHANNEL_ID,
    "channel_url": f"https://www.youtube.com/channel/{CHANNEL_ID}",
    "channel_follower_count": 2710,
    "description": "Plugin and map updates for the server Project Zombie.",
    "tags": [],
    "extractor": "youtube:tab",
    "extractor_key": "YoutubeTab",
    "webpage_url": f"https://www.youtube.com/channel/{CHANNEL_ID}/videos",
}

# A video whose title speaks of playlists, reached through one (original_url, playlist
# fields), and with none of the media fields: still a clip.
VIDEO_FILE = {
    "id": "dQw4w9WgXcQ",
    "title": "My playlist of the week: five reports on the election",
    "description": "Every report of this playlist: https://www.youtube.com/playlist?list=PL123",
    "channel": "Global Desk",
    "channel_id": "UCuAXFkgsw1L7xaCfnd5JJOw",
    "upload_date": "20230517",
    "extractor": "youtube",
    "extractor_key": "Youtube",
    "webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "original_url": f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&list={PLAYLIST_ID}",
    "playlist": "Tagesschau: Nachrichten des Tages",
    "playlist_id": PLAYLIST_ID,
    "playlist_index": 3,
    "n_entries": 12,
}


def refusal(info):
    with pytest.raises(IngestError) as raised:
        read_infojson(json.dumps(info), name="file.info.json")
    return raised.value.reason


def test_a_playlist_file_without_type_is_refused_as_a_playlist():
    assert refusal(PLAYLIST_FILE) == (
        "“Tagesschau: Nachrichten des Tages” is a playlist (extractor youtube:playlist, "
        f"page https://www.youtube.com/playlist?list={PLAYLIST_ID}, playlist id {PLAYLIST_ID}), "
        "not a clip: import its videos one by one"
    )


def test_a_channel_tab_file_without_type_is_refused_as_a_channel():
    assert refusal(CHANNEL_FILE) == (
        "“Project Zombie - Videos” is a channel (extractor youtube:tab, "
        f"page https://www.youtube.com/channel/{CHANNEL_ID}/videos, channel id {CHANNEL_ID}), "
        "not a clip: import its videos one by one"
    )


def on_youtube(url):
    return {"extractor": "youtube", "webpage_url": url}


def with_id(extractor, external_id):
    return {"extractor": extractor, "webpage_url": None, "id": external_id}


@pytest.mark.parametrize(
    "changes, kind",
    [
        # Each sign alone is enough: the extractor ...
        (with_id("YoutubePlaylist", "Nachrichten-2024"), PLAYLIST),
        (with_id("youtube:channel", "tagesschau"), CHANNEL),
        (with_id("youtube:user", "tagesschau"), CHANNEL),
        # ... the page (a channel and its tabs, a handle, /c/ and /user/ names) ...
        (on_youtube("https://www.youtube.com/@tagesschau"), CHANNEL),
        (on_youtube("https://m.youtube.com/@tagesschau/shorts"), CHANNEL),
        (on_youtube("https://www.youtube.com/c/WELTVideoTV/streams"), CHANNEL),
        (on_youtube("http://www.youtube.com/user/dwnews/videos"), CHANNEL),
        (on_youtube("https://youtube.com/playlist?list=UUx"), PLAYLIST),
        # ... or a YouTube id that no video can have.
        (with_id("youtube", CHANNEL_ID), CHANNEL),
        (with_id("youtube", "UU5NOEUbkLheQcaaRldYW5GA"), PLAYLIST),
        (with_id("youtube", "RDdQw4w9WgXcQ"), PLAYLIST),
        (with_id("youtube", "OLAK5uy_kRlF2bLz5W"), PLAYLIST),
        # Another site's list extractor, with no media at all.
        (with_id("acast:channel", "todayinfocus"), CHANNEL),
    ],
)
def test_extractor_page_or_id_tells_a_list(changes, kind):
    info = {"title": "A list", "id": "Nachrichten-2024", **changes}
    info = {key: value for key, value in info.items() if value is not None}
    info.pop("extractor_key", None)
    assert record_kind(info).name == kind
    assert f"is a {kind} (" in refusal(info)


def test_the_type_still_refuses_with_the_entries_counted():
    info = {**PLAYLIST_FILE, "_type": "playlist", "entries": [{"id": "a"}, {"id": "b"}]}
    assert refusal(info).startswith(
        "“Tagesschau: Nachrichten des Tages” is a playlist (2 entries; extractor youtube:playlist"
    )


def test_a_video_with_playlist_in_its_title_and_fields_is_a_clip():
    record = read_infojson(json.dumps(VIDEO_FILE), name="video.info.json")
    assert record.external_id == "dQw4w9WgXcQ"
    assert record.title == VIDEO_FILE["title"]


@pytest.mark.parametrize(
    "info",
    [
        # A video id may start like a playlist's: eleven characters make it a video.
        {"id": "PLx12345678", "extractor": "youtube", "title": "T"},
        {"id": "UCx12345678", "extractor_key": "Youtube", "title": "T"},
        # Media say "clip" whatever the extractor: an episode read through a channel.
        {"id": "ep1", "extractor": "acast:channel", "title": "T", "duration": 3213},
        {"id": "ep2", "extractor": "acast:channel", "title": "T", "url": "https://a.example/e.mp3"},
        {"id": "ep3", "extractor_key": "YoutubeTab", "title": "T", "formats": [{"url": "x"}]},
        # Another site whose ids look like YouTube's lists: the id form is YouTube's alone.
        {"id": CHANNEL_ID, "extractor": "vimeo", "title": "T"},
        # Nothing but a title, an id and an extractor (hand-made test files): a clip.
        {"id": "abc", "extractor_key": "Generic", "title": "A channel's playlist"},
    ],
)
def test_these_are_clips(info):
    assert record_kind(info).name == CLIP
    assert read_infojson(json.dumps(info)).external_id == info["id"]


@pytest.mark.django_db
def test_a_folder_imports_its_clips_and_names_the_lists_it_refuses(samples, tmp_path):
    folder = samples / "infojson"
    videos = [path for path in folder.glob("*.json") if path.name != f"{CHANNEL_ID}.info.json"]
    for path in [*videos, folder / f"{CHANNEL_ID}.info.json"]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "playlist.info.json").write_text(json.dumps(PLAYLIST_FILE))
    (tmp_path / "channel.info.json").write_text(json.dumps(CHANNEL_FILE))
    (tmp_path / "video.info.json").write_text(json.dumps(VIDEO_FILE))

    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("ingest", str(tmp_path), stdout=out, stderr=io.StringIO())

    assert "3 of " in str(raised.value)
    assert Clip.objects.count() == len(videos) + 1
    lines = out.getvalue().splitlines()
    for name, kind in [
        (f"{CHANNEL_ID}.info.json", "channel"),
        ("playlist.info.json", "playlist"),
        ("channel.info.json", "channel"),
    ]:
        (line,) = [line for line in lines if line.startswith(str(tmp_path / name))]
        assert "failed: “" in line
        assert f"is a {kind} (" in line
        assert line.endswith("not a clip: import its videos one by one")
