"""A keyframe's image: for whoever may see the capture's media (catalog.capture.media_views)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from catalog.capture.media_views import may_play
from catalog.capture.storage import open_stored
from catalog.models import Capture, Keyframe


@require_safe
def keyframe_image(request, pk):
    """The small JPEG of keyframe `pk`; 403 unless the reader may see the capture."""
    if not may_play(request.user):
        raise PermissionDenied("archived media are for staff with the view capture permission")
    keyframe = get_object_or_404(
        Keyframe.objects.select_related("stored_file"),
        pk=pk,
        analysis__capture__status=Capture.Status.COMPLETE,
    )
    with open_stored(keyframe.stored_file) as handle:
        data = handle.read()
    response = HttpResponse(data, content_type=keyframe.stored_file.mime_type or "image/jpeg")
    # A keyframe's row never changes its image (a new analysis makes new rows).
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Sha256"] = keyframe.stored_file.sha256
    return response
