"""Run the app as deployed: fresh processes, production settings, a clean environment."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path=None, **extra):
    """os.environ without the test run's DJANGO_/DATABASE_/NEWSCLIPS_/gunicorn settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "NEWSCLIPS_", "GUNICORN_", "WEB_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "newsclips.settings"
    if tmp_path is not None:
        env.update(
            NEWSCLIPS_DATA_DIR=str(tmp_path / "data"), DJANGO_STATIC_ROOT=str(tmp_path / "static")
        )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    """(status, headers, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_for(url, process, seconds=60):
    """The first answer of a server that is starting."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited while starting"
        try:
            return get(url)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")
