"""gunicorn settings for `make serve` and the Procfile, from the environment.

gunicorn reads this file from the working directory. Every value can be set
with the variables below; docs/deploy.md explains how to size them.
"""

import gc
import multiprocessing
import os

from newsclips.serving import refuse_debug
from newsclips.warmup import warm_up_code, warm_up_requests, warm_up_threads

refuse_debug()

wsgi_app = "newsclips.wsgi:application"
# Load the application once in the master and fork the workers from it: each worker
# (also one started again after max_requests) begins with the code, templates and
# translations loaded (when_ready below). Code changes need a restart, not a HUP.
preload_app = True
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Processes x threads = requests served at once; each process has its own database pool.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = 5
# Recycle workers now and then, against slow memory growth in a library. Rarely: a new
# worker starts with none of the pages and fragments its predecessor kept (without a
# shared cache it builds them again) and is forked and warmed first. With 2,000 a burst
# of 1,300 req/s recycled each of 5 workers every few seconds: /healthz served 45 % less
# than without recycling; with 20,000 at 4,500 req/s every 20-25 s, and a 10-second load
# lost up to a third to a recycle (bench/results/pages-6-session-8.md, pages-7-session-9.md).
# At 1,000,000 a worker lives over an hour at full load. The caches are bounded, not growing
# per request.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1_000_000))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from these addresses (the proxy in front).
# No gunicornc control socket: it sits at one path per user, and we do not use it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access and error log as JSON lines on stdout, the same shape as Django's (newsclips/logs.py).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsclips.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}


def when_ready(server):
    """In the master, before the first fork: everything lazy that needs no database,
    then the loaded objects moved out of the garbage collector's sight (gc.freeze):
    a worker's collections then walk only what it made itself, not the ~190,000
    objects of Django, the app and its templates, and leave those pages shared with
    the master instead of writing to each (copy-on-write)."""
    templates = warm_up_code()
    gc.collect()
    gc.freeze()
    server.log.info(
        "warm-up: %d templates compiled, %d objects frozen", templates, gc.get_freeze_count()
    )


def post_worker_init(worker):
    """In each worker before its first reader: a few pages with its own connection, in
    each thread of a threaded worker's pool (a connection is per thread)."""
    pool = getattr(worker, "tpool", None)  # gthread's, made before this hook runs
    if pool is None:
        worker.log.info("warm-up: %s", warm_up_requests(worker.wsgi))
    else:
        statuses = warm_up_threads(pool, worker.cfg.threads, worker.wsgi)
        worker.log.info("warm-up in %d threads: %s", worker.cfg.threads, statuses)
