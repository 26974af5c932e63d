"""/api/v1/: included by newsclips.urls under the "api" namespace."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("clips", views.ClipViewSet, basename="clip")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("tags", views.TagViewSet, basename="tag")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
