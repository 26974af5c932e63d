"""The documented shared cache (Redis or the database cache): the API's throttle counts
across processes through it, and each process counts alone without it (docs/deploy.md)."""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from .deployed import free_port, manage, production_env

# Processes with their own SQLite file: once per `make test` (the SQLite pass) is enough.
separate_processes = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs its own SQLite processes; the SQLite pass covers it",
)

# The API as a separate process would serve it: its own memory, the shared cache.
API_CLIENT = """
import gzip
import json
from django.test import Client
client = Client(REMOTE_ADDR="192.0.2.1")
print(json.dumps([client.get("/api/v1/clips/").status_code for _ in range({requests})]))
"""


def _api_client(env, requests):
    """The statuses of `requests` API requests from one fresh process (migrated first)."""
    if not (Path(env["NEWSCLIPS_DATA_DIR"]) / "db.sqlite3").exists():
        for command in ("migrate", "createcachetable"):
            result = manage(command, "--verbosity", "0", env=env)
            assert result.returncode == 0, result.stderr
    result = manage("shell", "-c", API_CLIENT.format(requests=requests), env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server (Debian's), without persistence."""
    server = shutil.which("redis-server")
    if not server:
        message = "needs redis-server (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(port=port).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@separate_processes
@pytest.mark.parametrize("backend", ["redis", "database"])
def test_the_api_throttle_counts_across_processes_through_the_shared_cache(
    backend, request, tmp_path
):
    cache_url = request.getfixturevalue("redis_url") if backend == "redis" else "db://"
    env = production_env(
        tmp_path,
        NEWSCLIPS_CACHE_URL=cache_url,
        NEWSCLIPS_API_ANON_RATE="5/min",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    # Two processes, one address, five requests a minute: the second process knows
    # about the first one's three.
    assert _api_client(env, 3) == [200, 200, 200]
    assert _api_client(env, 3) == [200, 200, 429]


@separate_processes
def test_without_a_shared_cache_each_process_counts_alone(tmp_path):
    """The default (NEWSCLIPS_CACHE_URL unset) works, per process: what docs/deploy.md says."""
    env = production_env(
        tmp_path,
        NEWSCLIPS_API_ANON_RATE="5/min",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )

    assert [_api_client(env, 3), _api_client(env, 3)] == [[200, 200, 200], [200, 200, 200]]
