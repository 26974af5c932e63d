"""Requests per second under load: Debian's wrk, or a Python load generator where it is missing.

    apt-get install wrk

Used by bench/http_pages.py; every request to 127.0.0.1 only.
"""

import http.client
import re
import shutil
import subprocess
import threading
import time

from gunicorn_server import request

WRK = shutil.which("wrk")
REQUEST_TIMEOUT = 60


def requests_per_second(port, path, headers, *, threads, connections, seconds):
    """(req/s, non-2xx/3xx responses, socket errors as text) of `path` with `headers`."""
    if not WRK:
        return python_load(port, path, connections, seconds, headers)
    url = f"http://127.0.0.1:{port}{path}"
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rate, int(bad.group(1)) if bad else 0, errors.group(1) if errors else ""


def python_load(port, path, connections, seconds, headers):
    """What wrk does, in threads with a kept connection each (slower: the GIL, not C)."""
    counts, bad, errors = [0] * connections, [0] * connections, [0] * connections
    stop_at = time.monotonic() + seconds

    def client(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        while time.monotonic() < stop_at:
            try:
                status, _seconds, _headers = request(connection, path, headers)
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
                continue
            counts[n] += 1
            bad[n] += status >= 400
        connection.close()

    started = time.monotonic()
    clients = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    error_text = f"{sum(errors)} connection errors" if sum(errors) else ""
    return sum(counts) / (time.monotonic() - started), sum(bad), error_text
