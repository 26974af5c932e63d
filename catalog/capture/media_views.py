"""Playing a capture's files on the site: staff with catalog.view_capture, or anyone when public.

Archived media are private by default (NEWSCLIPS_PUBLIC_CAPTURES off): the
permission is checked before a byte is read. Files are served with HTTP range
requests, so an HTML5 <video> can seek, from the site's own origin (the strict
CSP's default-src 'self' covers media). Only media, images and subtitles are
served inline; anything else (the captured page, the .info.json) is a download
as octet-stream, so a captured page can never run in the site's origin.
Staff plays and downloads are written to the clip's custody log.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from catalog.models import Capture, CaptureFile

from .custody import log_event
from .storage import open_stored

CHUNK = 256 * 1024
INLINE_TYPES = ("video/", "audio/", "image/jpeg", "image/png", "image/webp", "text/vtt")
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def may_play(user):
    return bool(getattr(settings, "NEWSCLIPS_PUBLIC_CAPTURES", False)) or user.has_perm(
        "catalog.view_capture"
    )


@require_safe
def capture_file(request, pk, name):
    """One file of a complete capture, with Range support; 403 unless the reader may play it."""
    if not may_play(request.user):
        raise PermissionDenied("archived media are for staff with the view capture permission")
    capture = get_object_or_404(Capture.objects.complete().select_related("clip"), pk=pk)
    file = get_object_or_404(
        CaptureFile.objects.select_related("stored_file"), capture=capture, name=name
    )
    stored = file.stored_file
    size = stored.size
    inline = stored.mime_type.startswith(INLINE_TYPES) and "download" not in request.GET
    start, end = 0, size - 1
    wanted = request.headers.get("Range", "")
    match = RANGE_RE.match(wanted.replace(" ", ""))
    partial = bool(match) and any(match.groups())
    if partial:
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:  # the last N bytes
            start = max(0, size - int(last))
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    if start == 0 and request.method == "GET" and request.user.is_authenticated:
        action = "play" if inline else "download"
        log_event(capture.clip, action, capture=capture, actor=request.user, detail=file.name)
    response = StreamingHttpResponse(
        _read(stored, start, end - start + 1) if request.method == "GET" else iter(()),
        status=206 if partial else 200,
        content_type=stored.mime_type if inline else "application/octet-stream",
    )
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Sha256"] = stored.sha256
    if partial:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_safe_name(file.name)}"'
    return response


def _read(stored, start, remaining):
    handle = open_stored(stored)
    try:
        handle.seek(start)
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _safe_name(name):
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100]
    if not cleaned:
        raise Http404
    return cleaned
