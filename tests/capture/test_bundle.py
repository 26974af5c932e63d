"""The evidence bundle, verified exactly as docs/evidence.md walks through it by hand."""

import datetime
import json
import subprocess
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from warcio.archiveiterator import ArchiveIterator

from catalog.capture import proof
from catalog.models import Capture, CustodyEvent
from tests.factories import make_clip

from .signed import make_signed_capture, tiny_mp4

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture(data_dir, capture_storage, tsa):
    clip = make_clip("Hochwasser im Ahrtal <live>", url="https://video.example.com/v/ahr")
    return make_signed_capture(clip)


def export(capture, path, *args):
    out = StringIO()
    call_command("export_capture", str(capture.clip_id), str(path), *args, stdout=out)
    return out.getvalue()


def run(command, cwd):
    """A standard tool in a shell, as a person types it; its output, failing loudly."""
    # A shell on purpose: the docs' pipelines, word for word; the commands are constants.
    result = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True)  # noqa: S602
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_bundle_verified_with_standard_tools(capture, tsa, tmp_path):
    target = tmp_path / "bundle.wacz"
    assert "written to" in export(capture, target)
    folder = walk_by_hand(target, capture, tsa)
    assert sorted(path.name for path in (folder / "files").iterdir()) == [
        "media.info.json",
        "media.mp4",
        "page.html",
    ]
    assert (folder / "files/media.mp4").read_bytes() == tiny_mp4()


def test_a_real_capture_verifies_and_its_bundle_too(capture_settings, tsa, media_site, tmp_path):
    """yt-dlp downloads from the local site (catalog.capture.jobs), then verify and export."""
    clip = make_clip("Tagesschau am Abend", url=media_site.url("/v/"))
    call_command("capture", str(clip.pk), stdout=StringIO(), stderr=StringIO())
    capture = clip.captures.complete().get()
    out = StringIO()
    call_command("verify", str(clip.pk), stdout=out)
    assert ", 0 failed" in out.getvalue()
    target = tmp_path / "real.wacz"
    export(capture, target)
    folder = walk_by_hand(target, capture, tsa)
    media = capture.media_file()
    assert (folder / "files" / media.name).stat().st_size == media.stored_file.size


def walk_by_hand(target, capture, tsa):
    """docs/evidence.md's verification, command by command; the unzipped folder."""
    folder = target.parent / f"{target.stem}-unzipped"
    run(f"unzip -q {target} -d {folder}", target.parent)
    files = json.loads(bytes(capture.manifest))["files"]

    # 1. The files are the ones the manifest lists.
    checked = run("sha256sum -c evidence/SHA256SUMS", folder)
    assert sorted(checked.splitlines()) == sorted(f"files/{f['name']}: OK" for f in files)
    from_manifest = run(
        """jq -r '.files[] | "\\(.sha256)  files/\\(.name)"' evidence/manifest.json """
        "| sha256sum -c",
        folder,
    )
    assert from_manifest.count(": OK") == len(files)
    # 2. The manifest is signed by the instance's key, the one it publishes.
    verified = run(
        "openssl pkeyutl -verify -pubin -inkey evidence/signing-key.pem -rawin "
        "-in evidence/manifest.json -sigfile evidence/manifest.sig",
        folder,
    )
    assert "Signature Verified Successfully" in verified
    fingerprint = run(
        "openssl pkey -pubin -in evidence/signing-key.pem -outform DER | tail -c 32 | sha256sum",
        folder,
    )
    assert fingerprint.split()[0] == proof.key_fingerprint() == capture.key_fingerprint
    # 3. The manifest existed at the stated time, by the TSA's own CA certificate.
    stamped = run(
        "openssl ts -verify -data evidence/manifest.json -in evidence/timestamp-1.tsr "
        f"-CAfile {tsa.ca_file}",
        folder,
    )
    assert "Verification: OK" in stamped
    assert "Time stamp:" in run("openssl ts -reply -in evidence/timestamp-1.tsr -text", folder)
    assert (folder / "evidence/manifest.json").read_bytes() == bytes(capture.manifest)
    return folder


def test_bundle_is_a_wacz_with_the_page_and_files_as_warc_records(capture, tmp_path):
    target = tmp_path / "bundle.wacz"
    export(capture, target)
    with zipfile.ZipFile(target) as package:
        package.extract("archive/data.warc", tmp_path)
        names = set(package.namelist())
        datapackage = json.loads(package.read("datapackage.json"))
        with package.open("archive/data.warc") as warc:
            records = [
                (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                 record.content_stream().read())
                for record in ArchiveIterator(warc)
            ]  # fmt: skip
        report = package.read("evidence/report.html").decode()
    assert {"indexes/index.cdx.gz", "pages/pages.jsonl", "archive/data.warc"} <= names
    assert {item["path"] for item in datapackage["resources"]} == names - {
        "datapackage.json",
        "datapackage-digest.json",
    }
    by_url = {url: (kind, body) for kind, url, body in records}
    assert by_url["https://video.example.com/v/ahr"][0] == "response"
    assert by_url["https://cdn.example.com/v.mp4"] == ("resource", tiny_mp4())
    # The clip's title is text in the report, never markup.
    assert "Hochwasser im Ahrtal &lt;live&gt;" in report and "<live>" not in report
    assert "openssl ts -verify -data evidence/manifest.json" in report
    # warcio checks every record's digests; the wacz library's validator the package.
    checked = subprocess.run(
        [".venv/bin/warcio", "check", "-v", str(tmp_path / "archive/data.warc")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and "digest pass" in checked.stdout, checked.stdout
    result = subprocess.run(
        [".venv/bin/wacz", "validate", "-f", str(target)], capture_output=True, text=True
    )
    assert "Validation succeeded" in result.stdout, result.stdout + result.stderr


def test_export_is_logged_and_carries_the_custody_log(capture, tmp_path):
    call_command("verify", str(capture.clip_id), stdout=StringIO())
    export(capture, tmp_path)  # a folder: the bundle is named after the capture
    target = tmp_path / f"clip-{capture.clip_id}-capture-{capture.pk}.wacz"
    event = CustodyEvent.objects.get(action=CustodyEvent.Action.EXPORT)
    assert event.capture == capture and event.detail == f"evidence bundle {target.name}"
    with zipfile.ZipFile(target) as package:
        custody = [json.loads(line) for line in package.read("evidence/custody.jsonl").splitlines()]
    assert [entry["action"] for entry in custody] == ["verify", "export"]
    assert custody[0]["detail"].startswith("verified: ok")
    assert custody[1]["detail"] == event.detail and custody[1]["at"].startswith(
        event.at.astimezone(datetime.UTC).isoformat()[:19]
    )


def test_a_changed_file_stops_the_export_by_name(capture, capture_storage, tmp_path):
    media = capture.files.get(name="media.mp4").stored_file
    (capture_storage / media.name).write_bytes(b"not the media")
    with pytest.raises(CommandError, match=r"media\.mp4 has changed in storage"):
        export(capture, tmp_path / "bundle.wacz")
    assert list(tmp_path.glob("*.wacz*")) == []  # nothing half-written
    assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORT).exists()


def test_export_chooses_the_latest_complete_capture(capture, tmp_path):
    newer = make_signed_capture(capture.clip)
    assert f"capture {newer.pk} of clip" in export(capture, tmp_path / "a.wacz")
    assert f"capture {capture.pk} of clip" in export(
        capture, tmp_path / "b.wacz", "--capture", str(capture.pk)
    )
    failed = Capture.objects.create(clip=capture.clip, status="failed", source_url="https://x.org/")
    with pytest.raises(CommandError, match="is failed, not complete"):
        export(capture, tmp_path / "c.wacz", "--capture", str(failed.pk))
    with pytest.raises(CommandError, match="has no capture 999999"):
        export(capture, tmp_path / "d.wacz", "--capture", "999999")
