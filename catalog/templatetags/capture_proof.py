"""The clip admin page's fixity alert: stored files of its captures that failed their check."""

from django import template
from django.db.models import Prefetch

from catalog.capture import fixity
from catalog.models import CaptureFile

register = template.Library()


@register.inclusion_tag("admin/catalog/clip/fixity_alert.html")
def fixity_alert(clip):
    """The latest failed fixity check of each of the clip's files, with the names they have."""
    uses = Prefetch(
        "stored_file__uses",
        queryset=CaptureFile.objects.filter(capture__clip=clip).order_by("capture_id", "name"),
        to_attr="clip_uses",
    )
    return {"failing": list(fixity.failing_checks(clip).prefetch_related(uses))}
