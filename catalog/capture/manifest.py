"""A capture's manifest: what was preserved, from where, when and with what, as canonical JSON.

These exact bytes are signed and time-stamped (catalog.capture.proof and
timestamps); the layout is the one CAPTURE_SPEC.md fixes between the capture
and the proof side: version, clip, capture, files, media_urls. Times are ISO
8601 UTC strings, sizes integers: a manifest holds no floats.
"""

from datetime import UTC

from .proof import canonical_json

VERSION = 1


def iso(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def build_manifest(capture, files):
    """The manifest of `capture` with `files` (CaptureFile objects with their stored_file)."""
    clip = capture.clip
    return {
        "version": VERSION,
        "clip": {
            "id": clip.pk,
            "platform": clip.platform,
            "platform_id": clip.external_id,
            "url": clip.url,
            "title": clip.title,
        },
        "capture": {
            "id": capture.pk,
            "source_url": capture.source_url,
            "started_at": iso(capture.started_at),
            "finished_at": iso(capture.finished_at),
            "worker_host": capture.worker_host,
            "ytdlp_version": capture.ytdlp_version,
            "format_id": capture.format_id,
            "http_status": capture.http_status,
            "cert_sha256": capture.cert_sha256,
        },
        "files": [
            {
                "role": file.role,
                "name": file.name,
                "size": file.stored_file.size,
                "mime_type": file.stored_file.mime_type,
                "sha256": file.stored_file.sha256,
                "url": file.url,
            }
            for file in sorted(files, key=lambda file: (file.role, file.name))
        ],
        "media_urls": list(capture.media_urls),
    }


def manifest_bytes(capture, files):
    return canonical_json(build_manifest(capture, files))
