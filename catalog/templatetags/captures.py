"""Captures on clip pages: the public "preserved copy", its keyframes for those who may see
it, and the admin's captures and custody log."""

from django import template

from catalog.capture.media_views import may_play
from catalog.models import CustodyEvent, Keyframe, MediaAnalysis

register = template.Library()


@register.inclusion_tag("catalog/includes/clip_capture.html", takes_context=True)
def preserved_copy(context, clip):
    """The latest complete capture of `clip`: readers see that it exists; who may, plays it."""
    capture = clip.latest_capture
    request = context.get("request")
    media = capture.media_file() if capture else None
    files = list(capture.files.all()) if capture else []
    return {
        "capture": capture,
        "media": media,
        # subtitles.<language>.vtt, as the download names them
        "subtitles": [
            (f, f.name.split(".")[1])
            for f in files
            if f.role == "subtitle" and f.name.endswith(".vtt") and f.name.count(".") == 2
        ],
        "poster": next((f for f in files if f.role == "thumbnail"), None),
        "can_play": bool(request and media and may_play(request.user)),
        # A keyframe's or a transcript's ?t= starts the preserved copy there too (#t=).
        "start": _start(request),
    }


def _start(request):
    start = request.GET.get("t", "") if request else ""
    return int(start) if start.isdigit() else 0


@register.inclusion_tag("catalog/includes/clip_keyframes.html", takes_context=True)
def keyframe_strip(context, clip):
    """The keyframes of the latest capture, for those who may see it; each with its moment.

    `clip` from Clip.objects.for_detail(): its moments are prefetched. One query.
    """
    request = context.get("request")
    capture = clip.latest_capture
    if capture is None or request is None or not may_play(request.user):
        return {"frames": []}
    keyframes = Keyframe.objects.filter(
        analysis__capture=capture, analysis__status=MediaAnalysis.Status.COMPLETE
    ).order_by("time")
    moments = list(clip.moments.all())
    frames = [
        (frame, next((m for m in moments if m.start <= frame.time < m.end), None))
        for frame in keyframes
    ]
    return {"frames": frames, "target": "player" if clip.embed_url else "preserved"}


@register.inclusion_tag("admin/catalog/clip/captures.html")
def clip_captures(clip):
    """The admin clip page's tables: every capture with its media hash, and the custody log."""
    captures = clip.captures.with_files().order_by("-created_at", "-id")
    events = CustodyEvent.objects.filter(clip=clip).select_related("actor").order_by("-at", "-id")
    return {"captures": list(captures), "events": list(events)}
