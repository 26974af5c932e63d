"""What changed about a clip at its source between fetches, and whether it is still there."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .availability import CHECKED, GONE, Availability
from .clips import Clip


class ClipRevision(models.Model):
    """One change of a clip's title, description or tags as seen by a later fetch.

    News channels quietly retitle and re-describe their videos; the old wording
    is part of the record.
    """

    class Field(models.TextChoices):
        TITLE = "title", _("title")
        DESCRIPTION = "description", _("description")
        TAGS = "tags", _("tags")

    clip = models.ForeignKey(
        Clip,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,  # cliprevision_clip_changed_idx starts with the clip
    )
    changed_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=16, choices=Field.choices)
    old = models.TextField(blank=True, help_text=_("Tags: the slugs, comma-separated."))
    new = models.TextField(blank=True, help_text=_("Tags: the slugs, comma-separated."))

    class Meta:
        verbose_name = _("clip revision")
        verbose_name_plural = _("clip revisions")
        ordering = ["clip", "-changed_at", "-id"]
        indexes = [
            models.Index(fields=["clip", "-changed_at"], name="cliprevision_clip_changed_idx"),
        ]

    def __str__(self):
        return f"{self.get_field_display()} changed on {self.changed_at:%Y-%m-%d}"


class AvailabilityCheck(models.Model):
    """A change of a clip's availability, or a check that could not tell.

    Rows are written when the status changes (and for every failed check), not
    for every successful re-check, so the history stays short; Clip.refreshed_at
    says when the clip was last seen as it is.
    """

    Status = Availability  # any but UNKNOWN: see `status`

    clip = models.ForeignKey(
        Clip,
        on_delete=models.CASCADE,
        related_name="availability_checks",
        db_index=False,  # availabilitycheck_clip_idx starts with the clip
    )
    checked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=CHECKED)
    reason = models.TextField(blank=True, help_text=_("The platform's message, as yt-dlp gave it."))

    class Meta:
        verbose_name = _("availability check")
        verbose_name_plural = _("availability checks")
        ordering = ["clip", "-checked_at", "-id"]
        indexes = [
            models.Index(fields=["clip", "-checked_at"], name="availabilitycheck_clip_idx"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} on {self.checked_at:%Y-%m-%d}"

    @property
    def is_gone(self):
        return self.status in GONE
