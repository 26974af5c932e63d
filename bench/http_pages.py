"""Pages as readers meet them: gunicorn with the production settings, over HTTP, at a million clips.

(Not bench/http.py: a module of that name beside the bench scripts would stand in
for the standard library's `http` package in every one of them, Django's included.)

    apt-get install wrk        # the load generator (Debian's); without it a Python one is used
    .venv/bin/python bench/http_pages.py [--clips 1000000] [--seed 1] [--db sqlite,postgres]
                                   [--cache URL] [--pages home,clip page] [--seconds 10]
                                   [--set DATABASE_CONN_MAX_AGE=0] [--accept-encoding ""]

The corpus is bench/browse.py's (built once per size and seed under bench/data/ and
reused; PostgreSQL in its own cluster on --pg-port during the run). gunicorn starts
as `make serve` starts it (gunicorn.conf.py, newsclips.settings, DEBUG off, static
files collected into a temporary folder, its own DJANGO_SECRET_KEY, allowed host
127.0.0.1, bound to 127.0.0.1 only), and every page kind is measured in the same
run as the /healthz floor:

- cold: a fresh start of gunicorn per page kind, then requests on new connections,
  back to back, until every worker has served the page three times (the worker of
  each request is read from gunicorn's access log by the request's User-Agent): the
  very first request apart ("first build": the page built for this catalogue
  version, once per site with a shared cache, once per worker without), then median
  and p95 of the other first requests;
- warm, new connections: then --requests requests sent the cold ones' way, once
  every worker is warm: `cold p95 x warm` compares the two, so that it measures
  what a worker has still to load, not TCP set-up or an idle machine's wake-up;
- warm, kept connection: --requests sequential requests on one kept connection
  (what a reader's browser does): median, p95, and p95 as a multiple of the floor's;
- req/s: `wrk -t2 -c16 -d10s` (--threads, --connections, --seconds), non-2xx
  responses counted; a Python load generator with as many connections if wrk is
  missing (say so in the output). As a % of the floor's req/s measured on the same
  server right after the page's loads (the machine's load drifts over a run);
- conditional: the same load with If-None-Match / If-Modified-Since set to the
  validators the page's response carried (ETag, Last-Modified): its status and
  req/s, or "no validator" when the response carries neither;
- cpu ms/req: the CPU time gunicorn (master and workers, and workers that exited
  meanwhile: max_requests recycles them under load; not the PostgreSQL server, not
  wrk) spent per request during the load, and `load`: the 1-minute load average
  after it, since the machine may be shared.

Every request carries the Accept-Encoding browsers send (--accept-encoding; '' for
none), so public pages go out gzipped as they do to readers; the `body` column says
how each page went out.

With --cache URL the whole set runs twice, without a cache and with
NEWSCLIPS_CACHE_URL=URL (redis://..., or the database cache's form). Requests
are bounded by count and time; nothing leaves the loopback interface.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus_databases  # the corpus is browse.py's
import pages  # bench/pages.py: browse.py's page list
import throughput  # wrk, or a Python load generator
from gunicorn_server import HEALTHZ, Server, pids_by_agent, request

ROOT = corpus_databases.ROOT
PYTHON = sys.executable
DEFAULT_PAGES = (
    "home,page ,popular tag,tag + channel + dates,channel (,search: common term,"
    "search 2 common (best),search 2 common (newest),search 3 common (best),"
    "search common + rare (best),search 2 words + #tag (best),clip page"
)
COLD_PER_WORKER = 3
COLD_REQUESTS = 30
COLD_BUDGET_SECONDS = 60  # per page: stop sending cold requests after this
WARM_BUDGET_SECONDS = 20
REQUEST_TIMEOUT = 60
FLOOR = (HEALTHZ, HEALTHZ, "floor")
# What Chromium and Firefox send: public pages go out gzipped to them.
BROWSERS_ACCEPT = "gzip, deflate, br, zstd"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both (comma)")
    parser.add_argument("--pg-port", type=int, default=54417)
    parser.add_argument("--cache", metavar="URL", help="also run with NEWSCLIPS_CACHE_URL=URL")
    parser.add_argument(
        "--pages", default=DEFAULT_PAGES, help="page names starting with one of these (comma)"
    )
    parser.add_argument("--requests", type=int, default=30, help="warm sequential requests")
    parser.add_argument("--seconds", type=int, default=10, help="load per page (wrk -d)")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument(
        "--accept-encoding",
        default=BROWSERS_ACCEPT,
        help=f"sent with every request (default: what browsers send, {BROWSERS_ACCEPT!r}; "
        "'' for none: pages then go out uncompressed)",
    )
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment setting for gunicorn, e.g. DATABASE_CONN_MAX_AGE=0 (repeatable)",
    )
    parser.add_argument("--pages-json", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def page_list(url, prefixes):
    """browse.py's pages of the corpus at `url` whose names start with one of `prefixes`."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [PYTHON, __file__, "--pages-json"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    if out.returncode:
        raise SystemExit("http: listing the pages failed")
    listed = json.loads(out.stdout.strip().splitlines()[-1])
    wanted = [p.strip() for p in prefixes.split(",") if p.strip()]
    return [page for page in listed if any(page[0].startswith(w) for w in wanted)]


def print_pages_json():
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    print(json.dumps(pages.pages()))


def reader_headers(args):
    """The headers every request of the bench carries, as a browser's would."""
    return {"Accept-Encoding": args.accept_encoding} if args.accept_encoding else {}


def new_connection_requests(port, path, agents, headers):
    """One request per User-Agent in `agents`, each on a new connection, back to back:
    {agent: seconds}."""
    times = {}
    for agent in agents:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        status, seconds, _headers = request(
            connection, path, {**headers, "Connection": "close", "User-Agent": agent}
        )
        connection.close()
        if status != 200:
            raise SystemExit(f"http: {path}: HTTP {status}")
        times[agent] = seconds
    return times


def cold(server, path, workers, headers):
    """Latencies of each worker's first COLD_PER_WORKER requests after a fresh start.

    Sent back to back on new connections, each with its own User-Agent, by which
    gunicorn's access log names the worker that answered it (read after each round:
    waiting for the log between requests would leave the machine idle, and an idle
    vCPU takes a millisecond to wake, which the warm requests do not pay).
    """
    server.start()
    try:
        per_worker, times, sent = {}, [], 0
        deadline = time.monotonic() + COLD_BUDGET_SECONDS
        # Sequential requests reach the workers the kernel hands connections to (often
        # one or two): rounds until every worker has served COLD_PER_WORKER, up to
        # COLD_REQUESTS requests in all.
        while (
            time.monotonic() < deadline
            and sent < COLD_REQUESTS
            and (len(per_worker) < workers or min(per_worker.values()) < COLD_PER_WORKER)
        ):
            size = min(workers * COLD_PER_WORKER, COLD_REQUESTS - sent)
            agents = [f"newsclips-bench-cold-{sent + n}" for n in range(size)]
            sent += size
            seen = len(server.lines())
            seconds = new_connection_requests(server.port, path, agents, headers)
            pids = pids_by_agent(server, set(agents), seen)
            for agent in agents:
                pid = pids.get(agent)
                if per_worker.get(pid, 0) < COLD_PER_WORKER:
                    times.append(seconds[agent])
                per_worker[pid] = per_worker.get(pid, 0) + 1
        return times, len(per_worker)
    finally:
        server.stop()


def warm(port, path, count, headers=None):
    """Sequential requests on one kept connection: latencies, last status and headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    times, status, response_headers = [], None, {}
    deadline = time.monotonic() + WARM_BUDGET_SECONDS
    while len(times) < count and (len(times) < 5 or time.monotonic() < deadline):
        status, seconds, response_headers = request(connection, path, headers)
        times.append(seconds)
    connection.close()
    return times, status, response_headers


def wrk(port, path, args, headers=None):
    """(req/s, non-2xx/3xx responses, errors) of `path` under the load of --threads,
    --connections and --seconds, with the reader's headers and `headers`."""
    headers = {**reader_headers(args), **(headers or {})}
    load = {"threads": args.threads, "connections": args.connections, "seconds": args.seconds}
    return throughput.requests_per_second(port, path, headers, **load)


def validators(headers):
    """The conditional GET's headers for a response's ETag / Last-Modified (none: {})."""
    lowered = {name.lower(): value for name, value in headers.items()}
    conditional = {}
    if "etag" in lowered:
        conditional["If-None-Match"] = lowered["etag"]
    if "last-modified" in lowered:
        conditional["If-Modified-Since"] = lowered["last-modified"]
    return conditional


def body_size(headers):
    """How the page went out, from its headers: "gzip 8.1 KB" or "52.3 KB"."""
    lowered = {name.lower(): value for name, value in headers.items()}
    size = f"{int(lowered.get('content-length', 0)) / 1000:.1f} KB"
    encoding = lowered.get("content-encoding")
    return f"{encoding} {size}" if encoding else size


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * fraction) - 1)] * 1000


def measure_page(server, name, path, args, workers):
    reader = reader_headers(args)
    cold_times, cold_workers = cold(server, path, workers, reader)
    # The first request builds the page, which no warm-up can do ahead for every URL;
    # with a shared cache the other workers then read it. Reported apart from the
    # workers' own first requests (what a worker loads lazily shows in those).
    first, *cold_times = cold_times
    cold_times = cold_times or [first]
    server.start()
    try:
        warm_times, status, headers = warm(server.port, path, args.requests, reader)
        if status != 200:
            raise SystemExit(f"http: {path}: HTTP {status}")
        # Every worker serves the page before the load is measured (see cold()).
        wrk(server.port, path, argparse.Namespace(**{**vars(args), "seconds": 2}))
        # The cold requests' way (new connections, back to back) once every worker is
        # warm: what cold p95 is compared with, so that it measures the worker, not TCP.
        agents = [f"newsclips-bench-warm-{n}" for n in range(args.requests)]
        warm_new = list(new_connection_requests(server.port, path, agents, reader).values())
        cpu_before = server.cpu_seconds()
        rate, bad, errors = wrk(server.port, path, args)
        cpu = (server.cpu_seconds() - cpu_before) / max(1, rate * args.seconds)
        result = {
            "floor req/s": rate,
            "cpu ms": cpu * 1000,
            "load": os.getloadavg()[0],
            "page": name,
            "first": first * 1000,
            "cold median": statistics.median(cold_times) * 1000,
            "cold p95": percentile(cold_times, 0.95),
            "cold n": f"{len(cold_times)}/{cold_workers}w",
            "warm median": statistics.median(warm_times) * 1000,
            "warm p95": percentile(warm_times, 0.95),
            "warm new median": statistics.median(warm_new) * 1000,
            "warm new p95": percentile(warm_new, 0.95),
            "req/s": rate,
            "bad": bad,
            "errors": errors,
            "cookies": "set-cookie" in {h.lower() for h in headers},
            "vary": next((v for h, v in headers.items() if h.lower() == "vary"), ""),
            "body": body_size(headers),
        }
        conditional = validators(headers)
        if conditional:
            _times, status, _headers = warm(server.port, path, 3, {**reader, **conditional})
            rate, bad, errors = wrk(server.port, path, args, conditional)
            result.update(conditional_status=status, conditional_rate=rate)
            result["bad"] += bad
        # The floor again, on this server after this page's loads (before them it would
        # recycle the workers the page's load then finds cold): the machine's load drifts
        # over a run (other pages' gunicorn, PostgreSQL's own work, wrk).
        if path != HEALTHZ:
            result["floor req/s"] = wrk(server.port, HEALTHZ, args)[0]
        return result
    finally:
        server.stop()


def report(title, results):
    floor = results[0]
    print(f"\n{title}")
    print(
        "| page | first build ms | cold median / p95 ms (n) "
        "| warm, new connections: median / p95 ms | cold p95 x warm "
        "| warm, kept connection: median / p95 ms | warm p95 x floor "
        "| req/s | floor req/s right after | % of floor | cpu ms/req "
        "| conditional GET: status, req/s, % of floor | cookie, Vary | body | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|")
    for r in results:
        if "conditional_status" in r:
            conditional = (
                f"{r['conditional_status']}, {r['conditional_rate']:.1f}, "
                f"{r['conditional_rate'] / r['floor req/s']:.0%}"
            )
        else:
            conditional = "no validator"
        problems = f" ({r['bad']} non-2xx/3xx)" if r["bad"] else ""
        problems += f" ({r['errors']})" if r["errors"] else ""
        print(
            f"| {r['page']} | {r['first']:.1f} "
            f"| {r['cold median']:.1f} / {r['cold p95']:.1f} ({r['cold n']}) "
            f"| {r['warm new median']:.1f} / {r['warm new p95']:.1f} "
            f"| {r['cold p95'] / r['warm new p95']:.1f} "
            f"| {r['warm median']:.1f} / {r['warm p95']:.1f} "
            f"| {r['warm p95'] / floor['warm p95']:.1f} "
            f"| {r['req/s']:.1f}{problems} | {r['floor req/s']:.1f} "
            f"| {r['req/s'] / r['floor req/s']:.0%} "
            f"| {r['cpu ms']:.1f} | {conditional} "
            f"| {'cookie' if r['cookies'] else 'no cookie'}, {r['vary'] or '-'} "
            f"| {r['body']} | {r['load']:.1f} |"
        )


def run_database(label, database_url, args):
    measured = [FLOOR, *page_list(database_url, args.pages)]
    modes = [("no cache", None)] + ([(f"cache {args.cache}", args.cache)] if args.cache else [])
    for mode, cache_url in modes:
        tmp = Path(tempfile.mkdtemp(prefix="newsclips-http-"))
        try:
            settings = dict(item.split("=", 1) for item in args.set)
            server = Server(database_url, cache_url, args.workers, tmp, settings)
            server.prepare()
            workers = server.workers
            results = []
            for name, path, _kind in measured:
                print(f"  {label}, {mode}: {name}", file=sys.stderr)
                results.append(measure_page(server, name, path, args, workers))
            generator = (
                f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s"
                if throughput.WRK
                else f"Python load generator (wrk not installed), {args.connections} connections"
            )
            title = f"{label}, {mode}: gunicorn workers={workers}, {generator}"
            title += "".join(f", {item}" for item in args.set)
            title += f", Accept-Encoding: {args.accept_encoding or '(none)'}"
            report(title, results)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    args = parse_args(argv)
    if args.pages_json:
        return print_pages_json()
    sys.stdout.reconfigure(line_buffering=True)
    corpus_databases.DATA.mkdir(parents=True, exist_ok=True)
    print(f"{args.clips} clips, seed {args.seed}; load average {os.getloadavg()[0]:.1f}")
    dbs = args.db.split(",")
    if "sqlite" in dbs:
        run_database("SQLite", corpus_databases.sqlite_url(args.clips, args.seed), args)
    if "postgres" in dbs:
        with corpus_databases.Postgres(args.clips, args.seed, args.pg_port) as pg:
            run_database("PostgreSQL", pg.url, args)
    print(f"load average afterwards {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
