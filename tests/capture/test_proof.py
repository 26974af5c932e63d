"""The instance's signing key, canonical manifests and their signatures."""

import hashlib
import stat
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from catalog.capture import proof

MANIFEST = {
    "version": 1,
    "clip": {"id": 7, "title": "Wahl in Thüringen", "platform": "youtube"},
    "files": [{"name": "media.mp4", "sha256": "ab" * 32, "size": 1234}],
}


def test_canonical_json_is_sorted_compact_utf8():
    assert proof.canonical_json({"b": 1, "a": ["ü", None, True]}) == (
        '{"a":["ü",null,true],"b":1}'.encode()
    )
    assert proof.canonical_json(MANIFEST) == proof.canonical_json(dict(reversed(MANIFEST.items())))


@pytest.mark.parametrize("value", [1.5, float("nan"), {"deep": [{"x": 0.1}]}])
def test_canonical_json_refuses_floats(value):
    with pytest.raises(ValueError):
        proof.canonical_json({"value": value})


def test_key_is_made_once_private_and_reused(data_dir):
    fingerprint = proof.key_fingerprint()
    key_file = data_dir / proof.KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == [proof.KEY_FILE_NAME]  # no temp file left
    proof._keys.clear()  # a new process reads the same file
    assert proof.key_fingerprint() == fingerprint
    public = serialization.load_pem_public_key(proof.public_key_pem())
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert fingerprint == hashlib.sha256(raw).hexdigest()


def test_signature_verifies_and_tampering_is_refused(data_dir):
    manifest = proof.canonical_json(MANIFEST)
    signature = proof.sign(manifest)
    assert len(signature) == 64
    assert proof.verify_signature(manifest, signature)
    assert proof.verify_signature(manifest, signature, proof.public_key_pem())
    tampered = manifest.replace(b'"size":1234', b'"size":1235')
    assert not proof.verify_signature(tampered, signature)
    assert not proof.verify_signature(manifest, bytes(64))


def test_another_instances_key_refuses_our_signature(data_dir, settings, tmp_path):
    manifest = proof.canonical_json(MANIFEST)
    signature = proof.sign(manifest)
    ours = proof.public_key_pem()
    settings.DATA_DIR = tmp_path / "other-instance"
    assert proof.public_key_pem() != ours
    assert not proof.verify_signature(manifest, signature)
    assert proof.verify_signature(manifest, signature, ours)


def test_openssl_verifies_the_signature(data_dir, tmp_path):
    manifest = proof.canonical_json(MANIFEST)
    (tmp_path / "manifest.json").write_bytes(manifest)
    (tmp_path / "manifest.sig").write_bytes(proof.sign(manifest))
    (tmp_path / "key.pem").write_bytes(proof.public_key_pem())
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin",
        "-in", "manifest.json", "-sigfile", "manifest.sig",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout
    (tmp_path / "manifest.json").write_bytes(manifest + b" ")
    assert subprocess.run(command, cwd=tmp_path, capture_output=True).returncode != 0
