"""Complete, signed captures for the proof tests, made as the capture job makes them.

Files go into STORAGES["captures"] under their content address, the manifest is
the contract's canonical JSON, signed by the instance key and time-stamped by
every configured TSA. The media is a real MP4 made by ffmpeg.
"""

import hashlib
import subprocess
from functools import cache

from django.core.files.base import ContentFile
from django.utils import timezone

from catalog.capture import proof, timestamps
from catalog.capture.fixity import capture_storage
from catalog.models import Capture, CaptureFile, CaptureTimestamp, StoredFile


@cache
def tiny_mp4():
    """One second of test picture and tone, H.264/AAC, a few KiB."""
    return subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10",
            "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart+frag_keyframe",
            "-f", "mp4", "pipe:1",
        ],
        check=True,
        capture_output=True,
    ).stdout  # fmt: skip


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
        name = f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
        capture_storage().save(name, ContentFile(data))
        stored = StoredFile.objects.create(
            sha256=sha, size=len(data), mime_type=mime_type, name=name
        )
    return stored


def make_signed_capture(clip, files=None, *, tsa_urls=None):
    """A complete capture of `clip` with `files` [(role, name, mime, bytes, url)]."""
    files = default_files(clip) if files is None else files
    started = timezone.now()
    capture = Capture.objects.create(
        clip=clip,
        status=Capture.Status.RUNNING,
        source_url=clip.url or "https://video.example.com/watch/1",
        media_urls=[url for role, _n, _m, _d, url in files if role == "media"],
        ytdlp_version="2026.10.26",
        format_id="18",
        http_status=200,
        http_headers={"Content-Type": "text/html; charset=utf-8", "Server": "test"},
        started_at=started,
        worker_host="worker-1",
    )
    entries = []
    for role, name, mime, data, url in files:
        stored = store_bytes(data, mime)
        CaptureFile.objects.create(
            capture=capture, stored_file=stored, role=role, name=name, url=url
        )
        entries.append(
            {"role": role, "name": name, "size": stored.size, "mime_type": mime,
             "sha256": stored.sha256, "url": url}
        )  # fmt: skip
    finished = timezone.now()
    manifest = proof.canonical_json(
        {
            "version": 1,
            "clip": {"id": clip.pk, "platform": clip.platform, "platform_id": clip.external_id,
                     "url": clip.url, "title": clip.title},
            "capture": {"id": capture.pk, "source_url": capture.source_url,
                        "started_at": started.isoformat(), "finished_at": finished.isoformat(),
                        "worker_host": capture.worker_host, "ytdlp_version": capture.ytdlp_version,
                        "format_id": capture.format_id, "http_status": 200, "cert_sha256": ""},
            "files": entries,
            "media_urls": capture.media_urls,
        }
    )  # fmt: skip
    capture.manifest = manifest
    capture.signature = proof.sign(manifest)
    capture.key_fingerprint = proof.key_fingerprint()
    for url, token, error in timestamps.request_timestamps(manifest, tsa_urls):
        assert error is None, error
        CaptureTimestamp.objects.create(capture=capture, tsa_url=url, token=token)
    capture.status = Capture.Status.COMPLETE
    capture.finished_at = finished
    capture.save()
    return Capture.objects.get(pk=capture.pk)
