"""manage.py verify: re-hash, signature and timestamps, failures named; custody events."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

from catalog.models import Capture, CaptureTimestamp, CustodyEvent, FixityCheck
from tests.factories import make_clip

from .signed import make_signed_capture
from .tsa import TimestampAuthority

pytestmark = pytest.mark.django_db


@pytest.fixture
def proofs(data_dir, capture_storage, tsa):
    """Two clips with a signed, time-stamped capture each."""
    first = make_clip("Erdbeben in der Türkei", url="https://video.example.com/v/1")
    second = make_clip("Election night", url="https://video.example.com/v/2")
    return make_signed_capture(first), make_signed_capture(second)


def run_verify(*args):
    out = StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_intact_captures_verify(proofs):
    out, error = run_verify("--all")
    assert error is None, out
    assert "2 captures of 2 clips" in out and ", 0 failed" in out
    events = CustodyEvent.objects.filter(action=CustodyEvent.Action.VERIFY)
    assert {event.capture_id for event in events} == {capture.pk for capture in proofs}
    assert all(event.detail.startswith("verified: ok") for event in events)
    # Two pages; the media and the .info.json are the same bytes, stored and re-hashed once.
    assert FixityCheck.objects.filter(ok=True).count() == 4


def test_tampered_stored_file_is_named(proofs, capture_storage):
    first, second = proofs
    media = first.files.get(name="media.mp4").stored_file
    path = capture_storage / media.name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1  # one bit
    path.write_bytes(bytes(data))
    out, error = run_verify(str(first.clip_id), str(second.clip_id))
    # Both captures hold the same media bytes, stored once: both clips are named.
    assert error == (
        f"verification failed for clip {first.clip_id}, {second.clip_id} (2 of 10 checks)"
    )
    for capture in proofs:
        line = f"clip {capture.clip_id}, capture {capture.pk}, file media.mp4: FAILED: content"
        assert line in out
        event = CustodyEvent.objects.get(capture=capture, action=CustodyEvent.Action.VERIFY)
        assert "file media.mp4: content changed: its SHA-256 is now" in event.detail
    assert "page.html: FAILED" not in out
    assert FixityCheck.objects.get(stored_file=media).ok is False  # re-hashed once


def test_missing_file_is_named(proofs, capture_storage):
    first, _second = proofs
    (capture_storage / first.files.get(name="page.html").stored_file.name).unlink()
    out, error = run_verify(str(first.clip_id))
    assert error
    assert "file page.html: FAILED: missing from storage" in out


def test_forged_token_is_refused(proofs, tmp_path):
    first, _second = proofs
    (tmp_path / "forger").mkdir()
    with TimestampAuthority(tmp_path / "forger") as forger:
        forged = _forger_token(forger, bytes(first.manifest))
    CaptureTimestamp.objects.filter(capture=first).update(token=forged)
    out, error = run_verify(str(first.clip_id))
    assert error
    assert f"capture {first.pk}, timestamp from http://127.0.0.1:" in out
    assert "FAILED: the token is signed by a TSA certificate that is not trusted" in out


def test_altered_manifest_fails_signature(proofs):
    first, _second = proofs
    altered = bytes(first.manifest).replace(
        b'"worker_host":"worker-1"', b'"worker_host":"worker-2"'
    )
    Capture.objects.filter(pk=first.pk).update(manifest=altered)
    out, error = run_verify(str(first.clip_id))
    assert error
    assert "signature: FAILED: the signature does not match the manifest" in out
    assert "timestamp from http://127.0.0.1" in out and "over other data" in out


def test_unknown_clip_and_no_arguments(proofs):
    assert run_verify("999999")[1] == "no clip with id 999999"
    assert run_verify()[1].startswith("name the clips to verify")


def _forger_token(forger, manifest):
    query = TimestampRequestBuilder().data(manifest).hash_algorithm(HashAlgorithm.SHA256).build()
    return forger.reply(query.as_bytes())
