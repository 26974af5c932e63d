"""Capture throughput, hashing cost and memory, against plain downloads of the same file.

    .venv/bin/python bench/capture.py [--size-mib 512] [--rss-mib 1024] [--rounds 3]

A file of random bytes is served by a separate `python -m http.server` process
on 127.0.0.1 with a page whose JSON-LD VideoObject points at it. In the same
run, best of --rounds each:

- baselines: `curl -o` of the file and `yt-dlp --no-part` of the same page;
- a capture through catalog.capture.jobs.run_capture (yt-dlp under the
  network guard, hashing, moving into the content-addressed storage, the
  manifest signed, database rows), on a temporary SQLite database;
  throughput is reported as a ratio of each baseline (goal >= 80% of curl);
- hashing: catalog.capture.storage.file_sha256 against `sha256sum` on the
  same bytes (goal <= 1.2x);
- memory: a child process captures a small file (everything imported and
  warmed up), then an --rss-mib file; its peak RSS may grow by < 50 MiB.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 16 * 1024 * 1024


def make_file(path, size):
    with open(path, "wb") as handle:
        left = size
        while left:
            n = min(CHUNK, left)
            handle.write(os.urandom(n))
            left -= n


def page(base, name):
    video = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": f"Benchmark {name}",
        "contentUrl": f"{base}/{name}",  # the generic extractor wants it absolute
    }
    return (
        "<!DOCTYPE html><html><head><title>Benchmark</title>"
        f'<script type="application/ld+json">{json.dumps(video)}</script></head>'
        "<body></body></html>"
    )


class Server:
    """`python -m http.server` over `folder`, in its own process (its own CPU time)."""

    def __init__(self, folder):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while subprocess.run(["curl", "-sf", "-o", "/dev/null", self.base], check=False).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("the benchmark's HTTP server did not start")
            time.sleep(0.1)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def setup_django(data_dir):
    os.environ.update(
        NEWSCLIPS_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="newsclips.settings",
        NEWSCLIPS_ALLOW_PRIVATE_URLS="1",
        NEWSCLIPS_CAPTURE_MAX_FILE_BYTES=str(64 * 1024**3),
        NEWSCLIPS_CAPTURE_MAX_SECONDS="3600",
        DJANGO_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def capture_once(url):
    """Seconds for one capture of `url`, its storage emptied first so every byte is stored."""
    from django.conf import settings

    from catalog.capture.jobs import request_capture, run_capture
    from catalog.ingest import ClipRecord, store
    from catalog.models import Capture, CaptureFile, StoredFile

    CaptureFile.objects.all().delete()
    StoredFile.objects.all().delete()
    shutil.rmtree(Path(settings.DATA_DIR) / "captures", ignore_errors=True)
    record = ClipRecord(
        platform="web", external_id=url, title="Benchmark", source="editor", url=url
    )
    clip = store(record).clip
    capture = request_capture(clip, enqueue=False)
    times = in_process(run_capture, capture.pk, retry=False, host_limit=False)
    if Capture.objects.get(pk=capture.pk).status != Capture.Status.COMPLETE:
        raise RuntimeError(f"the capture failed: {Capture.objects.get(pk=capture.pk).reason}")
    return times


def best(rounds, action):
    """The fastest of `rounds` runs of `action`, which returns (wall seconds, CPU seconds)."""
    return min((action() for _ in range(rounds)), key=lambda times: times[0])


def timed(command):
    """(wall, CPU) seconds of a command: CPU is its user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(function, *args, **kwargs):
    """(wall, CPU) seconds of a call in this process."""
    start, cpu = time.perf_counter(), time.process_time()
    function(*args, **kwargs)
    return time.perf_counter() - start, time.process_time() - cpu


def rss_child(base, small, big):
    """In a fresh process: peak RSS after a small capture, then after a big one (KiB)."""
    setup_django(Path(tempfile.mkdtemp(prefix="capture-rss-")))
    capture_once(f"{base}/{small}.html")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    capture_once(f"{base}/{big}.html")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print_rss(before, after)


def arguments(doc, child):
    """The options of the capture benches; `child` names --rss-child's three arguments."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--rss-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rss-child", nargs=3, metavar=child)
    return parser.parse_args()


def print_rss(before_kib, after_kib):
    """What an --rss-child prints for its parent (report_rss) to read."""
    print(json.dumps({"before_kib": before_kib, "after_kib": after_kib}))


def report_rss(script, child_args, what, rss_mib):
    """Run `script --rss-child *child_args` in a fresh process; print how its peak RSS grew."""
    child = subprocess.run(
        [sys.executable, script, "--rss-child", *child_args],
        capture_output=True,
        text=True,
        check=True,
    )
    rss = json.loads(child.stdout.strip().splitlines()[-1])
    grown = (rss["after_kib"] - rss["before_kib"]) / 1024
    print(
        f"peak RSS: {rss['before_kib'] / 1024:.0f} MiB after a 4 MiB {what}, "
        f"{rss['after_kib'] / 1024:.0f} MiB after a {rss_mib} MiB {what}: "
        f"+{grown:.1f} MiB (goal < 50 MiB)"
    )


def main():
    args = arguments(__doc__, ("BASE", "SMALL", "BIG"))
    if args.rss_child:
        rss_child(*args.rss_child)
        return

    with tempfile.TemporaryDirectory(prefix="capture-bench-") as tmp:
        tmp = Path(tmp)
        served = tmp / "served"
        served.mkdir()
        size = args.size_mib * 1024 * 1024
        server = Server(served)
        try:
            make_file(served / "media.mp4", size)
            (served / "media.html").write_text(page(server.base, "media.mp4"))
            make_file(served / "small.mp4", 4 * 1024 * 1024)
            (served / "small.html").write_text(page(server.base, "small.mp4"))
            url = f"{server.base}/media.mp4"
            out = tmp / "out.mp4"
            curl = best(args.rounds, lambda: timed(["curl", "-s", "-o", str(out), url]))
            out.unlink()
            ytdlp = [str(ROOT / ".venv" / "bin" / "yt-dlp"), "--no-part", "--no-cache-dir"]
            ytdlp += ["-q", "-o", str(out), f"{server.base}/media.html"]
            ytdlp_s = best(args.rounds, lambda: (out.unlink(missing_ok=True), timed(ytdlp))[1])
            out.unlink(missing_ok=True)

            setup_django(tmp / "data")
            capture = best(args.rounds, lambda: capture_once(f"{server.base}/media.html"))

            from catalog.capture.storage import file_sha256

            path = served / "media.mp4"
            sha256sum = best(args.rounds, lambda: timed(["sha256sum", str(path)]))
            ours = best(args.rounds, lambda: in_process(file_sha256, path))

            mib = size / 1024 / 1024
            print(f"file: {mib:.0f} MiB from {server.base} (python -m http.server)")
            print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print("                        wall      rate   CPU (user+sys)")
            for name, (wall, cpu) in [
                ("curl -o", curl),
                ("yt-dlp --no-part", ytdlp_s),
                ("capture (run_capture)", capture),
            ]:
                print(f"{name:22} {wall:6.2f} s {mib / wall:5.0f} MiB/s {cpu:6.2f} s")
            print(f"  capture throughput / curl:   {curl[0] / capture[0]:6.0%}  (goal >= 80%)")
            print(f"  capture throughput / yt-dlp: {ytdlp_s[0] / capture[0]:6.0%}")
            print(f"sha256sum              {sha256sum[0]:6.2f} s       CPU {sha256sum[1]:6.2f} s")
            print(f"file_sha256            {ours[0]:6.2f} s       CPU {ours[1]:6.2f} s")
            print(
                f"  hashing cost / sha256sum:    {ours[0] / sha256sum[0]:6.2f}x wall, "
                f"{ours[1] / sha256sum[1]:.2f}x CPU (goal <= 1.2x)"
            )

            big = tmp / "served" / "big.mp4"
            make_file(big, args.rss_mib * 1024 * 1024)
            (served / "big.html").write_text(page(server.base, "big.mp4"))
            report_rss(__file__, [server.base, "small", "big"], "capture", args.rss_mib)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
