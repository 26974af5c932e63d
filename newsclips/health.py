"""/healthz for load balancers and process managers: is this app server able to serve?

The middleware answers before SecurityMiddleware and CommonMiddleware, so the
probe works on the server's own address (no ALLOWED_HOSTS entry for the
balancer's Host header) and over plain HTTP (no redirect to HTTPS). It tells
nothing but "ok" or "unavailable".
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .errors import DATABASE_ERRORS, RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

PATH = "/healthz"


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        logger.warning("health check: database unavailable: %s", str(error).strip()[:200])
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
