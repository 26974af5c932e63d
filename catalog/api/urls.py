"""/api/v1/: included by newsclips.urls under the "api" namespace."""

from django.conf import settings
from django.urls import path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("clips", views.ClipViewSet, basename="clip")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("tags", views.TagViewSet, basename="tag")
router.register("relations", views.RelationViewSet, basename="relation")
router.register("threads", views.StoryThreadViewSet, basename="thread")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Human-readable docs: Swagger UI from drf-spectacular-sidecar (no CDN), its start-up
    # script served separately (?script) so that the page needs no inline script. Its
    # icons are data: SVGs, allowed as images on this page only.
    path(
        "docs/",
        csp_override(
            {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], "data:"]}
        )(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    *router.urls,
]
