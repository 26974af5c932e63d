"""RFC 3161 tokens from a real responder, checked by rfc3161-client and by openssl."""

import hashlib
import subprocess

import pytest
from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

from catalog.capture import timestamps

from .tsa import TimestampAuthority

MANIFEST = b'{"clip":{"id":1},"version":1}'


def openssl_verify(tmp_path, data, token, ca_file):
    (tmp_path / "manifest.json").write_bytes(data)
    (tmp_path / "token.tsr").write_bytes(token)
    return subprocess.run(
        [
            "openssl", "ts", "-verify", "-data", "manifest.json", "-in", "token.tsr",
            "-CAfile", str(ca_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )  # fmt: skip


def test_token_verified_by_rfc3161_client_and_openssl(tsa, tmp_path):
    token = timestamps.request_timestamp(MANIFEST, tsa.url)
    assert timestamps.verify_timestamp(MANIFEST, token) is None
    assert timestamps.verify_timestamp(MANIFEST, token, tsa.ca_pem) is None
    assert timestamps.token_imprint(token) == hashlib.sha256(MANIFEST).hexdigest()
    assert timestamps.token_time(token) is not None
    result = openssl_verify(tmp_path, MANIFEST, token, tsa.ca_file)
    assert result.returncode == 0, result.stderr
    assert "Verification: OK" in result.stdout


def test_token_over_other_data_refused(tsa, tmp_path):
    token = timestamps.request_timestamp(b"another manifest", tsa.url)
    reason = timestamps.verify_timestamp(MANIFEST, token)
    assert reason == "the token is over other data (its hash is not this manifest's)"
    assert openssl_verify(tmp_path, MANIFEST, token, tsa.ca_file).returncode != 0


def test_forged_token_from_an_untrusted_tsa_refused(tsa, tmp_path):
    # Same name, same software, another key: a forger's TSA, not the one we trust.
    (tmp_path / "forger").mkdir()
    query = TimestampRequestBuilder().data(MANIFEST).hash_algorithm(HashAlgorithm.SHA256).build()
    with TimestampAuthority(tmp_path / "forger") as forger:
        forged = forger.reply(query.as_bytes())
    reason = timestamps.verify_timestamp(MANIFEST, forged)
    assert reason == (
        "the token is signed by a TSA certificate that is not trusted (NEWSCLIPS_TSA_CA_FILE)"
    )
    assert openssl_verify(tmp_path, MANIFEST, forged, tsa.ca_file).returncode != 0


def test_tampered_token_refused(tsa):
    token = bytearray(timestamps.request_timestamp(MANIFEST, tsa.url))
    token[-10] ^= 0xFF  # inside the signature
    reason = timestamps.verify_timestamp(MANIFEST, bytes(token))
    assert reason == "the token's signature does not match its content (altered or forged)"
    assert timestamps.verify_timestamp(MANIFEST, b"not a token").startswith("not an RFC 3161")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("garbage", "not an RFC 3161 timestamp response"),
        ("huge", "larger than"),
        ("error", "HTTP 500"),
        ("html", "answered text/html"),
    ],
)
def test_broken_tsa_gives_a_reason_not_a_token(tsa, mode, expected):
    tsa.misbehave = mode
    with pytest.raises(timestamps.TimestampError, match=expected):
        timestamps.request_timestamp(MANIFEST, tsa.url)


def test_each_tsa_fails_alone(tsa, settings):
    dead = "http://127.0.0.1:9/tsa"  # discard port: nothing listens
    settings.NEWSCLIPS_TSA_URLS = [dead, tsa.url, "file:///etc/passwd"]
    results = timestamps.request_timestamps(MANIFEST)
    assert [url for url, _token, _error in results] == settings.NEWSCLIPS_TSA_URLS
    (_, no_token, refused), (_, token, ok), (_, _, scheme) = results
    assert no_token is None and refused.startswith(dead)
    assert ok is None and timestamps.verify_timestamp(MANIFEST, token) is None
    assert "must be http or https" in scheme


def test_no_tsa_configured_means_no_request(settings):
    settings.NEWSCLIPS_TSA_URLS = []
    assert timestamps.request_timestamps(MANIFEST) == []
