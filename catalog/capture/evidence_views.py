"""The proof on the web: the instance's public signing key, and evidence bundles for staff."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from catalog.models import Capture

from . import bundle, proof

VIEW_PERMISSION = "catalog.view_capture"


@require_safe
@cache_control(max_age=3600, public=True)
def signing_key(request):
    """The public half of the key that signs every capture's manifest (PEM, SPKI).

    Anyone checking an evidence bundle compares its evidence/signing-key.pem with this
    and passes it to `openssl pkeyutl -verify -pubin -inkey`.
    """
    response = HttpResponse(proof.public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="capture-signing-key.pem"'
    response["X-Key-Fingerprint"] = f"sha256:{proof.key_fingerprint()}"
    return response


@require_safe
def export_bundle(request, pk):
    """The evidence bundle of capture `pk` as a download, for staff who may view captures.

    Built in the capture work folder, streamed from an open file that is already
    unlinked, so nothing stays behind; the export is in the clip's custody log.
    """
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)):
        raise PermissionDenied
    capture = get_object_or_404(Capture.objects.select_related("clip"), pk=pk)
    folder = Path(settings.NEWSCLIPS_CAPTURE_WORK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix="export-") as work:
        target = Path(work) / bundle.bundle_name(capture)
        try:
            bundle.write_bundle(capture, target, actor=user)
        except bundle.BundleError as error:
            messages.error(
                request,
                _("Capture %(id)s cannot be exported: %(reason)s")
                % {"id": capture.pk, "reason": error},
            )
            return HttpResponseRedirect(
                reverse("admin:catalog_clip_change", args=[capture.clip_id])
            )
        handle = open(target, "rb")  # noqa: SIM115 (FileResponse closes it)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=target.name,
        content_type="application/wacz",
    )
