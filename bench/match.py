"""Match queries against a big index, beside a linear scan, on SQLite and PostgreSQL.

    .venv/bin/python bench/match.py [--thumbnails 1000000] [--clips 100000] [--frames 60]
        [--queries 100] [--databases sqlite,postgres] [--port 5496] [--no-fingerprint]

Generated like real catalogues (numpy, --seed): random 256-bit thumbnail hashes,
a fifth of them in families of 2-5 near-duplicates (2-12 bits apart, a re-upload's
thumbnail); clips of about --frames seconds made of shots 2-8 s long (a frame
drifts 0-3 bits a second within a shot), a black intro on one clip in ten, and
one clip in ten a copy of another (a re-upload: every frame 4-20 bits off, or a
20-40 s excerpt). The rows are written as the code stores them (ThumbnailHash,
MediaFingerprint; foreign keys to clips not checked: the clips' other columns
play no part); the index is built with catalog.matching's own key functions.

Reported per database: build time and size of the index, and for each query kind
p50/p95 milliseconds of catalog.matching.match_print (index lookup + verifying
the candidates) and how many expected clips it found, beside a linear scan in
the same run: thumbnails by a full-table Hamming scan in SQL, frames by numpy
over every frame hash already in memory (the fastest a scan can be). Then
fingerprinting speed against decode-only (bench/fingerprint_speed.py).
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


def generate(args):
    """(thumbnails (N, 32), clips: a list of (frames (n, 32), qualities (n,)))."""
    rng = np.random.default_rng(args.seed)
    thumbs = rng.integers(0, 256, size=(args.thumbnails, 32), dtype=np.uint8)
    family = rng.choice(args.thumbnails, size=args.thumbnails // 5, replace=False)
    for member in family:  # a near-duplicate of an earlier thumbnail
        thumbs[member] = _flip(rng, thumbs[rng.integers(0, max(member, 1))], rng.integers(2, 13))
    clips = []
    for index in range(args.clips):
        if index > 10 and rng.random() < 0.1:
            source = int(rng.integers(0, index))
            frames, quality = clips[source]
            if rng.random() < 0.5:
                frames = np.array([_flip(rng, f, rng.integers(4, 21)) for f in frames])
            else:
                length = int(rng.integers(20, 41))
                start = int(rng.integers(0, max(1, len(frames) - length)))
                frames = frames[start : start + length].copy()
                quality = quality[start : start + length]
            clips.append((frames, quality.copy()))
            continue
        clips.append(_clip(rng, max(10, int(rng.normal(args.frames, args.frames / 4)))))
    return thumbs, clips


def _flip(rng, hash_bytes, bits):
    bits_array = np.unpackbits(hash_bytes)
    where = rng.choice(256, size=int(bits), replace=False)
    bits_array[where] ^= 1
    return np.packbits(bits_array)


def _clip(rng, seconds):
    frames, quality = [], []
    black = rng.random() < 0.1
    if black:
        frames += [np.zeros(32, dtype=np.uint8)] * 3
        quality += [0] * 3
    while len(frames) < seconds:
        frame = rng.integers(0, 256, size=32, dtype=np.uint8)
        for _ in range(int(rng.integers(2, 9))):
            frames.append(frame)
            quality.append(int(rng.integers(60, 101)))
            frame = _flip(rng, frame, rng.integers(0, 4))
    return np.array(frames[:seconds]), np.array(quality[:seconds], dtype=np.uint8)


class QueryPrint:
    """What match_print needs of a print (a MediaPrint without audio)."""

    def __init__(self, frames, quality):
        self.frame_hashes = frames.tobytes()
        self.frame_quality = bytes(quality)
        self.frame_step = 1.0
        self.duration = float(len(quality))
        self.audio = b""
        self.audio_step = None


# --- the worker: one database, Django set up for it -------------------------------------


def worker(args):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.db import connection, transaction

    from catalog.matching import lookup
    from catalog.matching.index import keys_of
    from catalog.matching.keys import THUMBNAIL, as_words, hash_keys

    vendor = connection.vendor
    thumbs, clips = generate(args)
    result = {"database": vendor, "thumbnails": len(thumbs), "clips": len(clips)}
    result["frames"] = sum(len(q) for _f, q in clips)
    cursor = connection.cursor()
    if vendor == "sqlite":
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("PRAGMA cache_size = -512000")  # 512 MB for the build
    else:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers

    started = time.perf_counter()
    with transaction.atomic():
        _insert(cursor, vendor, "catalog_thumbnailhash",
                ["clip_id", "thumbnail_url", "status", "reason", "pdq", "quality",
                 "tool_versions", "computed_at"],
                ([i + 1, "https://i.example.com/t.jpg", "ok", "", t.tobytes(), 90, "{}",
                  "2026-01-01T00:00:00Z"] for i, t in enumerate(thumbs)))  # fmt: skip
        _insert(cursor, vendor, "catalog_mediafingerprint",
                ["clip_id", "stored_file_id", "status", "reason", "duration", "frame_step",
                 "frame_hashes", "frame_quality", "audio_step", "audio", "tool_versions",
                 "computed_at"],
                ([i + 1, i + 1, "ok", "", float(len(q)), 1.0, f.tobytes(), bytes(q), None, b"",
                  "{}", "2026-01-01T00:00:00Z"] for i, (f, q) in enumerate(clips)))  # fmt: skip
    result["fingerprint_rows_seconds"] = round(time.perf_counter() - started, 1)

    size_before = _size(cursor, vendor)
    started = time.perf_counter()
    keys, owners = [], []
    for i, thumb in enumerate(thumbs):
        keys.append(np.fromiter(hash_keys(thumb.tobytes(), THUMBNAIL), dtype=np.int64))
        owners.append(np.full(len(keys[-1]), i + 1, dtype=np.int64))
    for i, (frames, quality) in enumerate(clips):
        keys.append(np.fromiter(keys_of(QueryPrint(frames, quality)), dtype=np.int64))
        owners.append(np.full(len(keys[-1]), i + 1, dtype=np.int64))
    keys, owners = np.concatenate(keys), np.concatenate(owners)
    result["keys_seconds"] = round(time.perf_counter() - started, 1)
    order = np.lexsort((owners, keys))  # in key order: the B-tree fills page by page
    keys, owners = keys[order], owners[order]
    rows = (
        pair
        for start in range(0, len(keys), 100_000)
        for pair in zip(keys[start : start + 100_000].tolist(),
                        owners[start : start + 100_000].tolist(), strict=True)
    )  # fmt: skip
    with transaction.atomic():
        _insert(cursor, vendor, "catalog_matchkey", ["key", "clip_id"], rows)
    cursor.execute("ANALYZE")
    result["index_rows"] = len(keys)
    result["build_seconds"] = round(time.perf_counter() - started, 1)
    result["index_bytes"] = _size(cursor, vendor, index_only=True) or (
        _size(cursor, vendor) - size_before
    )
    del keys, owners, order

    rng = np.random.default_rng(args.seed + 1)
    timings = {}
    # Thumbnails: a family member's near copy, or a picture nobody has.
    for n in range(args.queries):
        member = int(rng.integers(0, len(thumbs)))
        known = n % 2 == 0
        query = _flip(rng, thumbs[member], rng.integers(2, 13)) if known else _random(rng)
        ms, found = _timed(lambda q=query: lookup.match_print(None, thumbnail_pdq=q.tobytes()))
        ok = (member + 1) in {m.clip_id for m in found} if known else True
        timings.setdefault("thumbnail", []).append((ms, ok))
    # Clips: a re-upload (every frame noisy), an excerpt, or unrelated.
    for n in range(args.queries):
        source = int(rng.integers(0, len(clips)))
        frames, quality = clips[source]
        kind = ("re-upload", "excerpt", "unrelated")[n % 3]
        if kind == "re-upload":
            frames = np.array([_flip(rng, f, rng.integers(4, 21)) for f in frames])
        elif kind == "excerpt":
            start = int(rng.integers(0, max(1, len(frames) - 15)))
            frames, quality = frames[start : start + 15], quality[start : start + 15]
        else:
            frames, quality = _clip(rng, args.frames)
        query = QueryPrint(frames, quality)
        ms, found = _timed(lambda q=query: lookup.match_print(q))
        ok = (source + 1) in {m.clip_id for m in found} if kind != "unrelated" else not found
        timings.setdefault(f"clip {kind}", []).append((ms, ok))
    result["queries"] = {
        kind: {
            "n": len(rows),
            "p50_ms": round(float(np.percentile([ms for ms, _ in rows], 50)), 1),
            "p95_ms": round(float(np.percentile([ms for ms, _ in rows], 95)), 1),
            "as_expected": sum(ok for _, ok in rows),
        }
        for kind, rows in timings.items()
    }

    # The linear scans, a few queries each.
    scans = []
    for _ in range(args.scan_queries):
        query = thumbs[int(rng.integers(0, len(thumbs)))].tobytes()
        scans.append(_timed(lambda q=query: _sql_scan(cursor, vendor, q))[0])
    result["thumbnail_scan_ms"] = round(float(np.median(scans)), 1)
    every_frame = as_words(np.concatenate([f for f, _q in clips]))
    scans = []
    for _ in range(args.scan_queries):
        frames, _quality = clips[int(rng.integers(0, len(clips)))]
        query = as_words(frames)
        scans.append(_timed(lambda q=query: _numpy_scan(every_frame, q))[0])
    result["frame_scan_ms"] = round(float(np.median(scans)), 1)
    print(json.dumps(result))


def _random(rng):
    return rng.integers(0, 256, size=32, dtype=np.uint8)


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


def _insert(cursor, vendor, table, columns, rows, batch=50_000):
    names = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("%s" for _ in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (this script's names)
    buffer = []
    for row in rows:
        buffer.append(row)
        if len(buffer) >= batch:
            cursor.executemany(sql, buffer)
            buffer = []
    if buffer:
        cursor.executemany(sql, buffer)


def _size(cursor, vendor, index_only=False):
    if vendor == "postgresql":
        if index_only:
            cursor.execute("SELECT pg_total_relation_size('catalog_matchkey')")
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]
    if index_only:
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = 'catalog_matchkey')"
            )
            return cursor.fetchone()[0]
        except Exception:  # dbstat is not compiled into every SQLite
            return None
    cursor.execute("PRAGMA page_count")
    pages = cursor.fetchone()[0]
    cursor.execute("PRAGMA page_size")
    return pages * cursor.fetchone()[0]


# --- the orchestrator --------------------------------------------------------------------


def run_worker(args, url):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    forwarded = [f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items()
                 if k not in ("databases", "port", "no_fingerprint", "worker")]  # fmt: skip
    out = subprocess.run([PYTHON, __file__, "--worker", *forwarded], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


class Postgres:
    """A throw-away PostgreSQL cluster under bench/data, on 127.0.0.1:port."""

    def __init__(self, port):
        from bench.corpus import Postgres as CorpusPostgres

        self.corpus = CorpusPostgres(0, "match", port)
        self.dir = DATA / f"pg-match-{port}"
        self.url = f"postgres://newsclips@127.0.0.1:{port}/newsclips"
        self.port = port

    def __enter__(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        if self.corpus.as_postgres:
            shutil.chown(self.dir, "postgres")
        pg = self.corpus.pg
        pg("initdb", "-D", str(self.dir / "data"), "-U", "newsclips", "-A", "trust", "-E", "UTF8",
           "--locale=C.UTF-8", stdout=subprocess.DEVNULL)  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=512MB -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_wal_size=4GB"
        )
        pg("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w",
           "-o", options, "start", stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([str(self.corpus.bin / "createdb"), "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "newsclips", "newsclips"], check=True)  # fmt: skip
        return self

    def __exit__(self, *exc):
        self.corpus.pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "stop",
                       stdout=subprocess.DEVNULL)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


def report(results):
    lines = [
        "| database | thumbnails | clips | frames | index rows | build s | index MiB "
        "| query | n | p50 ms | p95 ms | as expected | linear scan ms | scan / p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for kind, q in r["queries"].items():
            scan = r["thumbnail_scan_ms"] if kind == "thumbnail" else r["frame_scan_ms"]
            lines.append(
                f"| {r['database']} | {r['thumbnails']:,} | {r['clips']:,} | {r['frames']:,} "
                f"| {r['index_rows']:,} | {r['build_seconds']} | {r['index_bytes'] / 2**20:.0f} "
                f"| {kind} | {q['n']} | {q['p50_ms']} | {q['p95_ms']} | {q['as_expected']} "
                f"| {scan} | {scan / max(q['p95_ms'], 0.001):.0f}x |"
            )
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
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    print(f"load average before: {os.getloadavg()}", flush=True)
    results = []
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory(dir=DATA if DATA.is_dir() else None) as folder:
                results.append(run_worker(args, f"sqlite:///{folder}/match.sqlite3"))
        elif database == "postgres":
            with Postgres(args.port) as server:
                results.append(run_worker(args, server.url))
        print(json.dumps(results[-1]), flush=True)
    print(report(results))
    if not args.no_fingerprint:
        from bench import fingerprint_speed

        with tempfile.TemporaryDirectory() as folder:
            rows = fingerprint_speed.measure(fingerprint_speed.make_media(folder, 60), rounds=1)
        print(fingerprint_speed.report(rows))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
