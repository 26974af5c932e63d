"""hash_thumbnail: a clip's thumbnail fetched through the network guard and hashed with PDQ."""

import pytest

from catalog.fingerprint.mediaprint import MIN_QUALITY, PDQ_BYTES
from catalog.fingerprint.pdq import hash_image
from catalog.fingerprint.stored import MAX_THUMBNAIL_BYTES, hash_thumbnail
from catalog.models import ThumbnailHash
from tests.factories import make_clip
from tests.support.videos import make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def thumbnail(tmp_path):
    return make_image(tmp_path / "thumb.jpg", at=2).read_bytes()


def test_a_thumbnail_is_fetched_hashed_and_stored(website, allow_private, thumbnail):
    clip = make_clip("Report", thumbnail_url=website.add("/thumb.jpg", thumbnail))
    result = hash_thumbnail(clip)
    assert (result.outcome, result.reason) == ("created", "")
    row = ThumbnailHash.objects.get(clip=clip)
    assert (row.status, row.thumbnail_url) == ("ok", clip.thumbnail_url)
    assert (bytes(row.pdq), row.quality) == hash_image(thumbnail)
    assert len(bytes(row.pdq)) == PDQ_BYTES and row.quality >= MIN_QUALITY
    assert row.tool_versions["pdqhash"]
    # Twice: not fetched again.
    assert hash_thumbnail(clip).outcome == "unchanged"
    assert website.requests == ["/thumb.jpg"]


def test_a_new_thumbnail_url_is_hashed_again_and_a_removed_one_drops_the_hash(
    website, allow_private, thumbnail, tmp_path
):
    clip = make_clip("Report", thumbnail_url=website.add("/a.jpg", thumbnail))
    hash_thumbnail(clip)
    other = make_image(tmp_path / "other.png", source="testsrc=size=320x240").read_bytes()
    clip.thumbnail_url = website.add("/b.png", other)
    assert hash_thumbnail(clip).outcome == "updated"
    assert bytes(ThumbnailHash.objects.get().pdq) == hash_image(other)[0]
    clip.thumbnail_url = ""
    assert hash_thumbnail(clip).outcome == "updated"
    assert not ThumbnailHash.objects.exists()
    assert hash_thumbnail(clip).outcome is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<!doctype html><title>Consent</title>", "not an image"),
        (b"", "the image is empty"),
        (b"\xff\xd8\xff" + b"\x00" * (MAX_THUMBNAIL_BYTES + 10), "larger than 8 MB"),
    ],
)
def test_a_thumbnail_that_is_not_an_image_fails_with_the_reason(
    website, allow_private, body, reason
):
    clip = make_clip("Report", thumbnail_url=website.add("/thumb.jpg", body))
    result = hash_thumbnail(clip)
    assert result.failed
    assert reason in result.reason
    row = ThumbnailHash.objects.get(clip=clip)
    assert (row.status, row.reason, bytes(row.pdq)) == ("failed", result.reason, b"")


def test_a_thumbnail_of_huge_dimensions_is_refused(website, allow_private, tmp_path):
    huge = make_image(tmp_path / "huge.png", source="color=white:size=8000x6000").read_bytes()
    clip = make_clip("Report", thumbnail_url=website.add("/huge.png", huge))
    result = hash_thumbnail(clip)
    assert result.failed and "too large" in result.reason


def test_a_missing_thumbnail_fails_with_the_reason(website, allow_private):
    clip = make_clip("Report", thumbnail_url=website.add("/gone.jpg", "gone", status=404))
    result = hash_thumbnail(clip)
    assert result.failed and "could not be fetched" in result.reason


def test_the_network_guard_keeps_thumbnails_on_the_public_web(website, thumbnail, settings):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = False
    clip = make_clip("Report", thumbnail_url=website.add("/thumb.jpg", thumbnail))
    result = hash_thumbnail(clip)
    assert result.failed and "could not be fetched" in result.reason
    assert website.requests == []
