"""Template helpers for the clip's transcript and history partials (no queries of their own)."""

from django import template

register = template.Library()


@register.filter
def gone_since(clip):
    """The check that found the clip private, removed or geo-blocked, if it is so now.

    Uses the prefetched checks (for_detail): the newest one with the clip's status
    is the change, since a status is recorded only when it changes.
    """
    for check in clip.availability_checks.all():
        if check.status == clip.availability and check.is_gone:
            return check
    return None
