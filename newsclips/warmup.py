"""Warm from the first request: load what Django loads lazily before a reader waits for it.

A fresh process builds its URL resolver on the first request (importing every
view, DRF and drf-spectacular with them), compiles each template the first time it
renders, reads each language's translations and date formats the first time
they are active, and opens its first database connection. Measured on a fresh
gunicorn worker, that made its first home page about five times slower than the
tenth (docs/deploy.md has the figures).

gunicorn.conf.py preloads the application and calls warm_up_code() in the master,
before it forks (nothing here touches the database, so no connection is shared
by the forked workers); each worker then inherits the loaded code, templates and
translations, and calls warm_up_requests() once it has started, to answer a few
pages through the whole stack with its own database connection. Django's
connections are per thread: a threaded worker (gthread) answers them in each
thread of its pool instead (warm_up_threads()), where its readers are served, so
that no reader's request opens the thread's SQLite connection (opening the file
and its PRAGMAs: ~2 ms, as much as a whole kept page).
"""

import contextlib
import io
import logging
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import formats, translation

logger = logging.getLogger(__name__)

# Pages a worker answers to itself before its first reader: the list (facets,
# histogram, cards, pagination) in both languages and the clip list's API.
WARM_PATHS = ("/", "/de/", "/api/v1/clips/")
# Asked for as browsers ask: a kept page is kept per encoding (http_cache.page_key),
# and readers' browsers all take gzip, so the copy a worker keeps must be that one.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def _template_names():
    """Every template the site renders: ours and the installed apps' (admin included)."""
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory)
            for path in root.rglob("*.html"):
                yield path.relative_to(root).as_posix()


def warm_up_code():
    """Import every view, compile every template, load every language. No database."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - built per language on first use
            translation.gettext("News clips")
            formats.get_format("DATE_FORMAT")
            formats.get_format("DECIMAL_SEPARATOR")
    compiled = 0
    for name in dict.fromkeys(_template_names()):
        try:
            get_template(name)
        except TemplateSyntaxError:  # an app's optional template (django-filter's crispy forms)
            continue
        compiled += 1
    return compiled


def warm_up_requests(application, host=None):
    """Answer WARM_PATHS through `application` (the WSGI callable) once; never fails."""
    with _quiet_requests():
        statuses = _answer_paths(application, host)
    _warn_if_failed({path: status for path, status in statuses.items() if status != 200})
    return statuses


def warm_up_threads(executor, threads, application, host=None):
    """warm_up_requests() once in each of `threads` threads of `executor` (gunicorn's
    gthread pool, a ThreadPoolExecutor): {path: statuses, one per thread}.

    The jobs wait for each other before they start, so that the executor, which
    reuses an idle thread rather than start another, starts one for each.
    """
    ready = threading.Barrier(threads)

    def job():
        with contextlib.suppress(threading.BrokenBarrierError):  # fewer started: warm those
            ready.wait(timeout=10)
        return _answer_paths(application, host)

    statuses = {}
    with _quiet_requests():
        for future in [executor.submit(job) for _ in range(threads)]:
            for path, status in future.result().items():
                statuses.setdefault(path, []).append(status)
    _warn_if_failed({path: answers for path, answers in statuses.items() if set(answers) != {200}})
    return statuses


@contextlib.contextmanager
def _quiet_requests():
    """Django would log a failing page with its traceback as if a reader had met it;
    before the first reader it is only a page not warmed, said once (_warn_if_failed)."""
    request_logger = logging.getLogger("django.request")
    disabled, request_logger.disabled = request_logger.disabled, True
    try:
        yield
    finally:
        request_logger.disabled = disabled


def _warn_if_failed(failed):
    if failed:
        logger.warning("warm-up: not warmed (the first readers will wait): %s", failed)


def _answer_paths(application, host):
    """{path: status} of WARM_PATHS answered by `application` (or the error's name)."""
    host = host or next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
    host = host.lstrip(".")
    statuses = {}
    for path in WARM_PATHS:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "443",
            "HTTP_HOST": host,
            "HTTP_ACCEPT_LANGUAGE": "en",
            "HTTP_ACCEPT_ENCODING": ACCEPT_ENCODING,
            # HTTPS as the proxy would say it (DJANGO_BEHIND_PROXY), else by the scheme.
            "HTTP_X_FORWARDED_PROTO": "https",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        try:
            statuses[path] = _answer(application, environ)
        except Exception as error:  # whatever it is, the worker serves on
            statuses[path] = type(error).__name__
    return statuses


def _answer(application, environ):
    """The status code of one WSGI request, its body read and closed."""
    answer = []
    body = application(environ, lambda status, headers, exc_info=None: answer.append(status))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return int(answer[0].split()[0])
