"""The benches' corpus: built once per size and seed under bench/data/ (git-ignored) and reused.

A SQLite file, and a PostgreSQL cluster in its own folder, started for a run on a
given port (127.0.0.1 only) and stopped afterwards, the way scripts/test-postgres
runs one. Used by bench/browse.py and bench/http_pages.py.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable


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
