"""A database of its own for tests that run the real commands as separate processes.

pytest-django's SQLite test database lives in memory, out of reach of another
process, and the worker must be killable without touching the test's own
connection. So these tests migrate a scratch database (a file, or a fresh
database on the test's PostgreSQL server) and talk to it only through
`manage.py` subprocesses, the way an operator does.
"""

import json
import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.deployed import ROOT


class Scratch:
    def __init__(self, env, folder):
        self.env = env
        self.folder = folder

    def manage(self, *args, check=True, timeout=120):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def start(self, *args):
        """A long-running command (e.g. the worker) in its own process, its output in a file."""
        with (self.folder / f"{args[0]}.log").open("a") as log:
            return subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def python(self, code):
        """Run `code` in a Django shell on the scratch database; return what it printed as JSON."""
        out = self.manage("shell", "--no-imports", "-c", code).stdout
        return json.loads(out.strip().splitlines()[-1])


def _postgres_url(name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    import psycopg

    folder = tmp_path_factory.mktemp("scratch")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsclips.settings",
        "NEWSCLIPS_DATA_DIR": str(folder),
        "NEWSCLIPS_ALLOW_PRIVATE_URLS": "1",
        "DATABASE_POOL": "0",
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "scratch-" + uuid.uuid4().hex,
    }
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    if postgres:
        admin = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _postgres_url(name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    scratch = Scratch(env, folder)
    scratch.manage("migrate", "--no-input")
    yield scratch
    if postgres:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
