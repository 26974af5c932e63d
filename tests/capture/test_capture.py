"""Capturing a clip for real: yt-dlp downloads ffmpeg-made media from a local site."""

import hashlib
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from catalog.capture import proof, timestamps
from catalog.capture.jobs import request_capture, run_capture
from catalog.capture.storage import captures_storage
from catalog.models import Capture, CustodyEvent, StoredFile
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def sha256sum(path):
    """The hash as the standard tool prints it."""
    out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def stored_path(stored_file):
    return captures_storage().path(stored_file.name)


def capture_clip(clip, *, tsa=None):
    call_command("capture", str(clip.pk), stdout=_Sink(), stderr=_Sink())
    return clip.captures.with_files().latest_first().first()


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_a_complete_capture_keeps_every_file_with_hashes_sha256sum_agrees_with(
    capture_settings, media_site, media_files, tmp_path
):
    clip = make_clip("Tagesschau am Abend", url=media_site.url("/v/"))
    capture = capture_clip(clip)

    assert capture.status == Capture.Status.COMPLETE, capture.reason
    files = {f.role: f for f in capture.files.all()}
    assert set(files) == {"media", "thumbnail", "subtitle", "infojson", "page"}
    media = files["media"]
    assert media.name == "media.mp4"
    assert media.url == media_site.url("/media/clip.mp4")
    original = tmp_path / "original.mp4"
    original.write_bytes(media_files["clip"])
    assert (
        media.stored_file.sha256 == sha256sum(original) == sha256sum(stored_path(media.stored_file))
    )
    assert media.stored_file.size == len(media_files["clip"])
    assert media.stored_file.mime_type == "video/mp4"
    assert media.stored_file.name == (
        f"sha256/{media.stored_file.sha256[:2]}/{media.stored_file.sha256[2:4]}/"
        f"{media.stored_file.sha256}"
    )
    for file in files.values():
        assert file.stored_file.sha256 == sha256sum(stored_path(file.stored_file))
    assert files["subtitle"].name == "subtitles.de.vtt"
    assert files["thumbnail"].stored_file.size == len(media_files["thumbnail"])
    # The exact .info.json yt-dlp worked from, and the page as served.
    info = json.loads(captures_storage().open(files["infojson"].stored_file.name).read())
    assert info["format_id"] == capture.format_id
    assert captures_storage().open(files["page"].stored_file.name).read() == media_site.files["/v/"]

    assert capture.media_urls == [media_site.url("/media/clip.mp4")]
    assert capture.ytdlp_version and capture.worker_host
    assert capture.http_status == 200
    assert capture.http_headers["Content-Type"] == "text/html; charset=utf-8"
    assert capture.started_at <= capture.finished_at
    # Nothing left behind in the work folder.
    assert not any((capture_settings / "work").glob("capture-*/*"))


def test_the_manifest_is_signed_and_time_stamped(capture_settings, tsa, media_site):
    clip = make_clip("Signed", url=media_site.url("/v/"))
    capture = capture_clip(clip)
    assert capture.status == Capture.Status.COMPLETE, capture.reason

    manifest = json.loads(bytes(capture.manifest))
    assert bytes(capture.manifest) == proof.canonical_json(manifest)
    assert manifest["version"] == 1
    assert manifest["clip"]["id"] == clip.pk
    assert manifest["capture"]["id"] == capture.pk
    assert manifest["media_urls"] == capture.media_urls
    by_role = {f["role"]: f for f in manifest["files"]}
    media = capture.media_file()
    assert by_role["media"]["sha256"] == media.stored_file.sha256
    assert proof.verify_signature(bytes(capture.manifest), bytes(capture.signature))
    assert capture.key_fingerprint == proof.key_fingerprint()
    [stamp] = capture.timestamps.all()
    assert stamp.tsa_url == tsa.url
    ca = tsa.ca_file.read_bytes()
    assert timestamps.verify_timestamp(bytes(capture.manifest), bytes(stamp.token), ca) is None


def test_a_new_capture_is_a_new_record_sharing_identical_files(capture_settings, media_site):
    clip = make_clip("Twice", url=media_site.url("/v/"))
    first = capture_clip(clip)
    second = capture_clip(clip)
    assert first.pk != second.pk
    assert {first.status, second.status} == {Capture.Status.COMPLETE}

    def stored(capture):
        return {f.name: f.stored_file_id for f in capture.files.all()}

    one, two = stored(first), stored(second)
    # The same bytes are one file; the .info.json differs when yt-dlp's epoch (seconds) did.
    one.pop("media.info.json"), two.pop("media.info.json")
    assert one == two
    assert StoredFile.objects.count() in (len(one) + 1, len(one) + 2)


def test_a_complete_capture_cannot_be_changed(capture_settings, media_site):
    capture = capture_clip(make_clip("Fixed", url=media_site.url("/v/")))
    capture = Capture.objects.get(pk=capture.pk)
    capture.source_url = "https://elsewhere.example/"
    with pytest.raises(Exception, match="immutable"):
        capture.save()


def test_custody_log_records_request_and_completion(capture_settings, media_site, admin_user):
    clip = make_clip("Logged", url=media_site.url("/v/"))
    capture = request_capture(clip, user=admin_user, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    events = list(CustodyEvent.objects.filter(clip=clip).order_by("id"))
    assert [e.action for e in events] == ["capture", "capture"]
    assert events[0].actor == admin_user and "requested" in events[0].detail
    sha = Capture.objects.get(pk=capture.pk).media_file().stored_file.sha256
    assert events[1].detail.startswith("complete") and sha in events[1].detail
    with pytest.raises(Exception, match="append-only"):
        events[0].delete()
    events[0].detail = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        events[0].save()


def test_the_command_names_each_failure_and_exits_non_zero(capture_settings, media_site):
    good = make_clip("Good", url=media_site.url("/v/"))
    gone = make_clip("Gone", url=media_site.url("/missing/"))
    err = _Sink()
    with pytest.raises(CommandError, match="2 of 3 captures failed"):
        call_command("capture", str(good.pk), str(gone.pk), "999999", stdout=_Sink(), stderr=err)
    assert f"clip #{gone.pk} (Gone), capture #" in err.text
    assert "not found (HTTP 404)" in err.text
    assert "clip #999999: no such clip" in err.text
    assert good.captures.get().status == Capture.Status.COMPLETE
    assert gone.captures.get().status == Capture.Status.FAILED


def test_the_quota_refuses_cleanly(capture_settings, media_site, settings):
    settings.NEWSCLIPS_CAPTURE_QUOTA_BYTES = 20_000  # less than the media
    clip = make_clip("Too much", url=media_site.url("/v/"))
    with pytest.raises(CommandError):
        call_command("capture", str(clip.pk), stdout=_Sink(), stderr=_Sink())
    capture = clip.captures.get()
    assert capture.status == Capture.Status.FAILED
    assert capture.reason.startswith("storage quota exceeded")
    assert not StoredFile.objects.exists()
    assert not [p for p in (capture_settings / "captures").rglob("*") if p.is_file()]
    assert not [p for p in (capture_settings / "work").rglob("*") if p.is_file()]


def test_a_quota_with_room_lets_the_capture_through(capture_settings, media_site, settings):
    settings.NEWSCLIPS_CAPTURE_QUOTA_BYTES = 10_000_000
    capture = capture_clip(make_clip("Fits", url=media_site.url("/v/")))
    assert capture.status == Capture.Status.COMPLETE, capture.reason


def test_hashes_are_of_the_bytes_served(capture_settings, media_site, media_files):
    capture = capture_clip(make_clip("Hash", url=media_site.url("/v/")))
    expected = hashlib.sha256(media_files["clip"]).hexdigest()
    assert capture.media_file().stored_file.sha256 == expected


def test_a_clip_with_a_complete_capture_cannot_be_deleted_but_one_merely_queued_can(
    capture_settings, media_site
):
    kept = capture_clip(make_clip("Evidence", url=media_site.url("/v/"))).clip
    with pytest.raises(ProtectedError):
        kept.delete()
    queued = make_clip("Only queued", url="https://news.example/q")
    request_capture(queued, enqueue=False)
    queued.delete()
    assert not Capture.objects.filter(clip_id=queued.pk).exists()
    assert not CustodyEvent.objects.filter(clip_id=queued.pk).exists()
