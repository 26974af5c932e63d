"""A worker is warm before its first reader: templates compiled, the warm-up pages
answered in every thread of its pool (newsclips.warmup, gunicorn.conf.py)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsclips.warmup import warm_up_code, warm_up_requests, warm_up_threads

# What a browser sends (Chromium, Firefox).
BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db(transaction=True)  # as a worker sees it: committed
def test_a_worker_warms_up_before_its_first_reader(catalogue):
    assert warm_up_code() > 20  # every template of the site and the admin
    assert warm_up_requests(get_wsgi_application()) == {
        "/": 200,
        "/de/": 200,
        "/api/v1/clips/": 200,
    }


@pytest.mark.django_db(transaction=True)  # other threads read the catalogue
def test_a_threaded_worker_warms_up_in_each_thread_of_its_pool():
    django_app = get_wsgi_application()
    threads = []

    def application(environ, start_response):
        threads.append(threading.get_ident())
        return django_app(environ, start_response)

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = warm_up_threads(pool, 3, application)

    assert statuses == {"/": [200] * 3, "/de/": [200] * 3, "/api/v1/clips/": [200] * 3}
    assert len(set(threads)) == 3  # each thread of the pool, not one three times
    assert threading.get_ident() not in threads


@pytest.mark.django_db(transaction=True)
def test_a_browsers_first_page_after_the_warm_up_is_the_copy_the_worker_kept(client, catalogue):
    warm_up_requests(get_wsgi_application())

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", **BROWSER)

    # Kept gzipped, as browsers take it (a page is kept per encoding): the read of
    # the catalogue version only, not the page built again for the first reader.
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert len(queries.captured_queries) == 1
