"""Match queries against a big index, beside a linear scan, on SQLite and PostgreSQL.

    .venv/bin/python bench/match.py [--thumbnails 1000000] [--clips 100000] [--frames 60]
        [--queries 100] [--databases sqlite,postgres] [--port 5496] [--no-fingerprint]
        [--build-nice 10] [--keep] [--cold] [--query-frame-stride N]

The build runs at niceness --build-nice (the machine is shared), the timed queries
at 0. With --keep the built databases stay under bench/data (SQLite file, PostgreSQL
cluster on --port) and a later --keep run of the same sizes only queries them.
With --cold the queries run first with nothing of the index in memory (PostgreSQL
stopped, the OS page cache dropped: root only, refused otherwise, SQLite's connection
closed), then the same queries again with the pages they read now cached.

The catalogue is generated (bench/match_data.py: thumbnails, clips' frames and
audio with channel jingles, re-uploads and excerpts). The rows are written as the
code stores them (ThumbnailHash, MediaFingerprint); the index is built with
catalog.matching's own key functions and bulk-loaded (bench/match_load.py), then
its stop keys counted (catalog.matching.index.refresh_stop_keys).

Reported per database: build time (keys, insert, indexes, stop keys, ANALYZE) and
size of the index, its rows per source (thumbnail, frame, audio) and stop keys;
for each query kind p50/p95 milliseconds of catalog.matching.match_print (index
lookup + verifying the candidates) and how many expected clips it found, beside a
linear scan in the same run: thumbnails by a full-table Hamming scan in SQL, frames
by numpy over every frame hash already in memory (the fastest a scan can be). The
load average (os.getloadavg) is printed with every figure. Then fingerprinting
speed against decode-only (bench/fingerprint_speed.py).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable
from bench.corpus_databases import Postgres as CorpusPostgres  # noqa: E402 (after the path)
from bench.match_load import SOURCES, load_average  # noqa: E402 (after the path is set)


def progress(result, step):
    """A line on stderr as each step ends (the JSON result goes to stdout)."""
    print(f"{time.strftime("%H:%M:%S", time.gmtime())} UTC {result.get("database")} {step} "
          f"(load {load_average()})", file=sys.stderr, flush=True)  # fmt: skip


def _set_nice(level, connection):
    """This process (and its PostgreSQL backend) at `level` niceness: the build yields to
    the other work on the machine, the timed queries do not (lowering needs root)."""
    pids = [0]
    if connection is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    for pid in pids:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, level)
        except PermissionError:
            print(f"cannot set the niceness of {pid or 'this process'} to {level}",
                  file=sys.stderr)  # fmt: skip


def worker(args):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.db import connection

    from bench import match_data, match_load
    from catalog.matching import lookup
    from catalog.matching.keys import as_words

    vendor = connection.vendor
    started = time.perf_counter()
    thumbs, clips = match_data.generate(args.seed, args.thumbnails, args.clips, args.frames)
    result = {"database": vendor, "thumbnails": len(thumbs), "clips": len(clips)}
    result["frames"] = sum(len(c.quality) for c in clips)
    result["audio_values"] = sum(len(c.audio) for c in clips)
    result["generate_seconds"] = round(time.perf_counter() - started, 1)
    progress(result, "generated")
    built = (
        Path(connection.settings_dict["NAME"]).with_suffix(".built.json")
        if (vendor == "sqlite")
        else DATA / f"pg-match-{args.port}" / "built.json"
    )
    if args.keep and built.exists():  # built by an earlier run with --keep: queries only
        result.update(json.loads(built.read_text())["build"])
        result["reused"] = True
    else:
        _set_nice(args.build_nice, connection)
        result.update(
            match_load.build(
                connection, thumbs, clips, progress=lambda step: progress(result, step)
            )
        )
        _set_nice(0, None)
        if args.keep:
            built.write_text(json.dumps({"build": result}))
    result["query_nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    if args.query_frame_stride:  # a variant measured on the same index
        lookup.QUERY_FRAME_STRIDE = args.query_frame_stride
    result["query_frame_stride"] = lookup.QUERY_FRAME_STRIDE
    rng = np.random.default_rng(args.seed + 1)
    queries = [("thumbnail", q, expected) for q, expected in
               match_data.thumbnail_queries(rng, thumbs, args.queries)]  # fmt: skip
    queries += [(f"clip {kind}", q, expected) for kind, q, expected in
                match_data.clip_queries(rng, clips, args.queries, args.frames)]  # fmt: skip
    if args.cold:  # the same queries twice: right after the caches were dropped, then again
        connection.close()
        result["cold"] = drop_caches(vendor, args.port)
        result["load_before_cold_queries"] = load_average()
        result["queries_cold"] = timed_queries(lookup, queries)
        progress(result, "cold queries done")
    result["load_before_queries"] = load_average()
    result["queries"] = timed_queries(lookup, queries)
    result["load_after_queries"] = load_average()
    progress(result, "queries done")

    # The linear scans, a few queries each.
    cursor = connection.cursor()
    scans = []
    for _ in range(args.scan_queries):
        query = thumbs[int(rng.integers(0, len(thumbs)))].tobytes()
        scans.append(_timed(lambda q=query: _sql_scan(cursor, vendor, q))[0])
    result["thumbnail_scan_ms"] = round(float(np.median(scans)), 1)
    every_frame = as_words(np.concatenate([c.frames for c in clips]))
    scans = []
    for _ in range(args.scan_queries):
        query = as_words(clips[int(rng.integers(0, len(clips)))].frames)
        scans.append(_timed(lambda q=query: _numpy_scan(every_frame, q))[0])
    result["frame_scan_ms"] = round(float(np.median(scans)), 1)
    result["load_after_scans"] = load_average()
    print(json.dumps(result))


def timed_queries(lookup, queries):
    """p50/p95 ms of match_print per kind of query, and how many found what they should."""
    timings = {}
    for kind, query, expected in queries:
        if kind == "thumbnail":
            ms, found = _timed(lambda q=query: lookup.match_print(None, thumbnail_pdq=q.tobytes()))
        else:
            ms, found = _timed(lambda q=query: lookup.match_print(q))
        found = {m.clip_id for m in found}
        ok = expected in found if expected else (kind == "thumbnail" or not found)
        timings.setdefault(kind, []).append((ms, ok))
    return {
        kind: {
            "n": len(rows),
            "p50_ms": round(float(np.percentile([ms for ms, _ in rows], 50)), 1),
            "p95_ms": round(float(np.percentile([ms for ms, _ in rows], 95)), 1),
            "as_expected": sum(ok for _, ok in rows),
        }
        for kind, rows in timings.items()
    }


def drop_caches(vendor, port):
    """Stop PostgreSQL (its shared buffers go), write back and drop the OS page cache,
    start it again: the next queries read the index from disk. SQLite keeps no cache
    beyond its connection, closed by the caller. Exits when the caches cannot be dropped
    (not root, /proc read-only): 'cold' figures from a warm cache would mislead."""
    server = Postgres(port, keep=True) if vendor == "postgresql" else None
    if server is not None:
        server.stop()
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as error:
        if server is not None:
            server.start()
        sys.exit(f"--cold: cannot drop the OS page cache ({error}); it needs root and a "
                 "writable /proc/sys/vm/drop_caches. No cold figures.")  # fmt: skip
    if server is not None:
        server.start()
    return f"{'PostgreSQL restarted, ' if server else ''}OS page cache dropped"


def _timed(function):
    start = time.perf_counter()
    value = function()
    return (time.perf_counter() - start) * 1000, value


def _sql_scan(cursor, vendor, query):
    if vendor == "sqlite":
        cursor.cursor.connection.create_function("hamming", 2, _hamming, deterministic=True)
        cursor.execute(
            "SELECT clip_id FROM catalog_thumbnailhash WHERE hamming(pdq, %s) <= 31", [query]
        )
    else:
        cursor.execute(
            "SELECT clip_id FROM catalog_thumbnailhash WHERE bit_count("
            "('x' || encode(pdq, 'hex'))::bit(256) # ('x' || %s)::bit(256)) <= 31",
            [query.hex()],
        )
    return cursor.fetchall()


def _hamming(a, b):
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


def _numpy_scan(every_frame, query, chunk=500_000):
    """Every query frame against every stored frame: the frames within 32 bits."""
    hits = 0
    for start in range(0, len(every_frame), chunk):
        part = every_frame[start : start + chunk]
        for frame in query:
            hits += int((np.bitwise_count(part ^ frame).sum(axis=1) <= 32).sum())
    return hits


# --- the orchestrator --------------------------------------------------------------------


def run_worker(args, url):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    forwarded = [f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items()
                 if k not in ("databases", "no_fingerprint", "worker", "keep", "cold")]  # fmt: skip
    forwarded += ["--keep"] if args.keep else []
    forwarded += ["--cold"] if args.cold else []
    out = subprocess.run([PYTHON, __file__, "--worker", *forwarded], cwd=ROOT, env=env,
                         check=True, stdout=subprocess.PIPE, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


class Postgres:
    """A throw-away PostgreSQL cluster under bench/data, on 127.0.0.1:port."""

    def __init__(self, port, keep=False):
        self.corpus = CorpusPostgres(0, "match", port)
        self.dir = DATA / f"pg-match-{port}"
        self.url = f"postgres://newsclips@127.0.0.1:{port}/newsclips"
        self.port, self.keep = port, keep

    def __enter__(self):
        if self.keep and (self.dir / "built.json").exists():
            self.start()
            return self
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        if self.corpus.as_postgres:
            shutil.chown(self.dir, "postgres")
        pg = self.corpus.pg
        pg("initdb", "-D", str(self.dir / "data"), "-U", "newsclips", "-A", "trust", "-E", "UTF8",
           "--locale=C.UTF-8", stdout=subprocess.DEVNULL)  # fmt: skip
        self.start()
        subprocess.run([str(self.corpus.bin / "createdb"), "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "newsclips", "newsclips"], check=True)  # fmt: skip
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=512MB -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_wal_size=4GB"
        )
        self.corpus.pg("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"),
                       "-w", "-o", options, "start", stdout=subprocess.DEVNULL)  # fmt: skip

    def stop(self):
        self.corpus.pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "stop",
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def __exit__(self, *exc):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def report(results):
    """Markdown: the build, then the queries against the scans."""
    lines = [
        "| database | thumbnails | clips | frames | audio values | index rows (thumbnail / "
        "frame / audio) | stop keys (cap) | keys s | insert s | indexes s | analyze s "
        "| stop keys s | build s | index MiB | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        rows = " / ".join(f"{r['rows_by_source'].get(s, 0):,}" for s in SOURCES.values())
        lines.append(
            f"| {r['database']} | {r['thumbnails']:,} | {r['clips']:,} | {r['frames']:,} "
            f"| {r['audio_values']:,} | {r['index_rows']:,} ({rows}) "
            f"| {r['stop_keys']:,} ({r['key_cap']}) | {r['keys_seconds']} "
            f"| {r['insert_seconds']} | {r['index_seconds']} | {r['analyze_seconds']} "
            f"| {r['stop_keys_seconds']} | {r['build_seconds']} | {r['index_bytes'] / 2**20:,.0f} "
            f"| {r['load_before_build']} -> {r['load_after_build']} |"
        )
    lines += [
        "",
        "| database | thumbnails | clips | frames | index rows | build s | index MiB "
        "| query | n | p50 ms | p95 ms | as expected | linear scan ms | scan / p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows = [(kind, q) for kind, q in r["queries"].items()]
        rows += [(f"{kind} COLD", q) for kind, q in r.get("queries_cold", {}).items()]
        for kind, q in rows:
            scan = r["thumbnail_scan_ms"] if kind.startswith("thumbnail") else r["frame_scan_ms"]
            lines.append(
                f"| {r['database']} | {r['thumbnails']:,} | {r['clips']:,} | {r['frames']:,} "
                f"| {r['index_rows']:,} | {r['build_seconds']} | {r['index_bytes'] / 2**20:.0f} "
                f"| {kind} | {q['n']} | {q['p50_ms']} | {q['p95_ms']} | {q['as_expected']} "
                f"| {scan} | {scan / max(q['p95_ms'], 0.001):.0f}x |"
            )
    lines += [f"load during the {r['database']} queries: {r['load_before_queries']} -> "
              f"{r['load_after_queries']}" + (" (a kept database)" if r.get("reused") else "")
              + f"; queries look up every {r['query_frame_stride']}. distinct frame"
              + (f"; COLD: {r['cold']}, load before them {r['load_before_cold_queries']}"
                 if "cold" in r else "")
              for r in results]  # fmt: skip
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--thumbnails", type=int, default=1_000_000)
    parser.add_argument("--clips", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--scan-queries", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--port", type=int, default=5496)
    parser.add_argument("--no-fingerprint", action="store_true")
    parser.add_argument("--build-nice", type=int, default=10,
                        help="niceness of the build (the queries run at 0)")  # fmt: skip
    parser.add_argument("--keep", action="store_true",
                        help="keep the built databases under bench/data; a later run with "
                        "--keep and the same sizes only queries them")  # fmt: skip
    parser.add_argument("--cold", action="store_true",
                        help="before the timed queries stop PostgreSQL / close SQLite, drop "
                        "the OS page cache (needs root) and start again; the queries run "
                        "cold, then the same ones again warm, both reported")  # fmt: skip
    parser.add_argument("--query-frame-stride", type=int, default=0,
                        help="queries look up every N-th distinct frame of their own "
                        "(default: catalog.matching.lookup.QUERY_FRAME_STRIDE)")  # fmt: skip
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    print(f"load average before: {load_average()}", flush=True)
    results = []
    for database in args.databases.split(","):
        if database == "sqlite" and args.keep:
            DATA.mkdir(parents=True, exist_ok=True)
            path = (
                DATA / f"match-{args.thumbnails}-{args.clips}-{args.frames}-seed{args.seed}.sqlite3"
            )
            if not path.with_suffix(".built.json").exists():  # none, or a build cut short
                for stale in DATA.glob(f"{path.name}*"):
                    stale.unlink()
            results.append(run_worker(args, f"sqlite:///{path}"))
        elif database == "sqlite":
            with tempfile.TemporaryDirectory(dir=DATA if DATA.is_dir() else None) as folder:
                results.append(run_worker(args, f"sqlite:///{folder}/match.sqlite3"))
        elif database == "postgres":
            with Postgres(args.port, keep=args.keep) as server:
                results.append(run_worker(args, server.url))
        print(json.dumps(results[-1]), flush=True)
    print(report(results))
    if not args.no_fingerprint:
        from bench import fingerprint_speed

        with tempfile.TemporaryDirectory() as folder:
            rows = fingerprint_speed.measure(fingerprint_speed.make_media(folder, 60), rounds=1)
        print(fingerprint_speed.report(rows))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
