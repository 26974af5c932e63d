"""Bulk .info.json import versus json.loads alone: throughput and peak memory.

    .venv/bin/python bench/ingest.py [N ...]      (default: 200 1000)
    .venv/bin/python bench/ingest.py --trigger-cost [N]   (default: 400)

The real samples in ../shared/samples/infojson that import as clips are
repeated with fresh ids into a temporary folder; a temporary SQLite database
(NEWSCLIPS_DATA_DIR in a temp dir) receives them through
catalog.ingest.ingest_infojson_files, exactly as `manage.py ingest FOLDER`
(reading processes: one per CPU). Parse-only and the import alternate for
three rounds on fresh files, and the best of each is compared. The same
import with one process (files read here, `processes=1`) is shown beside it.
Memory is measured in a further run with tracemalloc, so that its overhead
does not distort the timings: flat peak memory across N shows that files are
streamed, not collected. tracemalloc sees this process only; the readers'
largest resident size (shared pages of the forked Django process included) is
printed beside it.

--trigger-cost imports N new files at a time with and without what the
database and the pipeline do beside storing the rows (SQLite): the full-text
index triggers, the Tag.clip_count triggers, the boilerplate check after the
import. The configurations alternate, three rounds, best of each.
"""

import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples" / "infojson"
ROUNDS = 3


def setup_django(data_dir):
    os.environ["NEWSCLIPS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsclips.settings"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def clip_samples():
    """The sample dicts that import as clips (channels and playlists are refused)."""
    from catalog.ingest import IngestError
    from catalog.ingest.infojson import read_infojson

    good = []
    for path in sorted(SAMPLES.glob("*.json")):
        try:
            read_infojson(path.read_bytes(), name=path.name)
        except IngestError:
            continue
        good.append(json.loads(path.read_bytes()))
    return good


def write_files(folder, samples, n, run):
    folder.mkdir(parents=True)
    for i in range(n):
        info = dict(samples[i % len(samples)])
        info["id"] = f"b{run}-{i}"
        for key in ("webpage_url", "original_url"):
            if key in info:
                info[key] = f"https://example.org/bench/{run}/{i}"
        info["extractor"] = info["extractor_key"] = "Bench"
        (folder / f"{i:05d}.info.json").write_text(json.dumps(info))
    return folder


def parse_only(folder):
    start = time.perf_counter()
    for path in sorted(folder.glob("*.json")):
        json.loads(path.read_bytes())
    return time.perf_counter() - start


def read_only(folder):
    """read_infojson alone (guarded parse + normalise, no database): the import's ceiling."""
    from catalog.ingest.infojson import read_infojson

    start = time.perf_counter()
    for path in sorted(folder.glob("*.json")):
        read_infojson(path.read_bytes(), name=path.name)
    return time.perf_counter() - start


def import_all(folder, processes=None):
    """As `manage.py ingest FOLDER` does: counts and failures kept, not every result."""
    from catalog.ingest import ingest_infojson_files

    start = time.perf_counter()
    summary = ingest_infojson_files([folder], keep_results=False, processes=processes)
    elapsed = time.perf_counter() - start
    if summary.failed:
        raise SystemExit(f"bench: {len(summary.failed)} failed, e.g. {summary.failed[0]}")
    if summary.counts["created"] != len(list(folder.iterdir())):
        raise SystemExit(f"bench: expected every file created, got {summary}")
    return elapsed


def readers_max_rss():
    """The largest resident size of a reading process so far (shared pages included)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(sizes):
    with tempfile.TemporaryDirectory(prefix="newsclips-bench-") as tmp:
        tmp = Path(tmp)
        setup_django(tmp / "data")
        samples = clip_samples()
        from django.db import connection

        print(
            f"{len(samples)} sample clips from {SAMPLES}; {connection.vendor} database "
            f"{connection.settings_dict['NAME']}; {os.process_cpu_count()} CPUs"
        )
        print(
            f"{'N':>6} {'parse-only/s':>13} {'import/s':>9} {'ratio':>6}"
            f" {'1 process/s':>12} {'ratio':>6} {'peak MiB':>9} {'reader RSS MiB':>15}"
            f" {'read_infojson/s':>16}"
        )
        # Untimed: the first import of a process pays for Django's first queries.
        import_all(write_files(tmp / "warm-up", samples, 50, "w"))
        for n in sizes:
            # Three rounds, parse-only and the import alternating, best of each: the
            # machine's speed drifts by ±10% from one second to the next.
            parse_seconds, import_seconds = [], []
            for round_ in range(ROUNDS):
                folder = write_files(tmp / f"timed-{n}-{round_}", samples, n, f"t{n}-{round_}")
                parse_seconds.append(parse_only(folder))
                import_seconds.append(import_all(folder))
            serial_seconds = import_all(write_files(tmp / f"serial-{n}", samples, n, f"s{n}"), 1)
            read_seconds = read_only(folder)
            folder = write_files(tmp / f"traced-{n}", samples, n, f"m{n}")
            tracemalloc.start()
            import_all(folder)
            peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
            parse_rate, import_rate = n / min(parse_seconds), n / min(import_seconds)
            serial_rate = n / serial_seconds
            print(
                f"{n:>6} {parse_rate:>13.0f} {import_rate:>9.0f} {import_rate / parse_rate:>6.0%}"
                f" {serial_rate:>12.0f} {serial_rate / parse_rate:>6.0%} {peak:>9.1f}"
                f" {readers_max_rss():>15.0f} {n / read_seconds:>16.0f}"
            )


def trigger_cost(n, rounds=3):
    """Import rates with each kind of upkeep switched off (triggers dropped and re-created)."""

    def fulltext_triggers(on):
        with connection.cursor() as cursor:
            for name in fulltext.TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                if on:
                    cursor.execute(fulltext.trigger_sql(name))

    def count_triggers(on):
        with connection.cursor() as cursor:
            for sql in counts.DROP_TRIGGERS["sqlite"] + (
                counts.COUNT_TRIGGERS["sqlite"] if on else []
            ):
                cursor.execute(sql)

    def boilerplate_check(on):
        # The check after the import: never due when off.
        boilerplate._due = due if on else (lambda channel_id: None)

    configurations = {
        "everything": (True, True, True),
        "no full-text triggers": (False, True, True),
        "no clip_count triggers": (True, False, True),
        "no boilerplate check": (True, True, False),
        "none of the three": (False, False, False),
    }
    with tempfile.TemporaryDirectory(prefix="newsclips-bench-") as tmp:
        tmp = Path(tmp)
        setup_django(tmp / "data")
        from importlib import import_module

        from django.db import connection

        from catalog.search import sqlite as fulltext

        counts = import_module("catalog.migrations.0003_browse_indexes")
        from catalog.search import boilerplate

        due = boilerplate._due
        samples = clip_samples()
        import_all(write_files(tmp / "warm", samples, n, "warm"))
        seconds = {name: [] for name in configurations}
        for round_ in range(rounds):
            for number, (name, (text, count, check)) in enumerate(configurations.items()):
                fulltext_triggers(text)
                count_triggers(count)
                boilerplate_check(check)
                folder = write_files(tmp / f"r{round_}-{number}", samples, n, f"r{round_}-{number}")
                seconds[name].append(import_all(folder))
        fulltext_triggers(True)
        count_triggers(True)
        boilerplate_check(True)
    base = min(seconds["everything"])
    print(f"{n} new files per import, best of {rounds}, SQLite")
    for name, times in seconds.items():
        print(f"{name:>24} {n / min(times):>7.0f}/s  {min(times) / base:>5.0%} of the time")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--trigger-cost"]:
        trigger_cost(int(sys.argv[2]) if len(sys.argv) > 2 else 400)
    else:
        main([int(arg) for arg in sys.argv[1:]] or [200, 1000])
