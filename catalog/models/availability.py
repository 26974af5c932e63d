"""Whether a clip can still be watched at its source: one set of states for clips and checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Availability(models.TextChoices):
    UNKNOWN = "unknown", _("not checked")
    AVAILABLE = "available", _("available")
    PRIVATE = "private", _("private")
    REMOVED = "removed", _("removed")
    GEO_BLOCKED = "geo_blocked", _("geo-blocked")
    CHECK_FAILED = "check_failed", _("check failed")


# What the platform said about a video that cannot be watched: it is gone for now.
# (A failed check says nothing about the video: a rate limit is not a removal.)
GONE = frozenset({Availability.PRIVATE, Availability.REMOVED, Availability.GEO_BLOCKED})

# What a check can find: every state but "not checked".
CHECKED = [(value, label) for value, label in Availability.choices if value != Availability.UNKNOWN]
