"""A database that is gone for a moment answers 503 with Retry-After, not a 500 traceback.

PostgreSQL restarts, fails over or refuses connections when the pool is
exhausted; SQLite can stay locked longer than its busy timeout. Those requests
fail with a short page that tells clients and proxies to come back, the event
is logged, and the next request gets a fresh connection from the pool (which
checks connections before handing them out), so the site recovers by itself.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request, error):
    logger.warning(
        "database unavailable: %s %s: %s",
        request.method,
        request.path,
        str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        extra={"status_code": 503},
    )
    if request.accepts("text/html"):
        # Rendered without the request: context processors could query the database again.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    else:  # the JSON API's clients
        response = JsonResponse({"detail": "Temporarily unavailable, try again."}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turn the database errors of a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the 503 page also for database errors raised outside a view (middleware)."""
    error = sys.exception()
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request, error)
    return HttpResponseServerError(loader.render_to_string(template_name))
