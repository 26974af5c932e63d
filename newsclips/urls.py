from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("catalog.api.urls")),
    # The language switch: POST language=de|en with the CSRF token, back to `next`.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("catalog.urls")),
]
