"""Real yt-dlp against real pages served on 127.0.0.1 (private addresses allowed here)."""

import pytest
from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError, GeoRestrictedError, UnsupportedError

from catalog.ingest.ytdlp import FetchError, extract_page, fetch_error, list_entries
from catalog.models import Clip, ClipTag


@pytest.fixture(autouse=True)
def _private_allowed(allow_private):
    pass


def extract(url, **options):
    [record] = extract_page(url, **options)
    return record


def test_html5_video_with_subtitles(site):
    record = extract(site.url("/subtitled.html"), languages=["de"])
    assert record.title == "Tagesschau am Abend (1)"
    assert record.source == Clip.Source.URL
    assert record.source_url == site.url("/subtitled.html")
    assert record.availability == Clip.Availability.AVAILABLE
    assert record.thumbnail_url == site.url("/poster.jpg")
    [transcript] = record.transcripts
    assert (transcript.language, transcript.kind) == ("de", "manual")
    assert [s.text for s in transcript.segments] == [
        "Guten Abend aus Berlin",
        "die Nachrichten",
        "im Überblick",
    ]
    assert "/subs/abend.de.vtt" in site.requests


def test_subtitles_in_other_languages_are_not_fetched(site):
    record = extract(site.url("/subtitled.html"), languages=["fr"])
    assert record.transcripts == []
    assert "/subs/abend.de.vtt" not in site.requests


def test_default_languages_come_from_the_setting(site, settings):
    settings.NEWSCLIPS_SUBTITLE_LANGUAGES = ["en"]
    assert extract(site.url("/subtitled.html")).transcripts == []
    settings.NEWSCLIPS_SUBTITLE_LANGUAGES = ["de"]
    assert [t.language for t in extract(site.url("/subtitled.html")).transcripts] == ["de"]


def test_json_ld_video_object(site):
    record = extract(site.url("/jsonld.html"))
    assert record.title == "Bundestag debattiert Haushalt"
    assert record.platform == "generic"
    assert record.duration == 125
    assert record.published_at.isoformat() == "2024-03-05T13:30:00+00:00"
    assert record.published_precision == Clip.Precision.TIME
    assert record.thumbnail_url == site.url("/thumbs/haushalt.jpg")
    assert {(t.name, t.origin) for t in record.tags} == {
        ("Haushalt", ClipTag.Origin.HASHTAG),
        ("Bundestag", ClipTag.Origin.HASHTAG),
    }
    assert record.channel.name == "127.0.0.1"


def test_open_graph_video(site):
    record = extract(site.url("/og.html"))
    assert (record.title, record.description) == ("Sturm über der Nordsee", "Bilder vom Sturm.")
    assert record.url == site.url("/og.html")
    assert record.thumbnail_url == site.url("/thumbs/sturm.jpg")
    assert "http_headers" not in str(record.raw)


def test_list_entries(site):
    urls = [site.url(f"/media/wahl{n}.mp4") for n in (1, 2, 3)]
    assert list_entries(site.url("/several.html"), limit=None) == urls
    assert list_entries(site.url("/several.html"), limit=2) == urls[:2]


def test_list_entries_of_a_single_video_page(site):
    assert list_entries(site.url("/og.html"), limit=5) == [site.url("/og.html")]


def test_page_without_video(site):
    with pytest.raises(FetchError) as raised:
        extract(site.url("/novideo.html"))
    assert (raised.value.kind, raised.value.reason) == ("unsupported", "unsupported URL")


def test_not_found(site):
    with pytest.raises(FetchError) as raised:
        extract(site.url("/gone.html"))
    assert (raised.value.kind, raised.value.reason) == ("not_found", "not found (HTTP 404)")


def test_closed_port_is_a_network_error(closed_port):
    with pytest.raises(FetchError) as raised:
        extract(f"http://127.0.0.1:{closed_port}/clip.html")
    assert raised.value.kind == "network"
    assert raised.value.reason.startswith("network error: retry later")


def test_list_entries_maps_errors_too(site):
    with pytest.raises(FetchError) as raised:
        list_entries(site.url("/gone.html"), limit=3)
    assert raised.value.kind == "not_found"


# --- yt-dlp's errors and messages, as yt-dlp raises them -------------------------------------


def download_error(message, cause=None):
    try:
        if cause is not None:
            raise cause
        raise ExtractorError(message, expected=True)
    except ExtractorError as error:
        return DownloadError(f"ERROR: {error}", (type(error), error, None))
    except Exception as error:
        return DownloadError(f"ERROR: {message}", (type(error), error, None))


@pytest.mark.parametrize(
    ("message", "kind", "reason"),
    [
        (
            "[youtube] abc: Private video. Sign in if you've been granted access",
            "private",
            "private video",
        ),
        (
            "[youtube] abc: Video unavailable. This video has been removed by the uploader",
            "removed",
            "removed: Video unavailable. This video has been removed by the uploader",
        ),
        (
            "[youtube] abc: This video is not available in your country",
            "geo_blocked",
            "geo-blocked",
        ),
        (
            "[generic] x: Unable to download webpage: HTTP Error 429: Too Many Requests",
            "network",
            None,
        ),
        ("[youtube] abc: Video unavailable. HTTP Error 429 (removed?)", "network", None),
        ("Unsupported URL: https://example.org/", "unsupported", "unsupported URL"),
        ("[youtube] abc: Sign in to confirm you’re not a bot. Use --cookies", "network", None),
        (
            "[youtube] abc: Join this channel to get access to members-only content",
            "private",
            "private video",
        ),
    ],
)
def test_messages_map_to_kinds(message, kind, reason):
    error = fetch_error(download_error(message))
    assert error.kind == kind
    if reason:
        assert error.reason == reason
    else:
        assert error.reason.startswith("network error: retry later")


class FakeResponse:
    """An HTTP response object as yt-dlp's HTTPError wraps it (no network here)."""

    def __init__(self, status):
        self.status, self.reason, self.headers, self.url = status, "x", {}, "https://e.org/"

    def close(self):
        pass


@pytest.mark.parametrize(
    ("cause", "kind"),
    [
        (
            GeoRestrictedError("The uploader has not made this video available in your country"),
            "geo_blocked",
        ),
        (UnsupportedError("https://example.org/"), "unsupported"),
        (HTTPError(FakeResponse(404)), "not_found"),
        (HTTPError(FakeResponse(429)), "network"),
        (HTTPError(FakeResponse(503)), "network"),
        (HTTPError(FakeResponse(403)), "private"),
        (TransportError(cause=ConnectionResetError("reset by peer")), "network"),
    ],
)
def test_exception_types_map_to_kinds(cause, kind):
    assert fetch_error(download_error(str(cause), cause)).kind == kind
