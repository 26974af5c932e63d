"""Read load on gunicorn while a bulk import runs: req/s, p50/p99 per page, errors, nothing lost.

    .venv/bin/python bench/load.py [--duration 60] [--concurrency 32] [--files 10000]
    scripts/test-postgres .venv/bin/python bench/load.py ...     (the same on PostgreSQL)

A fresh database (SQLite in a temporary folder, or DATABASE_URL) is migrated and
seeded with a few hundred clips, then gunicorn starts on 127.0.0.1 with the
production settings (newsclips.settings, gunicorn.conf.py; workers and threads
from WEB_CONCURRENCY / GUNICORN_THREADS). At the same moment `manage.py ingest
FOLDER` starts importing --files new .info.json files (the shared samples with
fresh ids, written to bench/data/, which is git-ignored) and --concurrency
client threads, each with its own keep-alive connection, request home, tag,
search, clip and feed URLs for --duration seconds. Afterwards the import is
waited for and every file's clip must be in the database exactly once.

Errors counted: HTTP 5xx, failed connections, ERROR lines and "database is
locked" in the server's log, a failed import. The process exits non-zero if
there was any error or a clip is missing. The machine is shared with whatever
else runs on it: compare figures from the same run, not across machines.
"""

import argparse
import http.client
import json
import os
import random
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from gunicorn_server import free_port

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SEED_FILES = 300
KINDS = ("home", "tag", "search", "clip", "feed")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--concurrency", type=int, default=32, help="client connections (32)")
    parser.add_argument("--files", type=int, default=10_000, help="files imported (10000)")
    parser.add_argument(
        "--baseline",
        type=float,
        default=20,
        help="seconds of the same load before the import starts, for comparison (20; 0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep bench/data/load-* and logs")
    return parser.parse_args(argv)


def server_env(tmp):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="newsclips.settings",
        NEWSCLIPS_DATA_DIR=str(tmp / "var"),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on 127.0.0.1: no proxy in front to terminate TLS.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed(folder, samples):
    """A few hundred clips so every kind of page has something to show; returns the URLs."""
    from ingest import write_files

    from catalog.ingest import ingest_infojson_files
    from catalog.models import Clip, Tag

    write_files(folder, samples, SEED_FILES, "seed")
    summary = ingest_infojson_files([folder])
    if summary.failed:
        raise SystemExit(f"load: seeding failed: {summary.failed[0]}")
    tags = list(Tag.objects.order_by("slug").values_list("slug", flat=True)[:20])
    words = sorted({w for t in Clip.objects.values_list("title", flat=True) for w in t.split()})
    words = [w for w in words if w.isalpha() and len(w) > 3][:20]
    clips = list(Clip.objects.order_by("pk").values_list("pk", flat=True))
    return {
        "home": ["/"],
        "tag": [f"/tags/{slug}/" for slug in tags],
        "search": [f"/?q={word}" for word in words],
        "clip": [f"/clips/{pk}/" for pk in clips],
        "feed": ["/feeds/clips.atom"],
    }


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.failures = []

    def add(self, kind, status, seconds):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1

    def everything(self):
        return [value for values in self.latencies.values() for value in values]

    def rate(self):
        return len(self.everything()) / self.elapsed

    def median(self):
        return statistics.median(self.everything())

    def fail(self, kind, error):
        with self.lock:
            self.statuses[kind]["connection error"] += 1
            self.failures.append(f"{kind}: {error!r}")


def client(port, urls, stop_at, results, seed_value):
    rng = random.Random(seed_value)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < stop_at:
        kind = rng.choice(KINDS)
        url = rng.choice(urls[kind])
        start = time.perf_counter()
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            results.fail(kind, error)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        results.add(kind, response.status, time.perf_counter() - start)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.close()


def run_clients(port, urls, concurrency, seconds, results):
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, urls, stop_at, results, n))
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(port, urls, concurrency, seconds):
    results = Results()
    start = time.monotonic()
    run_clients(port, urls, concurrency, seconds, results)
    results.elapsed = time.monotonic() - start
    return results


def wait_until_up(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("load: gunicorn exited while starting")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("load: gunicorn did not start")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(title, results):
    elapsed = results.elapsed
    print(f"{title}:")
    print(f"{'url':<8} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}  statuses")
    total = 0
    for kind in KINDS:
        values = results.latencies[kind]
        total += len(values)
        counts = sorted(results.statuses[kind].items(), key=str)
        statuses = ", ".join(f"{status}: {count}" for status, count in counts)
        if not values:
            print(f"{kind:<8} {0:>9}  {statuses}")
            continue
        print(
            f"{kind:<8} {len(values):>9} {len(values) / elapsed:>7.1f}"
            f" {statistics.median(values) * 1000:>7.0f} {percentile(values, 0.99) * 1000:>7.0f}"
            f"  {statuses}"
        )
    everything = results.everything()
    if everything:
        print(
            f"{'all':<8} {total:>9} {total / elapsed:>7.1f}"
            f" {statistics.median(everything) * 1000:>7.0f}"
            f" {percentile(everything, 0.99) * 1000:>7.0f}"
        )


def server_errors(log_path):
    """ERROR lines and "database is locked" anywhere in gunicorn's JSON log."""
    found = []
    for line in log_path.read_text(errors="replace").splitlines():
        if "database is locked" in line:
            found.append(line[:300])
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("level") in ("ERROR", "CRITICAL"):
            found.append(line[:300])
    return found


def check_imported(run, files):
    from django.db.models import Count

    from catalog.models import Clip

    imported = Clip.objects.filter(external_id__startswith=f"b{run}-")
    ids = set(imported.values_list("external_id", flat=True))
    missing = {f"b{run}-{i}" for i in range(files)} - ids
    twice = imported.values("platform", "external_id").annotate(n=Count("pk")).filter(n__gt=1)
    return imported.count(), len(missing), twice.count()


def main(argv):
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    tmp = Path(tempfile.mkdtemp(prefix="newsclips-load-"))
    env = server_env(tmp)
    engine = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    run = f"load{int(time.time())}"
    folder = DATA / run
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        setup_django(env)
        sys.path.insert(0, str(ROOT / "bench"))
        from ingest import clip_samples, write_files

        samples = clip_samples()
        urls = seed(tmp / "seed", samples)
        write_files(folder, samples, args.files, run)
        port = free_port()
        server_log = tmp / "gunicorn.log"
        import_log = tmp / "ingest.log"
        server_command = [Path(sys.executable).parent / "gunicorn", "--bind", f"127.0.0.1:{port}"]
        with server_log.open("w") as out, import_log.open("w") as import_out:
            server = subprocess.Popen(server_command, cwd=ROOT, env=env, stdout=out, stderr=out)
            try:
                wait_until_up(port, server)
                # The values gunicorn computed from the same file and environment.
                config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
                workers, threads = config["workers"], config["threads"]
                print(
                    f"{engine}: {args.concurrency} connections for {args.duration:.0f} s, "
                    f"gunicorn workers={workers} threads={threads}, "
                    f"importing {args.files} files meanwhile ({len(samples)} samples, "
                    f"{SEED_FILES} seed clips)"
                )
                # Every worker loads its templates and URL patterns before the clock starts.
                measure(port, urls, args.concurrency, 3)
                baseline = args.baseline and measure(port, urls, args.concurrency, args.baseline)
                import_start = time.monotonic()
                importer = subprocess.Popen(
                    [sys.executable, "manage.py", "ingest", str(folder), "--no-progress"],
                    cwd=ROOT,
                    env=env,
                    stdout=import_out,
                    stderr=subprocess.STDOUT,
                )
                results = measure(port, urls, args.concurrency, args.duration)
                import_running = importer.poll() is None
                import_status = importer.wait()
                import_seconds = time.monotonic() - import_start
            finally:
                server.terminate()
                server.wait(30)
        if baseline:
            report(f"before the import ({args.baseline:.0f} s)", baseline)
        report(f"while importing ({args.duration:.0f} s)", results)
        if baseline:
            print(
                f"under import: {results.rate() / baseline.rate():.0%} of the req/s before it, "
                f"p50 x{results.median() / baseline.median():.1f}"
            )
        imported, missing, twice = check_imported(run, args.files)
        import_tail = import_log.read_text(errors="replace").strip().splitlines()[-1:]
        print(
            f"import: {args.files} files in {import_seconds:.1f} s "
            f"({args.files / import_seconds:.0f}/s, exit {import_status}): {' '.join(import_tail)}"
        )
        if not import_running:
            print("note: the import ended before the load did; use more --files")
        print(f"check: {imported} clips of the run, {missing} missing, {twice} present twice")
        server_5xx = sum(
            count
            for run_results in filter(None, (baseline, results))
            for statuses in run_results.statuses.values()
            for status, count in statuses.items()
            if not isinstance(status, int) or status >= 500
        )
        logged = server_errors(server_log)
        locked = sum("database is locked" in line for line in logged)
        locked += import_log.read_text(errors="replace").count("database is locked")
        print(
            f"errors: {server_5xx} 5xx/connection, {len(logged)} error lines in the server log, "
            f'{locked} "database is locked"'
        )
        for line in (results.failures + (baseline.failures if baseline else []) + logged)[:5]:
            print("  e.g.", line)
        failed = server_5xx or logged or locked or import_status or missing or twice
        if args.keep:
            print(f"kept: {folder}, {tmp}")
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
