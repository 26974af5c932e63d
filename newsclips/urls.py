from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    # Normally answered by HealthCheckMiddleware first; named so it can be reversed.
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("catalog.api.urls")),
    path("", include("catalog.urls")),
]

# A database that is away answers 503 (with Retry-After), not 500.
handler500 = "newsclips.errors.server_error"
