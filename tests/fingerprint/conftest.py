"""Fixtures for the fingerprint tests: captured media in a real captures storage."""

import pytest

from tests.capture.conftest import capture_settings, data_dir  # noqa: F401 (fixtures)
from tests.capture.signed import make_signed_capture
from tests.factories import make_clip
from tests.support.videos import make_card_video


@pytest.fixture(scope="session")
def clip_bytes(tmp_path_factory):
    """Six seconds of moving test picture and a tune, as an MP4's bytes (made once)."""
    return make_card_video(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=6).read_bytes()


@pytest.fixture
def captured(capture_settings, settings):  # noqa: F811
    """captured(title, media_bytes): a clip with a complete capture of that media."""
    settings.NEWSCLIPS_TSA_URLS = []

    def make(title, media):
        clip = make_clip(title, url=f"https://video.example.com/v/{abs(hash(title))}")
        files = [("media", "media.mp4", "video/mp4", media, "https://cdn.example.com/v.mp4")]
        make_signed_capture(clip, files)
        return clip

    return make
