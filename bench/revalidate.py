"""What a revalidation costs next to /healthz: CPU per request in one process, no HTTP.

    .venv/bin/python bench/revalidate.py [--clips 1000000] [--seed 1] [--calls 2000]

The corpus is bench/browse.py's SQLite file. Production settings (DEBUG off, the
whole middleware), requests handed to Django's WSGI application directly, so that
neither the load generator nor gunicorn's own work nor the machine's load blurs the
difference: the best of 5 rounds of --calls requests each, CPU time per request, for
/healthz (the floor), a tag page's conditional GET answered 304, the same page built
(the copy kept for this version) and the clip page kept. bench/http_pages.py measures
the same over HTTP.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import corpus_databases  # noqa: E402 (after the path is set)
from bench.gunicorn_server import Server  # noqa: E402


def call(app, path, headers=None):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **(headers or {}),
    }
    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    b"".join(app(environ, start_response))
    return answer["status"], answer["headers"]


def cpu_per_call(app, path, headers, calls):
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(calls):
            call(app, path, headers)
        rounds.append((time.process_time() - started) / calls * 1000)
    return min(rounds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    url = corpus_databases.sqlite_url(args.clips, args.seed)
    # The environment bench/http_pages.py gives gunicorn (production settings, static
    # files collected into a temporary folder), for this process instead.
    server = Server(url, None, 1, Path(tempfile.mkdtemp(prefix="newsclips-revalidate-")))
    server.prepare()
    os.environ.clear()
    os.environ.update(server.env)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    from catalog.models import Clip, Tag

    tag = Tag.objects.order_by("-clip_count", "slug").first()
    clip = Clip.objects.order_by("-pk").first()
    tag_page, clip_page = f"/tags/{tag.slug}/", f"/clips/{clip.pk}/"
    status, headers = call(app, tag_page)
    if not status.startswith("200") or "ETag" not in headers:
        raise SystemExit(f"{tag_page}: {status}, no ETag" if status.startswith("200") else status)
    conditional = {"HTTP_IF_NONE_MATCH": headers["ETag"]}
    call(app, clip_page)
    rows = [
        ("/healthz", "/healthz", {}),
        ("tag page, conditional GET (304)", tag_page, conditional),
        ("tag page (kept copy)", tag_page, {}),
        ("clip page (kept copy)", clip_page, {}),
    ]
    print(
        f"{args.clips} clips, SQLite, {args.calls} calls x 5 rounds; load {os.getloadavg()[0]:.1f}"
    )
    print("| request | status | CPU ms per request (best round) | x /healthz |")
    print("|---|---|---:|---:|")
    floor = None
    for name, path, extra in rows:
        status, _headers = call(app, path, extra)
        cpu = cpu_per_call(app, path, extra, args.calls)
        floor = floor or cpu
        print(f"| {name} | {status.split()[0]} | {cpu:.3f} | {cpu / floor:.2f} |")


if __name__ == "__main__":
    main()
