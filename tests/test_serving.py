"""`make serve` as deployed: gunicorn with JSON logs, /healthz, no DEBUG, 503 without a database."""

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from newsclips.logs import JsonFormatter

from .deployed import ROOT, free_port, get, production_env, wait_for

BIN = Path(sys.executable).parent


@pytest.mark.server
@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_serve_refuses_to_start_with_debug_and_touches_nothing(tmp_path, value):
    result = subprocess.run(
        [sys.executable, "scripts/serve"],
        cwd=ROOT,
        env=production_env(tmp_path, DJANGO_DEBUG=value),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert f"refusing to serve with DJANGO_DEBUG='{value}'" in result.stderr
    assert not (tmp_path / "data").exists()  # no migrate, no secret key, no server


@pytest.mark.server
def test_gunicorn_alone_refuses_debug_too(tmp_path):
    """The Procfile's `web: gunicorn` reads gunicorn.conf.py, which has the same guard."""
    result = subprocess.run(
        [BIN / "gunicorn", "--check-config"],
        cwd=ROOT,
        env=production_env(tmp_path, DJANGO_DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "refusing to serve" in result.stderr


@pytest.mark.server
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs its own SQLite server; once per `make test` is enough (the SQLite pass)",
)
def test_make_serve_runs_web_worker_and_clock_with_json_logs(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "scripts/serve"],
            cwd=ROOT,
            env=production_env(
                tmp_path,
                GUNICORN_BIND=f"127.0.0.1:{port}",
                WEB_CONCURRENCY="1",
                GUNICORN_THREADS="2",
                DJANGO_SECURE_SSL_REDIRECT="0",
                DJANGO_SECURE_COOKIES="0",
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            # make serve first collects and compresses the static files, migrates and checks: on a
            # busy two-core machine that alone can take minutes before gunicorn starts.
            status, _, body = wait_for(f"http://127.0.0.1:{port}/healthz", server, seconds=300)
            assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
            status, _, body = get(f"http://127.0.0.1:{port}/?q=%22quoted%22")
            assert status == 200
            assert "/static/css/newsclips." in body  # collectstatic ran (hashed names)
            # The worker starts beside gunicorn; on a busy machine it may still be starting.
            deadline = time.monotonic() + 60
            while "Starting worker" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            server.send_signal(signal.SIGTERM)
            assert server.wait(60) == 0
    lines = log.read_text().splitlines()
    started = next(i for i, line in enumerate(lines) if '"gunicorn.error"' in line)
    # Once the processes run, every line they write is one JSON object (before: migrate's report).
    entries = [json.loads(line) for line in lines[started:]]
    requests = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert {(e["method"], e["path"], e["status"]) for e in requests} >= {
        ("GET", "/healthz", 200),
        ("GET", "/", 200),
    }
    assert all(e["duration_ms"] >= 0 for e in requests)
    assert any(e["query"] == "q=%22quoted%22" for e in requests)
    # Each thread of the web worker's pool answered the warm-up pages before any reader.
    warmed = (
        "warm-up in 2 threads: {'/': [200, 200], '/de/': [200, 200], '/api/v1/clips/': [200, 200]}"
    )
    messages = [e["message"] for e in entries if e["logger"] == "gunicorn.error"]
    assert warmed in messages
    # The master's loaded objects are out of the collector's sight before it forks.
    frozen = next(m for m in messages if m.startswith("warm-up:") and "frozen" in m)
    assert int(frozen.split(", ")[1].split()[0]) > 10_000
    worker = [e["message"] for e in entries if e["logger"] == "django_tasks_db"]
    assert any("Starting worker" in message for message in worker)


def test_json_formatter_writes_one_line_per_record_with_the_request_and_error():
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal: %s", ("/x",), sys.exc_info()
        )
    record.status_code = 500
    record.request = type("Request", (), {"method": "POST", "path": "/admin/"})()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "Internal: /x"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/admin/", 500)
    assert "ValueError: line one\nline two" in entry["error"]


@pytest.mark.django_db
def test_healthz_answers_load_balancers_on_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["clips.example.org"]
    response = client.get(reverse("healthz"), HTTP_HOST="10.0.3.4:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]
    # Every other path keeps the host check and the redirect.
    assert client.get("/", HTTP_HOST="10.0.3.4:8000").status_code == 400
    assert client.get("/", HTTP_HOST="clips.example.org").status_code == 301


# A production process whose SQLite file cannot be opened: a real OperationalError.
UNREACHABLE = """
import django, json
django.setup()
from django.test import Client
client = Client()
for path in ("/healthz", "/", "/tags/", "/api/v1/clips/"):
    response = client.get(path, HTTP_ACCEPT="application/json" if "api" in path else "text/html")
    print(json.dumps({"path": path, "status": response.status_code,
                      "retry": response.get("Retry-After"), "body": response.content.decode()}))
"""


@pytest.mark.server
def test_without_a_database_pages_answer_503_with_retry_after_and_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", UNREACHABLE],
        cwd=ROOT,
        env=production_env(
            tmp_path,
            DATABASE_URL="sqlite:////proc/newsclips-cannot-be-here.sqlite3",
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="0",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    answers = {line["path"]: line for line in lines if "path" in line and "status" in line}
    assert answers["/healthz"]["status"] == 503
    assert json.loads(answers["/healthz"]["body"])["status"] == "unavailable"
    for path in ("/", "/tags/"):
        assert answers[path]["status"] == 503
        assert answers[path]["retry"] == "30"
        assert "Temporarily unavailable" in answers[path]["body"]
        assert "Traceback" not in answers[path]["body"]
        assert "sqlite" not in answers[path]["body"].lower()
    assert answers["/api/v1/clips/"]["status"] == 503
    assert json.loads(answers["/api/v1/clips/"]["body"]) == {
        "detail": "Temporarily unavailable, try again."
    }
    logged = [line for line in lines if line.get("logger") == "newsclips.errors"]
    failed = {line["message"].split(":")[1].strip() for line in logged}
    assert failed == {"GET /", "GET /tags/", "GET /api/v1/clips/"}
    assert all(line["level"] == "WARNING" and line["status"] == 503 for line in logged)


def test_database_errors_outside_a_view_also_get_the_503_page(rf):
    """handler500 sees the exception a middleware raised (e.g. saving the session)."""
    from django.db import OperationalError

    from newsclips.errors import server_error

    request = rf.get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        unavailable = server_error(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        broken = server_error(request)
    assert (unavailable.status_code, unavailable["Retry-After"]) == (503, "30")
    assert b"Temporarily unavailable" in unavailable.content
    assert broken.status_code == 500
    assert b"Server error" in broken.content
