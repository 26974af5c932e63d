"""Browse and search pages at scale: server time per page type on SQLite and PostgreSQL.

    .venv/bin/python bench/browse.py [--clips 1000000] [--seed 1] [--repeat 30]
                                      [--db sqlite,postgres] [--pg-port 54333] [--only home,tag]

The corpus (manage.py generate_corpus) is built once per size and seed under
bench/data/ (git-ignored) and reused: a SQLite file, and a PostgreSQL cluster in
its own folder, started for the run on --pg-port (127.0.0.1 only) and stopped
afterwards, the way scripts/test-postgres runs one.

Per page type it prints the median and p95 server time over --repeat requests
through Django's test client in-process (after two warm-up requests), the number
of queries, `n` requests measured (fewer than --repeat when a page is slow),
`sql`: the page's own queries re-run bare on the same connection
(the database's share), `floor`: the page's main rows query alone re-run bare,
and `x sql`: median / sql, how much the page costs beyond its queries
(templates, Python); `beyond sql ms`: median - sql. `cpu ms`: the median CPU
time of this process per request, which other programs on a busy machine
inflate far less than the wall times (on SQLite it includes the database's
work, on PostgreSQL not the server's). `python goal`: a list or search page
within LIST_X_SQL times its SQL, any other page within PAGE_BEYOND_SQL_MS of it.

The searches include what readers type: two and three words, each common, each
rare or mixed, with a tag or a channel filter, and a German compound, in both
orders; the words are picked by their rank in the corpus's word frequencies
(COMMON_RANKS, MIDDLE_RANK, RARE_RANKS; printed at the start), not by hand.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable
BUDGET_SECONDS = 15  # per page: a slow page gets fewer requests (at least 3), see "n"
TIMEOUT_SECONDS = 30  # a page's first request is cut off after this ("timeout")
SLOW_SECONDS = 2  # a page slower than this on its first request is reported from that one


def run(cmd, env=None, **kwargs):
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **(env or {})}, **kwargs)


def migrate(url):
    """The corpus in the current schema (a reused one may predate a migration)."""
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env)


def load(url, clips, seed):
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    migrate(url)
    started = time.monotonic()
    run([PYTHON, "manage.py", "generate_corpus", "--clips", str(clips), "--seed", str(seed)], env)
    return time.monotonic() - started


def sqlite_url(clips, seed):
    path = DATA / f"corpus-{clips}-seed{seed}.sqlite3"
    marker = path.with_suffix(".loaded")
    if not marker.exists():
        for stale in DATA.glob(f"{path.name}*"):
            stale.unlink()
        seconds = load(f"sqlite:///{path}", clips, seed)
        marker.write_text(f"{seconds:.0f} s\n")
    else:
        migrate(f"sqlite:///{path}")
    return f"sqlite:///{path}"


class Postgres:
    """A PostgreSQL cluster under bench/data, kept between runs, running only during one."""

    def __init__(self, clips, seed, port):
        self.dir = DATA / f"pg-{clips}-seed{seed}"
        self.port = port
        self.clips, self.seed = clips, seed
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = bins[-1]
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.url = f"postgres://newsclips@127.0.0.1:{port}/newsclips"

    def pg(self, tool, *args, **kwargs):
        run([*self.as_postgres, str(self.bin / tool), *args], **kwargs)

    def __enter__(self):
        marker = self.dir / "loaded"
        if not marker.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir.mkdir(parents=True)
            if self.as_postgres:
                shutil.chown(self.dir, "postgres")
            self.pg("initdb", "-D", str(self.dir / "data"), "-U", "newsclips", "-A", "trust",
                    "-E", "UTF8", "--locale=C.UTF-8", stdout=subprocess.DEVNULL)  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=512MB -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_wal_size=4GB"
        )
        self.pg("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"),
                "-w", "-o", options, "start", stdout=subprocess.DEVNULL)  # fmt: skip
        if not marker.exists():
            run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "newsclips", "newsclips"])  # fmt: skip
            seconds = load(self.url, self.clips, self.seed)
            run([str(self.bin / "psql"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "newsclips", "-c", "VACUUM ANALYZE", "newsclips"])  # fmt: skip
            marker.write_text(f"{seconds:.0f} s\n")
        else:
            migrate(self.url)
        return self

    def __exit__(self, *exc):
        self.pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "stop",
                stdout=subprocess.DEVNULL)  # fmt: skip


# --- the measuring side, run in a child process per database ----------------------


# Ranks of the words the typed searches use, in the corpus's word frequencies
# (each word counted once per clip): common, in between, rare.
COMMON_RANKS = (50, 60, 70)
MIDDLE_RANK = 500
RARE_RANKS = (5000, 5010, 5020)
WORD_SAMPLE = 20_000  # clips read, spread evenly over the ids, to count words
COMPOUND_LETTERS = 13  # a German word this long is a compound (Landesregierung)


def corpus_words():
    """The corpus's words, most common first, as (word, estimated clips, in German clips).

    Titles and descriptions without the channel's boilerplate (what the search
    finds), from a sample of WORD_SAMPLE clips spread over the id range: the
    synthetic titles have only some 200 words, and the descriptions name the
    topics by their tags' names, which gives the long tail of rarer words.
    """
    from collections import Counter

    from catalog.search.text import words

    from catalog.browse.facets import IdList
    from catalog.models import Clip

    low = Clip.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Clip.objects.order_by("-pk").values_list("pk", flat=True).first()
    step = max(1, (high - low + 1) / WORD_SAMPLE)
    ids = sorted({low + int(step * n) for n in range(WORD_SAMPLE)})
    sample = Clip.objects.filter(pk__in=IdList(ids)).select_related("channel__boilerplate")
    counts, german = Counter(), Counter()
    for clip in sample.only("title", "description", "language", "channel__boilerplate__lines"):
        found = {
            word.lower()
            for word in words(f"{clip.title} {clip.description_parts[0]}")
            if word.isalpha() and len(word) >= 3
        }
        counts.update(found)
        if clip.language == "de":
            german.update(found)
    scale = Clip.objects.count() / max(1, len(ids))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word, round(n * scale), german[word] > n / 2) for word, n in ranked]


def typed_searches(ranked):
    """Searches as readers type them: (name, query string), words picked by rank."""
    from catalog.models import Channel, Tag

    def words_at(ranks):  # 1-based; the rarest words if the vocabulary is smaller
        last = len(ranked) - len(ranks)
        return [ranked[min(rank - 1, last + n)][0] for n, rank in enumerate(ranks)]

    common, rare = words_at(COMMON_RANKS), words_at(RARE_RANKS)
    (middle,) = words_at([MIDDLE_RANK])
    compound = next(
        (w for w, _n, de in ranked[COMMON_RANKS[0] - 1 :] if de and len(w) >= COMPOUND_LETTERS),
        next((w for w, _n, de in ranked if de and len(w) >= COMPOUND_LETTERS), middle),
    )
    tag = Tag.objects.order_by("-clip_count", "slug")[1]
    channel = Channel.objects.order_by("pk").first()  # the corpus's biggest channel
    searches = [
        ("2 common", " ".join(common[:2])),
        ("2 rare", " ".join(rare[:2])),
        ("common + rare", f"{common[0]} {rare[0]}"),
        ("3 common", " ".join(common)),
        ("3 rare", " ".join(rare)),
        ("common middle rare", f"{common[0]} {middle} {rare[0]}"),
        ("2 words + #tag", f"{common[0]} {middle} #{tag.slug}"),
        ("2 words + channel filter", f"{common[0]} {common[1]}", f"channel={channel.slug}"),
        ("German compound", compound),
    ]
    pages = []
    for name, q, *extra in searches:
        query = urlencode({"q": q}) + "".join(f"&{e}" for e in extra)
        for order, suffix in (("best", ""), ("newest", "&sort=newest")):
            pages.append((f"search {name} ({order}): {q}", f"/?{query}{suffix}", "search"))
    return pages


def pages():
    """(name, url, kind) for every page type, picked from the corpus."""
    from django.db.models import F

    from catalog.benchdata import words
    from catalog.browse.pagination import AFTER, Key, encode_cursor
    from catalog.models import Channel, Clip, Tag, TranscriptSegment

    popular = Tag.objects.order_by("-clip_count", "slug")[:2]
    rare = Tag.objects.filter(clip_count__gte=3).order_by("clip_count", "slug").first()
    channel = Channel.objects.order_by("pk").first()  # the corpus's biggest channel
    # Page 2,000, or the last page of a smaller corpus (counted once, not timed).
    page = min(2000, Clip.objects.count() // 24)
    deep = (
        Clip.objects.order_by(F("published_at").desc(nulls_last=True), "-pk")
        .values_list("published_at", "pk")[(page - 1) * 24 : (page - 1) * 24 + 1]
        .get()
    )
    spoken = TranscriptSegment.objects.values_list("clip_id", flat=True).first()
    ranked = corpus_words()
    print(
        f"{len(ranked)} words; by rank: "
        + ", ".join(
            f"{rank}: {w} (~{n:,})"
            for rank in (*COMMON_RANKS, MIDDLE_RANK, *RARE_RANKS)
            for w, n, _de in [ranked[min(rank, len(ranked)) - 1]]
            if rank <= len(ranked)
        ),
        file=sys.stderr,
    )
    return [
        ("home", "/", "list"),
        (f"page {page:,} (cursor)", f"/?cursor={encode_cursor(AFTER, Key(*deep))}", "list"),
        (f"popular tag ({popular[0].clip_count})", popular[0].get_absolute_url(), "list"),
        (f"rare tag ({rare.clip_count})", rare.get_absolute_url(), "list"),
        (
            "tag + channel + dates",
            f"/?tag={popular[1].slug}&channel={channel.slug}"
            "&date_from=2018-01-01&date_to=2023-12-31",
            "list",
        ),
        # Part years and months at both ends: clips known only by their year or
        # month there are decided, and the ones left out counted (catalog.dateranges).
        ("dates, part years", "/?date_from=2021-03-15&date_to=2023-06-10", "list"),
        (f"channel ({channel.clip_count})", channel.get_absolute_url(), "list"),
        ("search: common term", "/?q=Regierung", "search"),
        ("search: rare term", f"/?q={words.RARE_WORD}", "search"),
        ("search: phrase", f'/?q="{words.PHRASE}"', "search"),
        ("search: transcript hit", f"/?q={words.TRANSCRIPT_WORD}", "search"),
        *typed_searches(ranked),
        ("clip page", f"/clips/{spoken}/", "page"),
        ("tag index", "/tags/", "page"),
    ]


def _bare(sql_list):
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in sql_list:
            cursor.execute(sql)
            cursor.fetchall()
    return time.perf_counter() - started


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


def measure(repeat, only):
    import django

    django.setup()
    from django.db import OperationalError, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = []
    for name, url, kind in pages():
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
        # Copied now (the next request's request_started signal empties the log),
        # without the bench's own statement_timeout settings.
        captured = [q for q in ctx.captured_queries if not q["sql"].startswith(("SET ", "RESET "))]
        times, cpu, budget = [], [], time.perf_counter() + BUDGET_SECONDS
        # A page that takes seconds is measured once more, not --repeat times.
        if first >= SLOW_SECONDS:
            results.append({"page": name, "kind": kind, "median": first * 1000,
                            "p95": first * 1000, "n": 1, "queries": len(captured),
                            "sql": 0, "floor": 0})  # fmt: skip
            continue
        while len(times) < repeat and (len(times) < 3 or time.perf_counter() < budget):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        sql = [q["sql"] for q in captured]
        bare = statistics.median(_bare(sql) for _ in range(5))
        floor = statistics.median(_bare(_main_query(captured)) for _ in range(5))
        times.sort()
        results.append(
            {
                "page": name,
                "kind": kind,
                "median": statistics.median(times) * 1000,
                "p95": times[max(0, round(len(times) * 0.95) - 1)] * 1000,
                "n": len(times),
                "queries": len(sql),
                "sql": bare * 1000,
                "floor": floor * 1000,
                "cpu": statistics.median(cpu) * 1000,
            }
        )
    print(json.dumps(results))


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
        "| page | n | median ms | p95 ms | cpu ms | queries | sql ms | floor ms | x sql "
        "| beyond sql ms | target | python goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        target = 100 if r["kind"] == "search" else 50
        if r.get("timeout"):
            print(
                f"| {r['page']} | 1 | > {TIMEOUT_SECONDS} s | | | | | | | | "
                f"MISSED (<= {target}) | |"
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
        print(
            f"| {r['page']} | {r['n']} | {r['median']:.1f} | {r['p95']:.1f} | {cpu} | "
            f"{r['queries']} | {sql} | {verdict} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg-port", type=int, default=54333)
    parser.add_argument("--only", default="", help="Page names containing one of these words.")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        return measure(args.repeat, args.only)
    DATA.mkdir(parents=True, exist_ok=True)

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
            [PYTHON, __file__, "--measure", "--repeat", str(args.repeat), "--only", args.only],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        if out.returncode:
            raise SystemExit(f"the measuring process failed (exit {out.returncode})")
        return json.loads(out.stdout.strip().splitlines()[-1])

    dbs = args.db.split(",")
    print(f"{args.clips} clips, seed {args.seed}, {args.repeat} requests per page")
    if "sqlite" in dbs:
        table("SQLite", child(sqlite_url(args.clips, args.seed)))
    if "postgres" in dbs:
        with Postgres(args.clips, args.seed, args.pg_port) as pg:
            table("PostgreSQL", child(pg.url))


if __name__ == "__main__":
    main()
