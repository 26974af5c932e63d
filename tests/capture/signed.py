"""Complete, signed captures for the proof tests, made as the capture job makes them.

Files go into STORAGES["captures"] under their content address, the manifest is
catalog.capture.manifest's canonical JSON, signed by the instance key and time-stamped by
every configured TSA. The media is a real MP4 made by ffmpeg.
"""

import hashlib
import tempfile
from functools import cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from catalog.capture import proof, timestamps
from catalog.capture.manifest import manifest_bytes
from catalog.capture.storage import captures_storage, storage_name
from catalog.models import Capture, CaptureFile, CaptureTimestamp, StoredFile

from .media import make_media


@cache
def tiny_mp4():
    """One second of ffmpeg's test picture and tone (tests/capture/media.py), as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        return make_media(Path(folder) / "clip.mp4", seconds=1).read_bytes()


def default_files(clip):
    page = f"<!doctype html><title>{clip.title}</title><video src=/v.mp4></video>".encode()
    return [
        ("page", "page.html", "text/html", b"" + page, clip.url or "https://video.example.com/"),
        ("media", "media.mp4", "video/mp4", tiny_mp4(), "https://cdn.example.com/v.mp4"),
        ("infojson", "media.info.json", "application/json", b'{"id": "x"}', ""),
    ]


def store_bytes(data, mime_type):
    sha = hashlib.sha256(data).hexdigest()
    stored = StoredFile.objects.filter(sha256=sha).first()
    if stored is None:
        name = storage_name(sha)
        captures_storage().save(name, ContentFile(data))
        stored = StoredFile.objects.create(
            sha256=sha, size=len(data), mime_type=mime_type, name=name
        )
    return stored


def make_signed_capture(clip, files=None, *, tsa_urls=None):
    """A complete capture of `clip` with `files` [(role, name, mime, bytes, url)]."""
    files = default_files(clip) if files is None else files
    capture = Capture.objects.create(
        clip=clip,
        status=Capture.Status.RUNNING,
        source_url=clip.url or "https://video.example.com/watch/1",
        media_urls=[url for role, _n, _m, _d, url in files if role == "media"],
        ytdlp_version="2026.10.26",
        format_id="18",
        http_status=200,
        http_headers={"Content-Type": "text/html; charset=utf-8", "Server": "test"},
        started_at=timezone.now(),
        worker_host="worker-1",
    )
    files = [
        CaptureFile.objects.create(
            capture=capture, stored_file=store_bytes(data, mime), role=role, name=name, url=url
        )
        for role, name, mime, data, url in files
    ]
    capture.finished_at = timezone.now()
    manifest = manifest_bytes(capture, files)
    capture.manifest = manifest
    capture.signature = proof.sign(manifest)
    capture.key_fingerprint = proof.key_fingerprint()
    for url, token, error in timestamps.request_timestamps(manifest, tsa_urls):
        assert error is None, error
        CaptureTimestamp.objects.create(capture=capture, tsa_url=url, token=token)
    capture.status = Capture.Status.COMPLETE
    capture.save()
    return Capture.objects.get(pk=capture.pk)
