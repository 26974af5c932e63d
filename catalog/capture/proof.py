"""What makes a capture provable: canonical JSON and the instance's Ed25519 signature.

A capture's manifest is serialised once, canonically (sorted keys, no whitespace,
UTF-8, no floats), and those exact bytes are signed and time-stamped, so anyone can
re-check them later with standard tools. The signing key is made once per
instance in NEWSCLIPS_DATA_DIR, like the secret key; the public half is served at
/capture-signing-key.pem. Several app servers or workers must share the one key
file (docs/deploy.md), or each signs with its own and verify names the fingerprint.
"""

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

KEY_FILE_NAME = "capture-signing-key.pem"

_keys = {}  # key file path -> private key, read once per process


def canonical_json(obj):
    """`obj` as canonical JSON bytes: sorted keys, no whitespace, UTF-8.

    Floats are refused: their text differs between languages and versions, so a
    manifest holds integers and strings only (times as ISO 8601 strings).
    """

    def refuse_floats(text):
        raise ValueError(f"canonical JSON holds no floats (found {text})")

    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    # Round-tripping is the reliable way to find a float at any depth, subclasses included.
    json.loads(text, parse_float=refuse_floats, parse_constant=refuse_floats)
    return text.encode()


def key_path():
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def signing_key():
    """The instance's Ed25519 private key, generated into DATA_DIR the first time.

    The new key is written whole to a temporary file and linked into place, which
    fails if another process got there first; then everyone reads the same file.
    """
    path = key_path()
    key = _keys.get(path)
    if key is None:
        if not path.exists():
            _create_key(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        _keys[path] = key
    return key


def _create_key(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        # If another process made the key first, its file stays and everyone uses it.
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        os.unlink(temp)


def public_key_pem():
    """The public key as PEM (SubjectPublicKeyInfo), as `openssl pkeyutl -verify` reads it."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def fingerprint_of(public_key):
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def key_fingerprint():
    """SHA-256 (hex) of the raw 32-byte public key: names the key a signature was made with."""
    return fingerprint_of(signing_key().public_key())


def sign(data):
    """The raw 64-byte Ed25519 signature of `data`."""
    return signing_key().sign(data)


def load_public_key(public_pem):
    key = serialization.load_pem_public_key(public_pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def verify_signature(data, signature, public_pem=None):
    """True if `signature` is a valid Ed25519 signature of `data`.

    By this instance's key, or by the key in `public_pem` (another instance's, or the
    one shipped in an evidence bundle).
    """
    key = signing_key().public_key() if public_pem is None else load_public_key(public_pem)
    try:
        key.verify(bytes(signature), bytes(data))
    except InvalidSignature:
        return False
    return True
