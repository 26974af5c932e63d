"""Verify captures: every file re-hashed, the signature and every timestamp checked.

The manifest is the signed truth: its bytes must carry a valid signature by this
instance's key and each RFC 3161 token must be over its hash; each file it lists
must be the capture's file of that name and re-hash to the listed SHA-256 and
size. Every check is one Result naming the clip, the capture and the file or
proof, so an operator sees exactly what failed. Each verified capture gets a
custody event with the outcome; each re-hashed file a FixityCheck.
"""

import json
from dataclasses import dataclass

from catalog.models import Capture, CustodyEvent

from . import fixity, proof, timestamps


@dataclass(frozen=True)
class Result:
    clip_id: int
    capture_id: int
    subject: str  # "file media.mp4", "signature", "timestamp from https://tsa…", "manifest"
    problem: str = ""  # empty when the check passed

    @property
    def ok(self):
        return not self.problem

    def __str__(self):
        outcome = f"FAILED: {self.problem}" if self.problem else "ok"
        return f"clip {self.clip_id}, capture {self.capture_id}, {self.subject}: {outcome}"


def captures_to_verify(clip_ids=None):
    """The complete captures of those clips (of every clip if None), oldest first."""
    captures = Capture.objects.complete().with_files().prefetch_related("timestamps")
    if clip_ids is not None:
        captures = captures.filter(clip_id__in=clip_ids)
    return captures.order_by("clip_id", "finished_at", "id")


def verify_capture(capture, *, actor=None, rehashed=None):
    """Every check of one capture, as Results; writes its custody event.

    `rehashed` (stored file id -> FixityCheck) lets a run re-hash a file that
    several captures share only once.
    """
    rehashed = {} if rehashed is None else rehashed
    results = [_result(capture, "signature", _signature_problem(capture))]
    manifest, problem = _read_manifest(capture)
    if problem:
        results.append(_result(capture, "manifest", problem))
    manifest_bytes = bytes(capture.manifest)
    for stamp in capture.timestamps.all():
        problem = timestamps.verify_timestamp(manifest_bytes, stamp.token)
        results.append(_result(capture, f"timestamp from {stamp.tsa_url}", problem))
    listed = {entry.get("name"): entry for entry in (manifest or {}).get("files", [])}
    for capture_file in capture.files.all():
        entry = listed.pop(capture_file.name, None)
        problem = _file_problem(capture_file, entry, rehashed, manifest is not None)
        results.append(_result(capture, f"file {capture_file.name}", problem))
    for name in sorted(listed, key=str):
        results.append(_result(capture, f"file {name}", "listed in the manifest, not stored"))
    failed = [r for r in results if not r.ok]
    detail = (
        "verification FAILED: " + "; ".join(f"{r.subject}: {r.problem}" for r in failed)
        if failed
        else f"verified: ok ({len(results)} checks: signature, "
        f"{len(capture.timestamps.all())} timestamps, {len(capture.files.all())} files)"
    )
    CustodyEvent.objects.create(
        clip_id=capture.clip_id,
        capture=capture,
        actor=actor,
        action=CustodyEvent.Action.VERIFY,
        detail=detail,
    )
    return results


def verify_clips(clip_ids=None, *, actor=None):
    """Verify the complete captures of those clips (every clip's if None); yields Results."""
    rehashed = {}
    for capture in captures_to_verify(clip_ids).iterator(chunk_size=100):
        yield from verify_capture(capture, actor=actor, rehashed=rehashed)


def _result(capture, subject, problem):
    return Result(capture.clip_id, capture.pk, subject, problem or "")


def _signature_problem(capture):
    if not capture.signature:
        return "the capture is not signed"
    if capture.key_fingerprint and capture.key_fingerprint != proof.key_fingerprint():
        return (
            f"signed with another key (fingerprint {capture.key_fingerprint}); this "
            f"instance's key is {proof.key_fingerprint()}"
        )
    if not proof.verify_signature(bytes(capture.manifest), bytes(capture.signature)):
        return "the signature does not match the manifest (manifest or signature altered)"
    return ""


def _read_manifest(capture):
    try:
        manifest = json.loads(bytes(capture.manifest))
    except ValueError:
        return None, "the manifest is not JSON"
    if not isinstance(manifest, dict):
        return None, "the manifest is not a JSON object"
    capture_part = manifest.get("capture") or {}
    clip_part = manifest.get("clip") or {}
    if capture_part.get("id") != capture.pk or clip_part.get("id") != capture.clip_id:
        return manifest, "the manifest is for another clip or capture"
    return manifest, ""


def _file_problem(capture_file, entry, rehashed, have_manifest):
    stored = capture_file.stored_file
    if have_manifest and entry is None:
        return "stored, but not listed in the manifest"
    if entry is not None and (entry.get("sha256"), entry.get("size")) != (
        stored.sha256,
        stored.size,
    ):
        return (
            f"the manifest lists SHA-256 {entry.get('sha256')} ({entry.get('size')} bytes), "
            f"the stored file is {stored.sha256} ({stored.size} bytes)"
        )
    check = rehashed.get(stored.pk)
    if check is None:
        check = rehashed[stored.pk] = fixity.check_file(stored, custody=False)
    return check.reason
