"""Browse and search pages at scale: server time per page type on SQLite and PostgreSQL.

    .venv/bin/python bench/browse.py [--clips 1000000] [--seed 1] [--repeat 30]
                                      [--db sqlite,postgres] [--pg-port 54333] [--only home,tag]
                                      [--uncached | --after-write catalogue|index]
                                      [--plan index|per-clip]

The corpus (manage.py generate_corpus) is built once per size and seed under
bench/data/ (git-ignored) and reused: a SQLite file, and a PostgreSQL cluster in
its own folder, started for the run on --pg-port (127.0.0.1 only) and stopped
afterwards, the way scripts/test-postgres runs one.

Per page type it prints the median and p95 server time over --repeat requests
through Django's test client in-process, each page built by its view (not the copy
the site keeps per catalogue version: NEWSCLIPS_PAGE_CACHE off for these; `kept
page`: the same URL answered from that copy, as readers after the first get it),
after one warm-up request, the number of queries, `n` requests measured (fewer than
--repeat when a page is slow), `sql`: the page's own queries re-run bare on the same
connection (the database's share; the queries of a request like the measured ones:
after the first request has filled the per-version caches, or from an empty cache
with --uncached, which empties it before every request so that each computes its
facets and fragments, or with --after-write after a new catalogue version before
every request: `catalogue` one the search index does not follow, as an availability
check or a capture makes, `index` one it follows too, as tagging a clip makes),
`floor`: the page's main rows query alone re-run bare, and `x
sql`: median / sql, how much the page costs beyond its queries (templates, Python);
`beyond sql ms`: median - sql. `cpu ms`: the median CPU time of this process per
request, which other programs on a busy machine inflate far less than the wall times
(on SQLite it includes the database's work, on PostgreSQL not the server's). `python
goal`: a list or search page within LIST_X_SQL times its SQL, any other page within
PAGE_BEYOND_SQL_MS of it. `first ms`: the page's first request in the process, with the
caches empty (a search's term estimates and, for several words, each word's off-text
clips, read once per catalogue version: catalog/search/conjunction.py) unless an
earlier page used the same words.

The searches include what readers type: two and three words, each common, each
rare or mixed, with a tag or a channel filter, and a German compound, in both
orders; the words are picked by their rank in the corpus's word frequencies
(COMMON_RANKS, MIDDLE_RANK, RARE_RANKS in bench/pages.py; printed at the start), not by hand.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

import corpus_databases  # the corpus's SQLite file and PostgreSQL cluster
import pages  # bench/pages.py: the page list and the searches' words

ROOT = corpus_databases.ROOT
PYTHON = sys.executable
BUDGET_SECONDS = 15  # per page: a slow page gets fewer requests (at least 3), see "n"
TIMEOUT_SECONDS = 30  # a page's first request is cut off after this ("timeout")
SLOW_SECONDS = 2  # a page slower than this on its first request is reported from that one


# --- the measuring side, run in a child process per database ----------------------


def _bare(sql_list):
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in sql_list:
            cursor.execute(sql)
            cursor.fetchall()
    return time.perf_counter() - started


def _without_timeouts(ctx):
    """The captured queries, copied now (the next request's request_started signal
    empties the log), without the bench's own statement_timeout settings."""
    return [q for q in ctx.captured_queries if not q["sql"].startswith(("SET ", "RESET "))]


def _main_query(queries):
    """The page's rows query: the first that selects clips with a LIMIT."""
    for query in queries:
        sql = query["sql"]
        if sql.startswith('SELECT "catalog_clip"."id"') and " LIMIT " in sql:
            return [sql]
    return [queries[0]["sql"]] if queries else []


@contextmanager
def statement_timeout(seconds):
    """Cut off any query of the block after `seconds`, on either database."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        return
    deadline = time.monotonic() + seconds
    raw = connection.connection
    raw.set_progress_handler(lambda: time.monotonic() > deadline, 100_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def measure(repeat, only, uncached, plan, after_write=None):
    import django

    django.setup()
    if plan == "per-clip":  # the baseline: several words checked per clip, as before
        import catalog.search.conjunction

        catalog.search.conjunction.OFF_TEXT_LIMIT = -1
    from django.core.cache import cache
    from django.db import OperationalError, connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    built_pages = override_settings(NEWSCLIPS_PAGE_CACHE=False)

    def built(url):
        """The page built by its view, not the copy kept for this version; with
        --uncached from an empty cache (facets and every other fragment computed),
        with --after-write after a new catalogue version (pages, facets and cards
        computed again) and, for `index`, a new version of the search index (on
        SQLite its row 2: each word's clips off its text read again)."""
        if uncached:
            cache.clear()
        if after_write:
            rows = "1" if after_write == "catalogue" else "1, 2"
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE catalog_catalogueversion SET version = version + 1 "  # noqa: S608
                    f"WHERE id IN ({rows})"
                )
        with built_pages:
            return client.get(url)

    results = []
    for name, url, kind in pages.pages():
        if only and not any(word in name for word in only.split(",")):
            continue
        with CaptureQueriesContext(connection) as ctx, statement_timeout(TIMEOUT_SECONDS):
            started = time.perf_counter()
            try:
                client.get(url)
            except OperationalError:  # cut off by statement_timeout
                results.append({"page": name, "kind": kind, "timeout": True})
                continue
            first = time.perf_counter() - started
        captured = _without_timeouts(ctx)
        # A page that takes seconds is measured once more, not --repeat times.
        if first >= SLOW_SECONDS:
            results.append({"page": name, "kind": kind, "median": first * 1000,
                            "p95": first * 1000, "n": 1, "queries": len(captured),
                            "sql": 0, "floor": 0})  # fmt: skip
            continue
        # The SQL of a request like the measured ones: the first request filled the
        # per-version caches (facets, the filter's languages), which later ones read.
        with CaptureQueriesContext(connection) as ctx:
            built(url)
        captured = _without_timeouts(ctx)
        times, cpu, kept = [], [], []
        budget = time.perf_counter() + BUDGET_SECONDS
        while len(times) < repeat and (len(times) < 3 or time.perf_counter() < budget):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = built(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            started = time.perf_counter()
            client.get(url)
            kept.append(time.perf_counter() - started)
        sql = [q["sql"] for q in captured]
        bare = statistics.median(_bare(sql) for _ in range(5))
        floor = statistics.median(_bare(_main_query(captured)) for _ in range(5))
        results.append(
            {
                "page": name,
                "kind": kind,
                "median": statistics.median(times) * 1000,
                "p95": _p95(times) * 1000,
                "n": len(times),
                "queries": len(sql),
                "sql": bare * 1000,
                "floor": floor * 1000,
                "cpu": statistics.median(cpu) * 1000,
                "first": first * 1000,
                "kept median": statistics.median(kept) * 1000,
                "kept p95": _p95(kept) * 1000,
            }
        )
    print(json.dumps(results))


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


# Less Python per page: a list page costs at most this many times its SQL, the
# clip page at most this much beyond it.
LIST_X_SQL = 2.5
PAGE_BEYOND_SQL_MS = 10


def python_goal(kind, ratio, beyond):
    if kind in ("list", "search"):
        return "ok" if ratio <= LIST_X_SQL else f"MISSED (x sql <= {LIST_X_SQL})"
    return "ok" if beyond <= PAGE_BEYOND_SQL_MS else f"MISSED (<= {PAGE_BEYOND_SQL_MS} ms)"


def table(label, results):
    print(f"\n{label}")
    print(
        "| page | n | median ms | p95 ms | cpu ms | first ms | queries | sql ms | floor ms "
        "| x sql | beyond sql ms | target | python goal | kept page median / p95 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for r in results:
        target = 100 if r["kind"] == "search" else 50
        if r.get("timeout"):
            print(
                f"| {r['page']} | 1 | > {TIMEOUT_SECONDS} s | | | | | | | | | "
                f"MISSED (<= {target}) | | |"
            )
            continue
        verdict = "ok" if r["p95"] <= target else f"MISSED (<= {target})"
        if r["sql"]:
            ratio, beyond = r["median"] / r["sql"], r["median"] - r["sql"]
            sql = f"{r['sql']:.1f} | {r['floor']:.1f} | {ratio:.1f} | {beyond:.1f}"
            verdict += " | " + python_goal(r["kind"], ratio, beyond)
        else:
            sql = "- | - | - | -"  # too slow to run again
            verdict += " | -"
        cpu = f"{r['cpu']:.1f}" if "cpu" in r else "-"
        first = f"{r['first']:.1f}" if "first" in r else "-"
        kept = f"{r['kept median']:.1f} / {r['kept p95']:.1f}" if "kept median" in r else "-"
        print(
            f"| {r['page']} | {r['n']} | {r['median']:.1f} | {r['p95']:.1f} | {cpu} | {first} | "
            f"{r['queries']} | {sql} | {verdict} | {kept} |"
        )


FRESHNESS = {
    None: "fragments cached per version",
    "catalogue": "a new catalogue version before each (not the search index's)",
    "index": "a new catalogue and search index version before each",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg-port", type=int, default=54333)
    parser.add_argument("--only", default="", help="Page names containing one of these words.")
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="Empty the cache before every request: each computes its facets and fragments.",
    )
    parser.add_argument(
        "--plan",
        choices=["index", "per-clip"],
        default="index",
        help="Several search words: intersected by the index (the app's), or checked per "
        "clip of the list (the plan before, for a baseline in the same run).",
    )
    parser.add_argument(
        "--after-write",
        choices=["catalogue", "index"],
        help="A new catalogue version before every request; `index`: the search index's too.",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        return measure(args.repeat, args.only, args.uncached, args.plan, args.after_write)
    corpus_databases.DATA.mkdir(parents=True, exist_ok=True)

    def child(url):
        # A kept connection, as a server would run (DATABASE_CONN_MAX_AGE): with a new
        # connection per request, SQLite starts every request with a cold page cache.
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DATABASE_CONN_MAX_AGE": "600",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
        out = subprocess.run(
            [PYTHON, __file__, "--measure", "--repeat", str(args.repeat), "--only", args.only,
             *(["--uncached"] if args.uncached else []),
             *(["--after-write", args.after_write] if args.after_write else []),
             "--plan", args.plan],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        if out.returncode:
            raise SystemExit(f"the measuring process failed (exit {out.returncode})")
        return json.loads(out.stdout.strip().splitlines()[-1])

    dbs = args.db.split(",")
    print(
        f"{args.clips} clips, seed {args.seed}, {args.repeat} requests per page, plan {args.plan}, "
        f"{'an empty cache before each' if args.uncached else FRESHNESS[args.after_write]}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if "sqlite" in dbs:
        table("SQLite", child(corpus_databases.sqlite_url(args.clips, args.seed)))
    if "postgres" in dbs:
        with corpus_databases.Postgres(args.clips, args.seed, args.pg_port) as pg:
            table("PostgreSQL", child(pg.url))


if __name__ == "__main__":
    main()
