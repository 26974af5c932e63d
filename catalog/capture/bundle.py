"""The evidence bundle: one WACZ file that proves a capture with standard tools.

A WACZ (Webrecorder's web archive package, written with the `wacz` and `warcio`
libraries) is a zip that replay tools open as an archived web page. Ours holds:

  archive/data.warc      the page (its HTTP status and headers as fetched) and every
                         file of the capture (media, thumbnail, subtitles, .info.json)
                         as WARC records, for replay tools (ReplayWeb.page, pywb); not
                         gzipped: media are compressed already, and it is much faster
  indexes/, pages/, datapackage.json, datapackage-digest.json   the WACZ structure
  files/<name>           the same files as plain files, for `sha256sum`
  evidence/manifest.json the exact signed bytes; .sig, signing-key.pem, timestamp-N.tsr
                         (RFC 3161 replies) with the certificates they carry,
                         SHA256SUMS, custody.jsonl and report.html (how to check it all)

The files are re-hashed as they are copied in; a file that no longer matches its
manifest entry stops the export with its name (run `manage.py verify`). The bundle
is built under a temporary name beside the target and moved into place when whole.
"""

import base64
import contextlib
import datetime
import hashlib
import io
import json
import os
import tempfile
import types
import zipfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.template.loader import render_to_string
from django.utils import timezone
from rfc3161_client import decode_timestamp_response
from wacz.waczindexer import WACZIndexer
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from catalog.models import CaptureFile, CustodyEvent

from . import proof, timestamps
from .storage import HASH_CHUNK, open_stored

# Hop-by-hop and encoding headers describe the transfer, not the stored body.
DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}


class BundleError(Exception):
    """The capture cannot be exported as it is; the message names why."""


def bundle_name(capture):
    return f"clip-{capture.clip_id}-capture-{capture.pk}.wacz"


def write_bundle(capture, target, *, actor=None):
    """Write the evidence bundle of a complete `capture` to `target`; log the export."""
    if not capture.is_complete:
        raise BundleError(f"capture {capture.pk} is {capture.status}, not complete")
    target = Path(target)
    try:
        listed = {entry["name"]: entry for entry in json.loads(bytes(capture.manifest))["files"]}
    except (ValueError, KeyError, TypeError):
        raise BundleError(f"capture {capture.pk} has no readable manifest") from None
    files = list(capture.files.select_related("stored_file").order_by("role", "name"))
    # The bundle's custody log ends with this export, saved once the bundle is whole.
    export = CustodyEvent(
        clip_id=capture.clip_id,
        capture=capture,
        actor=actor,
        action=CustodyEvent.Action.EXPORT,
        detail=f"evidence bundle {target.name}",
    )
    # Beside the target, not in /tmp (often memory): the WARC is as large as the media.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as work:
        warc = Path(work) / "data.warc"
        _write_warc(capture, files, warc)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(fd)
        try:
            with zipfile.ZipFile(temp, "w", allowZip64=True) as package:
                _write_wacz(capture, package, warc, files, listed, export)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    export.save()
    return target


def _write_warc(capture, files, path):
    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=False)
        info = {"software": "newsclips", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        for capture_file in files:
            stored = capture_file.stored_file
            url = capture_file.url or f"urn:newsclips:capture:{capture.pk}:{capture_file.name}"
            # The digests are known (the content address): warcio need not read the file
            # an extra time to compute its own.
            digest = "sha256:" + _base32(stored.sha256)
            headers = {"WARC-Date": _warc_date(capture.finished_at), "WARC-Payload-Digest": digest}
            with open_stored(stored) as payload:
                if capture_file.role == CaptureFile.Role.PAGE and capture.http_status:
                    record = writer.create_warc_record(
                        url,
                        "response",
                        payload=payload,
                        length=stored.size,
                        warc_headers_dict=headers,
                        http_headers=_http_headers(capture, stored.size),
                    )
                else:
                    record = writer.create_warc_record(
                        url,
                        "resource",
                        payload=payload,
                        length=stored.size,
                        warc_content_type=stored.mime_type or "application/octet-stream",
                        warc_headers_dict={**headers, "WARC-Block-Digest": digest},
                    )
                writer.write_record(record)


def _http_headers(capture, size):
    kept = [
        (name, str(value))
        for name, value in (capture.http_headers or {}).items()
        if name.lower() not in DROPPED_HEADERS
    ]
    kept.append(("Content-Length", str(size)))
    return StatusAndHeaders(f"{capture.http_status} -", kept, protocol="HTTP/1.1")


def _write_wacz(capture, package, warc, files, listed, export):
    index_buffer = io.BytesIO()
    index_text = io.TextIOWrapper(index_buffer, "utf-8", write_through=True)
    # py-wacz reports progress with print(); a command's or a view's output is not the place.
    with contextlib.redirect_stdout(io.StringIO()):
        with package.open(_entry("indexes/index.cdx.gz", size=0), "w") as data:
            indexer = WACZIndexer(
                index_text,
                [str(warc)],
                sort=True,
                post_append=True,
                compress=data,
                lines=1024,
                digest_records=True,
                fields="referrer",
                data_out_name="index.cdx.gz",
                hash_type="sha256",
                detect_pages=False,
            )
            indexer.process_all()
        package.writestr(_entry("indexes/index.idx"), index_buffer.getvalue())
        warc_entry = _entry("archive/data.warc", size=warc.stat().st_size)
        with open(warc, "rb") as source, package.open(warc_entry, "w") as out:
            _copy(source, out)
        page = {"url": capture.source_url, "ts": _iso(capture.finished_at)}
        page["title"] = capture.clip.title
        indexer.write_page_list(
            package, "pages/pages.jsonl", indexer.serialize_json_pages([page], "pages", "Pages")
        )
        sums = _write_files(package, files, listed)
        _write_evidence(capture, package, sums, export)
        options = types.SimpleNamespace(
            title=f"{capture.clip.title} (capture {capture.pk})",
            desc=f"newsclips capture {capture.pk} of clip {capture.clip_id}",
            date=_iso(capture.finished_at),
        )
        datapackage = indexer.generate_datapackage(options, package).encode()
        package.writestr(_entry("datapackage.json"), datapackage)
        package.writestr(
            _entry("datapackage-digest.json"), indexer.generate_datapackage_digest(datapackage)
        )


def _write_files(package, files, listed):
    """Copy each file in as files/<name>, re-hashing it against the manifest; SHA256SUMS lines."""
    lines = []
    for capture_file in files:
        stored, entry = capture_file.stored_file, listed.get(capture_file.name)
        if "/" in capture_file.name or capture_file.name.startswith("."):
            raise BundleError(f"{capture_file.name!r} is not a plain file name")
        if entry is None or entry["sha256"] != stored.sha256:
            raise BundleError(f"{capture_file.name} is not the file the manifest lists")
        digest = hashlib.sha256()
        with (
            open_stored(stored) as source,
            package.open(_entry(f"files/{capture_file.name}", size=stored.size), "w") as out,
        ):
            _copy(source, out, digest)
        if digest.hexdigest() != entry["sha256"]:
            raise BundleError(
                f"{capture_file.name} has changed in storage (SHA-256 {digest.hexdigest()}, "
                f"the manifest says {entry['sha256']}); run manage.py verify"
            )
        lines.append(f"{entry['sha256']}  files/{capture_file.name}\n")
    return "".join(lines)


def _write_evidence(capture, package, sums, export):
    manifest = bytes(capture.manifest)
    package.writestr(_entry("evidence/manifest.json"), manifest)
    package.writestr(_entry("evidence/manifest.sig"), bytes(capture.signature))
    package.writestr(_entry("evidence/signing-key.pem"), proof.public_key_pem())
    package.writestr(_entry("evidence/SHA256SUMS"), sums)
    stamps = []
    for number, stamp in enumerate(capture.timestamps.all(), start=1):
        token = bytes(stamp.token)
        package.writestr(_entry(f"evidence/timestamp-{number}.tsr"), token)
        package.writestr(_entry(f"evidence/timestamp-{number}-certs.pem"), _token_certs(token))
        stamps.append(
            {
                "number": number,
                "tsa_url": stamp.tsa_url,
                "time": timestamps.token_time(token),
                "imprint": timestamps.token_imprint(token),
            }
        )
    events = [
        *capture.clip.custody_events.select_related("actor").order_by("at", "id"),
        export,
    ]
    custody = "".join(
        json.dumps(
            {
                "at": _iso(event.at),
                "action": event.action,
                "actor": event.actor.get_username() if event.actor else None,
                "capture": event.capture_id,
                "detail": event.detail,
            },
            ensure_ascii=False,
        )
        + "\n"
        for event in events
    )
    package.writestr(_entry("evidence/custody.jsonl"), custody)
    report = render_to_string(
        "capture/evidence_report.html",
        {
            "capture": capture,
            "clip": capture.clip,
            "manifest": json.loads(manifest),
            "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
            "fingerprint": proof.key_fingerprint(),
            "stamps": stamps,
            "events": events,
            "exported_at": export.at,
        },
    )
    package.writestr(_entry("evidence/report.html"), report)


def _token_certs(token):
    try:
        certificates = decode_timestamp_response(token).signed_data.certificates
    except ValueError:
        return b""
    return b"".join(
        x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM) for der in certificates
    )


def _entry(name, size=None):
    """A zip entry: deflated, or with a `size` stored as is (zip64 when that is large).

    WACZ keeps WARCs and the compressed index stored, so that replay tools can seek in
    them; media are compressed already.
    """
    entry = zipfile.ZipInfo(name, timezone.now().utctimetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED if size is None else zipfile.ZIP_STORED
    entry.file_size = size or 0
    entry.external_attr = 0o644 << 16
    return entry


def _copy(source, target, digest=None):
    while chunk := source.read(HASH_CHUNK):
        if digest is not None:
            digest.update(chunk)
        target.write(chunk)


def _base32(sha256_hex):
    return base64.b32encode(bytes.fromhex(sha256_hex)).decode()


def _iso(moment):
    return (moment or timezone.now()).astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _warc_date(moment):
    return (moment or timezone.now()).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
