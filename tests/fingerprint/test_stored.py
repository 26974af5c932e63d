"""fingerprint_clip: a clip's captured media fingerprinted and stored, once per bytes and tools."""

import pytest
from django.core.files.storage import InMemoryStorage

from catalog.capture.storage import captures_storage
from catalog.fingerprint import stored
from catalog.fingerprint.files import fingerprint_file
from catalog.fingerprint.signals import fingerprint_changed
from catalog.fingerprint.stored import fingerprint_clip
from catalog.models import MediaFingerprint
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def test_captured_media_is_fingerprinted_and_stored(captured, clip_bytes, tmp_path):
    clip = captured("Report", clip_bytes)
    result = fingerprint_clip(clip)
    assert (result.outcome, result.reason) == ("created", "")
    row = MediaFingerprint.objects.get(clip=clip)
    assert row.status == "ok"
    assert row.stored_file == clip.captures.get().media_file().stored_file
    assert row.frame_count == 6
    assert len(row.frame_quality) == 6
    assert len(row.audio) > 0 and row.audio_step > 0
    assert row.tool_versions["fpcalc"]
    # What is stored is the file's MediaPrint, byte for byte.
    (tmp_path / "clip.mp4").write_bytes(clip_bytes)
    expected = fingerprint_file(tmp_path / "clip.mp4")
    assert bytes(row.frame_hashes) == expected.frame_hashes
    assert bytes(row.audio) == expected.audio


def test_doing_it_twice_changes_nothing_and_decodes_nothing(captured, clip_bytes, monkeypatch):
    clip = captured("Report", clip_bytes)
    fingerprint_clip(clip)
    before = MediaFingerprint.objects.get(clip=clip)

    def must_not_decode(path):
        raise AssertionError("decoded again")

    with monkeypatch.context() as patched:
        patched.setattr(stored, "fingerprint_file", must_not_decode)
        assert fingerprint_clip(clip).outcome == "unchanged"
    # Forced, it decodes again and finds the same print: the row is left as it was.
    assert fingerprint_clip(clip, force=True).outcome == "unchanged"
    after = MediaFingerprint.objects.get(clip=clip)
    assert after.computed_at == before.computed_at
    assert MediaFingerprint.objects.count() == 1


def test_other_tool_versions_compute_it_again(captured, clip_bytes):
    clip = captured("Report", clip_bytes)
    fingerprint_clip(clip)
    MediaFingerprint.objects.update(tool_versions={"pdqhash": "0.1"}, frame_hashes=b"")
    assert fingerprint_clip(clip).outcome == "updated"
    assert MediaFingerprint.objects.get().frame_count == 6


def test_undecodable_media_is_stored_as_failed_with_the_reason(captured):
    clip = captured("Broken", b"<html>Error 503: try again later</html>" * 10)
    result = fingerprint_clip(clip)
    assert result.failed
    assert "not a media file" in result.reason
    row = MediaFingerprint.objects.get(clip=clip)
    assert (row.status, row.reason) == ("failed", result.reason)
    assert bytes(row.frame_hashes) == b"" and bytes(row.audio) == b""
    # Again: the same failure, the row untouched.
    again = fingerprint_clip(clip)
    assert again.failed and again.reason == result.reason
    assert MediaFingerprint.objects.get().computed_at == row.computed_at


def test_media_missing_from_the_storage_fails_with_the_reason(captured, clip_bytes):
    clip = captured("Lost", clip_bytes)
    captures_storage().delete(clip.captures.get().media_file().stored_file.name)
    result = fingerprint_clip(clip)
    assert result.failed
    assert result.reason.startswith("the stored file cannot be read")


def test_a_clip_without_captured_media_is_skipped(db):
    result = fingerprint_clip(make_clip("Not captured"))
    assert result.outcome is None
    assert "no complete capture" in str(result)
    assert not MediaFingerprint.objects.exists()


def test_media_on_object_storage_is_read_through_a_temporary_copy(
    captured, clip_bytes, settings, tmp_path
):
    # A storage without local paths (like S3): fingerprinted from a copy in the work folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "captures": {"BACKEND": InMemoryStorage.__module__ + ".InMemoryStorage"},
    }
    settings.NEWSCLIPS_CAPTURE_WORK_DIR = tmp_path / "work"
    clip = captured("On S3", clip_bytes)
    result = fingerprint_clip(clip)
    assert result.outcome == "created", result.reason
    assert MediaFingerprint.objects.get().frame_count == 6
    assert list((tmp_path / "work").iterdir()) == []  # the copy is gone


def test_a_stored_change_is_announced_after_commit(
    captured, clip_bytes, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, instance, clip_id, kind, **kwargs):
        heard.append((sender, clip_id, kind, instance.status))

    clip = captured("Report", clip_bytes)
    fingerprint_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            fingerprint_clip(clip)
        with django_capture_on_commit_callbacks(execute=True):
            fingerprint_clip(clip, force=True)  # unchanged: nothing to announce
    finally:
        fingerprint_changed.disconnect(listener)
    assert heard == [(MediaFingerprint, clip.pk, "media", "ok")]
