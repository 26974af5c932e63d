"""Captures on S3-compatible object storage (django-storages), against a local moto server."""

import hashlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from catalog.analysis.pipeline import analyse_clips
from catalog.capture.jobs import request_capture, run_capture
from catalog.models import Capture, Keyframe, TranscriptSegment
from tests.factories import make_clip

boto3 = pytest.importorskip("boto3", reason="boto3 (django-storages[s3]) is not installed")

pytestmark = pytest.mark.django_db

BUCKET = "newsclips-captures"


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on 127.0.0.1, a real HTTP S3 API for boto3 to talk to."""
    executable = Path(sys.executable).parent / "moto_server"  # the venv's, not another Python's
    if not executable.exists():
        pytest.skip("moto_server is not installed (pip install -r requirements-dev.txt)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "moto_server did not start"
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait()


@pytest.fixture
def s3_storage(s3_server, capture_settings, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "captures": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "default_acl": "private",
                "file_overwrite": True,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_a_capture_lands_in_the_bucket_by_hash_and_plays_from_it(
    s3_storage, media_site, media_files, client
):
    clip = make_clip("On S3", url=media_site.url("/v/"))
    capture = request_capture(clip, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    media = Capture.objects.get(pk=capture.pk).media_file()
    sha = hashlib.sha256(media_files["clip"]).hexdigest()
    assert media.stored_file.name == f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    stored = s3_storage.get_object(Bucket=BUCKET, Key=media.stored_file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == sha
    keys = {o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert len(keys) == 5  # media, thumbnail, subtitles, .info.json, page: nothing else

    user = User.objects.create_user("archivist", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_capture"))
    client.force_login(user)
    url = reverse("catalog:capture_file", args=[capture.pk, "media.mp4"])
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == media_files["clip"][10:20]


def test_the_quota_refuses_cleanly_on_s3_too(s3_storage, media_site, settings):
    settings.NEWSCLIPS_CAPTURE_QUOTA_BYTES = 20_000
    capture = request_capture(make_clip("Too big", url=media_site.url("/v/")), enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.FAILED
    assert "quota" in Capture.objects.get(pk=capture.pk).reason
    assert "Contents" not in s3_storage.list_objects_v2(Bucket=BUCKET)


def test_media_in_the_bucket_are_analysed_and_their_keyframes_stored_there(
    s3_storage, media_site, onscreen_video, capture_settings, settings
):
    media_site.files["/media/clip.mp4"] = onscreen_video
    clip = make_clip("Im Eimer", url=media_site.url("/v/"), language="de")
    capture = request_capture(clip, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    [outcome] = analyse_clips([clip])
    assert outcome.status == "complete", outcome.detail
    keys = {item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    keyframes = Keyframe.objects.select_related("stored_file")
    assert keyframes and {k.stored_file.name for k in keyframes} <= keys
    texts = TranscriptSegment.objects.filter(clip=clip, kind="onscreen").values_list("text")
    assert any("Zölle" in text for (text,) in texts)
    # The media's local copy for ffmpeg went with the work folder.
    assert not list((capture_settings / "work").glob("analysis-*"))
