"""RFC 3161 trusted timestamps over a capture's manifest (rfc3161-client).

A time-stamping authority (TSA) signs "this SHA-256 existed at this time"; with
its token anyone can show later that the manifest, and so every file hash in it,
has not changed since. The TSAs are the operator's choice (NEWSCLIPS_TSA_URLS,
none by default), trusted URLs rather than editors' input, so they may be on a
private network; requests are still bounded: a timeout, a total deadline, a size
limit on the answer and no redirects. Tokens are checked when they arrive (the
right hash, our nonce, a signature chaining to NEWSCLIPS_TSA_CA_FILE) so that a
misconfigured TSA shows at capture time, not when a token is first needed.
"""

import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography import x509
from django.conf import settings
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY_BYTES = 256 * 1024  # a token with its certificate chain is a few KiB
_READ_SIZE = 16 * 1024


class TimestampError(Exception):
    """A TSA that gave no usable token; the message says why, for the capture's record."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A TSA answers where it is configured; a redirect is an error, not a hint.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def tsa_urls():
    return list(getattr(settings, "NEWSCLIPS_TSA_URLS", []))


def request_timestamp(data, url):
    """Ask the TSA at `url` for a token over sha256(`data`); the DER TimeStampResp.

    Raises TimestampError naming what went wrong (network, HTTP status, size, time,
    an answer that is not a granted token over this hash with this nonce, a
    signature not trusted by NEWSCLIPS_TSA_CA_FILE).
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise TimestampError(f"{url}: a TSA URL must be http or https")
    query = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=query.as_bytes(), method="POST", headers={"Content-Type": QUERY_TYPE}
    )
    timeout = getattr(settings, "NEWSCLIPS_TSA_TIMEOUT", 20)
    try:
        with _opener.open(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if content_type != REPLY_TYPE:
                raise TimestampError(f"{url}: answered {content_type}, not {REPLY_TYPE}")
            reply = _read_bounded(response, url, deadline=time.monotonic() + timeout)
    except urllib.error.HTTPError as error:
        raise TimestampError(f"{url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TimestampError(f"{url}: {reason}") from None
    problem = verify_timestamp(data, reply, nonce=query.nonce)
    if problem:
        raise TimestampError(f"{url}: {problem}")
    return reply


def _read_bounded(response, url, *, deadline):
    chunks, size = [], 0
    while chunk := response.read(_READ_SIZE):
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise TimestampError(f"{url}: the answer is larger than {MAX_REPLY_BYTES} bytes")
        if time.monotonic() > deadline:
            raise TimestampError(f"{url}: the answer took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def request_timestamps(data, urls=None):
    """A token from every TSA in `urls` (default: NEWSCLIPS_TSA_URLS), each failing alone.

    A list of (url, token, error): the token's DER bytes and None, or None and why.
    """
    results = []
    for url in tsa_urls() if urls is None else urls:
        try:
            results.append((url, request_timestamp(data, url), None))
        except TimestampError as error:
            results.append((url, None, str(error)))
    return results


def verify_timestamp(data, token, ca_pem=None, *, nonce=None):
    """None if `token` is a valid, trusted RFC 3161 token over sha256(`data`), else why not.

    Trusted means signed by a certificate that chains to `ca_pem` (PEM, one or more
    certificates), or else to NEWSCLIPS_TSA_CA_FILE, or else to the system's CAs,
    with the time-stamping purpose. `nonce`, when given, must be the token's.
    """
    try:
        response = decode_timestamp_response(bytes(token))
    except ValueError as error:
        return f"not an RFC 3161 timestamp response ({error})"
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        texts = "; ".join(response.status_string) or "no reason given"
        return f"the TSA refused the request (status {response.status}: {texts})"
    try:
        roots = trusted_roots(ca_pem)
    except (OSError, ValueError) as error:
        return f"cannot read the TSA certificates to trust: {error}"
    builder = VerifierBuilder(roots=roots)
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify_message(response, bytes(data))
    except VerificationError as error:
        return _reason(str(error))
    return None


def _reason(error):
    """rfc3161-client's error (an OpenSSL error stack at times) in a sentence for people."""
    if error == "Mismatch between messages":
        return "the token is over other data (its hash is not this manifest's)"
    if "certificate verify error" in error:
        return (
            "the token is signed by a TSA certificate that is not trusted (NEWSCLIPS_TSA_CA_FILE)"
        )
    if "signature failure" in error:
        return "the token's signature does not match its content (altered or forged)"
    return f"the token does not verify: {error}"


def token_time(token):
    """When the TSA says it signed (an aware datetime), or None for an unreadable token."""
    try:
        return decode_timestamp_response(bytes(token)).tst_info.gen_time
    except ValueError:
        return None


def token_imprint(token):
    """The hex SHA-256 the token vouches for, or None for an unreadable token."""
    try:
        return decode_timestamp_response(bytes(token)).tst_info.message_imprint.message.hex()
    except ValueError:
        return None


_roots_cache = {}


def trusted_roots(ca_pem=None):
    """The certificates a token's signer must chain to (see verify_timestamp)."""
    if ca_pem is not None:
        return x509.load_pem_x509_certificates(bytes(ca_pem))
    path = getattr(settings, "NEWSCLIPS_TSA_CA_FILE", "") or ssl.get_default_verify_paths().cafile
    if not path:
        raise ValueError("no NEWSCLIPS_TSA_CA_FILE and no system CA bundle")
    path = Path(path)
    key = (path, path.stat().st_mtime_ns)
    if key not in _roots_cache:
        _roots_cache[key] = x509.load_pem_x509_certificates(path.read_bytes())
    return _roots_cache[key]
