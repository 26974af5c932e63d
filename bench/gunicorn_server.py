"""gunicorn as `make serve` runs it, for bench/http_pages.py: start, wait, requests, access log.

(Not bench/gunicorn.py: that name would stand in for the gunicorn package.)
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(sys.executable).parent / "gunicorn"
HEALTHZ = "/healthz"
WORKERS_FROM_CONFIG = "import runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])"


class Server:
    """gunicorn as `make serve` runs it, on a free loopback port, with its log in a file."""

    def __init__(self, database_url, cache_url, workers, tmp, settings=None):
        self.tmp = tmp
        self.port = free_port()
        self.log_path = tmp / f"gunicorn-{self.port}.log"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "NEWSCLIPS_", "GUNICORN_", "WEB_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="newsclips.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback: no proxy in front
            DJANGO_STATIC_ROOT=str(tmp / "static"),
            NEWSCLIPS_DATA_DIR=str(tmp / "data"),
            DATABASE_URL=database_url,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
        )
        if cache_url:
            env["NEWSCLIPS_CACHE_URL"] = cache_url
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        env.update(settings or {})  # e.g. DATABASE_CONN_MAX_AGE=0 to compare
        self.env = env
        self.process = None
        # What gunicorn.conf.py makes of this environment.
        self.workers = int(
            subprocess.run(
                [PYTHON, "-c", WORKERS_FROM_CONFIG],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip

    def prepare(self):
        for args in (["collectstatic", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def start(self):
        """Start and wait until every worker has answered /healthz (its app loaded)."""
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [GUNICORN], cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()  # no gunicorn left behind
            raise

    def wait_until_ready(self):
        answered, deadline = set(), time.monotonic() + 120
        while len(answered) < self.workers and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"http: gunicorn exited while starting, see {self.log_path}")
            seen = len(self.lines())
            # Concurrent requests: one at a time, the same worker would take them all.
            threads = [threading.Thread(target=self.probe) for _ in range(2 * self.workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(0.2)
            answered.update(access_pids(self, HEALTHZ, seen))
        if len(answered) < self.workers:
            raise SystemExit("http: not every gunicorn worker answered within 120 s")

    def probe(self):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            request(connection, HEALTHZ, {"Connection": "close"})
            connection.close()
        except OSError:
            time.sleep(0.2)

    def cpu_seconds(self):
        """CPU time (user + system) of gunicorn's master and workers so far (Linux /proc),
        workers that exited included (the master's cutime and cstime: max_requests
        recycles workers under load, and their time would otherwise vanish)."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == self.process.pid:  # the parent's pid
                pids.append(int(stat.parent.name))
        total = 0
        for pid in pids:
            try:
                fields = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
            if pid == self.process.pid:
                total += int(fields[13]) + int(fields[14])  # its children's that exited
        return total / os.sysconf("SC_CLK_TCK")

    def lines(self):
        return self.log_path.read_text(errors="replace").splitlines()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(connection, path, headers=None):
    """(status, seconds, response headers) of one GET, the body read."""
    started = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started, dict(response.getheaders())


def access_entries(server, seen):
    """gunicorn's access-log entries after the first `seen` lines of its log."""
    for line in server.lines()[seen:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "gunicorn.access":
            yield entry


def access_pids(server, path, seen):
    """Worker pids of the access-log lines for `path` after the first `seen` lines."""
    # One URL at a time is requested: its path identifies its lines.
    return [
        e.get("pid") for e in access_entries(server, seen) if e.get("path") == path.split("?")[0]
    ]


def pids_by_agent(server, agents, seen):
    """{User-Agent: worker pid} of the access-log lines after the first `seen` lines
    for requests sent with these User-Agent headers, waiting a moment for the last
    lines (gunicorn logs after responding)."""
    found = {}
    for _ in range(100):
        for entry in access_entries(server, seen):
            if entry.get("user_agent") in agents:
                found[entry["user_agent"]] = entry.get("pid")
        if len(found) == len(agents):
            break
        time.sleep(0.02)
    return found
