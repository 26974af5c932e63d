"""Verifying and exporting a capture, against the standard tools on the same bytes.

    .venv/bin/python bench/evidence.py [--size-mib 512] [--rss-mib 1024] [--rounds 3]

A capture of one file of random bytes is made on a temporary SQLite database (the
file stored, the manifest signed). In the same run, best of --rounds each:

- verify (catalog.capture.verify.verify_capture: re-hash, signature, custody
  event, fixity row) against `sha256sum` of the stored file (goal <= 1.2x);
- the evidence bundle (catalog.capture.bundle.write_bundle) against `zip -0` of
  the same file; the bundle holds the file twice (WARC record and plain file)
  and reads it for three digests (its own check, the WACZ index, datapackage),
  so about 3x is the expected cost;
- memory: a child process exports a small capture, then an --rss-mib one; its
  peak RSS may grow by < 50 MiB.
"""

import resource
import shutil
import tempfile
from pathlib import Path

from capture import (
    arguments,
    best,
    in_process,
    make_file,
    print_rss,
    report_rss,
    setup_django,
    timed,
)


def make_capture(folder, size):
    """A complete, signed capture of a new clip with one media file of `size` random bytes."""
    from django.utils import timezone

    from catalog.capture import proof
    from catalog.capture.manifest import manifest_bytes
    from catalog.capture.storage import store_file
    from catalog.ingest import ClipRecord, store
    from catalog.models import Capture, CaptureFile

    media = folder / f"media-{size}.mp4"
    make_file(media, size)
    url = f"https://video.example.com/{media.name}"
    clip = store(ClipRecord(platform="web", external_id=url, title="Bench", source="editor")).clip
    capture = Capture.objects.create(
        clip=clip, source_url=url, status=Capture.Status.RUNNING, started_at=timezone.now()
    )
    stored = store_file(media, mime_type="video/mp4")
    files = [CaptureFile.objects.create(capture=capture, stored_file=stored, role="media",
                                        name="media.mp4", url=url)]  # fmt: skip
    capture.finished_at = timezone.now()
    capture.manifest = manifest_bytes(capture, files)
    capture.signature = proof.sign(capture.manifest)
    capture.key_fingerprint = proof.key_fingerprint()
    capture.status = Capture.Status.COMPLETE
    capture.save()
    return Capture.objects.get(pk=capture.pk), stored


def rss_child(data_dir, small_mib, big_mib):
    """In a fresh process: peak RSS after exporting a small capture, then a big one (KiB)."""
    setup_django(Path(data_dir))
    from catalog.capture.bundle import write_bundle

    folder = Path(data_dir)
    peaks = []
    for mib in (int(small_mib), int(big_mib)):
        capture, _stored = make_capture(folder, mib * 1024 * 1024)
        write_bundle(capture, folder / f"bundle-{mib}.wacz")
        (folder / f"bundle-{mib}.wacz").unlink()
        peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print_rss(*peaks)


def main():
    args = arguments(__doc__, ("DIR", "SMALL", "BIG"))
    if args.rss_child:
        rss_child(*args.rss_child)
        return

    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
        tmp = Path(tmp)
        setup_django(tmp / "data")
        from catalog.capture import verify
        from catalog.capture.bundle import write_bundle
        from catalog.capture.storage import captures_storage

        size = args.size_mib * 1024 * 1024
        capture, stored = make_capture(tmp, size)
        path = captures_storage().path(stored.name)
        target, zipped = tmp / "bundle.wacz", tmp / "plain.zip"

        sha256sum = best(args.rounds, lambda: timed(["sha256sum", path]))
        verified = best(args.rounds, lambda: in_process(verify.verify_capture, capture))
        plain_zip = best(
            args.rounds,
            lambda: (zipped.unlink(missing_ok=True), timed(["zip", "-0", "-q", zipped, path]))[1],
        )
        exported = best(args.rounds, lambda: in_process(write_bundle, capture, target))
        failed = [str(result) for result in verify.verify_capture(capture) if not result.ok]
        if failed:
            raise RuntimeError(f"the capture does not verify: {failed}")

        print(f"file: {args.size_mib} MiB of random bytes, one capture")
        print("                        wall   CPU (user+sys)")
        for name, (wall, cpu) in [
            ("sha256sum", sha256sum),
            ("verify_capture", verified),
            ("zip -0", plain_zip),
            ("write_bundle", exported),
        ]:
            print(f"{name:22} {wall:6.2f} s {cpu:6.2f} s")
        print(f"  verify / sha256sum:   {verified[0] / sha256sum[0]:5.2f}x  (goal <= 1.2x)")
        print(f"  bundle / zip -0:      {exported[0] / plain_zip[0]:5.2f}x  (about 3x expected)")
        print(f"  bundle size / file:   {target.stat().st_size / size:5.3f}")

        child_dir = tmp / "rss"
        child_dir.mkdir()
        report_rss(__file__, [str(child_dir), "4", str(args.rss_mib)], "export", args.rss_mib)
        shutil.rmtree(child_dir)


if __name__ == "__main__":
    main()
