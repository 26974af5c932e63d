"""Fixtures for the capture tests."""

import pytest

from .media import (
    VTT,
    MediaSite,
    make_media,
    make_onscreen_media,
    make_thumbnail,
    video_page_html,
)
from .tsa import TimestampAuthority


@pytest.fixture
def tsa(tmp_path_factory, settings):
    """A real RFC 3161 responder on 127.0.0.1, configured as the instance's only TSA."""
    with TimestampAuthority(tmp_path_factory.mktemp("tsa")) as authority:
        settings.NEWSCLIPS_TSA_URLS = [authority.url]
        settings.NEWSCLIPS_TSA_CA_FILE = str(authority.ca_file)
        yield authority


@pytest.fixture
def data_dir(tmp_path, settings):
    """NEWSCLIPS_DATA_DIR in a fresh folder: a new instance signing key, files kept apart."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def capture_settings(tmp_path, settings):
    """Captures stored under tmp_path, local servers allowed, a fresh signing key, no TSA."""
    settings.DATA_DIR = tmp_path / "data"
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True
    settings.NEWSCLIPS_CAPTURE_WORK_DIR = tmp_path / "work"
    settings.NEWSCLIPS_TSA_URLS = getattr(settings, "NEWSCLIPS_TSA_URLS", None) or []
    settings.STORAGES = {
        **settings.STORAGES,
        "captures": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "captures"},
        },
    }
    return tmp_path


@pytest.fixture(scope="session")
def media_files(tmp_path_factory):
    """A few seconds of ffmpeg test picture and tone, and a thumbnail: made once per run."""
    folder = tmp_path_factory.mktemp("media")
    return {
        "clip": make_media(folder / "clip.mp4").read_bytes(),
        "other": make_media(folder / "other.mp4", seconds=2).read_bytes(),
        "thumbnail": make_thumbnail(folder / "thumb.jpg").read_bytes(),
    }


@pytest.fixture(scope="session")
def onscreen_video(tmp_path_factory):
    """12 seconds with captions at known seconds (media.ONSCREEN_TEXT): made once per run."""
    return make_onscreen_media(tmp_path_factory.mktemp("onscreen")).read_bytes()


@pytest.fixture
def media_site(media_files):
    """The local site: /v/ is a video page with poster and subtitles, /media/clip.mp4 its media."""
    with MediaSite() as site:
        site.files.update(
            {
                "/v/": video_page_html(),
                "/media/clip.mp4": media_files["clip"],
                "/thumbs/clip.jpg": media_files["thumbnail"],
                "/subs/clip.de.vtt": VTT.encode(),
            }
        )
        yield site


@pytest.fixture
def capture_storage(capture_settings):
    """The folder of STORAGES["captures"] (capture_settings), to reach stored files."""
    return capture_settings / "captures"
