"""The clip page's "preserved copy" section."""

from django import template

from catalog.capture.media_views import may_play
from catalog.models import Capture

register = template.Library()


@register.inclusion_tag("catalog/includes/clip_capture.html", takes_context=True)
def preserved_copy(context, clip):
    """The latest complete capture of `clip`: readers see that it exists; who may, plays it."""
    capture = Capture.objects.complete().filter(clip=clip).with_files().latest_first().first()
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
    }
