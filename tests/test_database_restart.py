"""The database disappears for a moment: requests fail cleanly with 503 and the app recovers.

A real gunicorn (production settings, psycopg pool) against its own throwaway
PostgreSQL server, which the test stops and starts again.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from newsclips.environment import database

from .deployed import ROOT, free_port, get, production_env, wait_for

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)

# Restarts a PostgreSQL server of its own: runs in the PostgreSQL pass of `make test`.
pytestmark = [pytest.mark.postgres, pytest.mark.server]


class ThrowawayPostgres:
    """initdb + pg_ctl in a temporary folder, like scripts/test-postgres (as postgres if root)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="newsclips-pg-restart-"))
        self.port = free_port()
        self.run_as = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self._pg("initdb", "-D", self.dir / "data", "-U", "newsclips", "-A", "trust", "-N")
        self.start()
        address = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "newsclips"]
        subprocess.run([PG_BIN / "createdb", *address, "app"], check=True)
        self.url = f"postgres://newsclips@127.0.0.1:{self.port}/app"

    def _pg(self, command, *args):
        subprocess.run(
            [*self.run_as, PG_BIN / command, *map(str, args)], check=True, capture_output=True
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = self.dir / "data", self.dir / "log"
        self._pg("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode="fast"):
        self._pg("pg_ctl", "-D", self.dir / "data", "-m", mode, "-w", "stop")

    def remove(self):
        subprocess.run(
            [*self.run_as, PG_BIN / "pg_ctl", "-D", self.dir / "data", "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres():
    server = ThrowawayPostgres()
    yield server
    server.remove()


def test_a_postgres_restart_gives_503_then_the_app_recovers_by_itself(tmp_path, postgres):
    port = free_port()
    env = production_env(
        tmp_path,
        DATABASE_URL=postgres.url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_POOL_TIMEOUT="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        # Production settings with the pool; the JSON API needs no collectstatic.
        server = subprocess.Popen(
            [Path(sys.executable).parent / "gunicorn"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            assert wait_for(f"{base}/healthz", server)[0] == 200
            # Warm the pool: several connections that will all be dead after the restart.
            assert [get(f"{base}/api/v1/tags/")[0] for _ in range(6)] == [200] * 6

            postgres.stop()
            for path in ("/api/v1/clips/", "/api/v1/tags/", "/healthz"):
                status, headers, body = get(base + path)
                assert status == 503, (path, status)
                assert headers["Retry-After"] == "30"
                assert "Traceback" not in body and "psycopg" not in body
            api = urllib.request.Request(
                f"{base}/api/v1/clips/", headers={"Accept": "application/json"}
            )
            status, _, body = get(api)
            assert (status, json.loads(body)) == (
                503,
                {"detail": "Temporarily unavailable, try again."},
            )
            postgres.start()

            # No restart of the app: the pool drops dead connections and opens new ones.
            deadline = time.monotonic() + 20
            while get(f"{base}/healthz")[0] != 200:
                assert time.monotonic() < deadline, "the app did not recover within 20 s"
                time.sleep(0.2)
            paths = ("/api/v1/clips/", "/api/v1/tags/", "/api/v1/channels/") * 4
            statuses = [get(f"{base}{path}")[0] for path in paths]
            assert statuses == [200] * 12
        finally:
            server.terminate()
            server.wait(30)
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    warnings = [e for e in entries if e["logger"] == "newsclips.errors"]
    failed = {e["message"].split(":")[1].strip() for e in warnings}
    assert failed == {"GET /api/v1/clips/", "GET /api/v1/tags/"}
    assert not [e for e in entries if e["level"] == "ERROR" and "error" in e]  # no tracebacks


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's parallel query")
def test_queries_run_without_parallel_workers_unless_asked(db, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/newsclips")
    monkeypatch.setenv("DATABASE_PARALLEL_WORKERS", "2")
    assert database(Path("unused"))["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=2"
