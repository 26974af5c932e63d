"""Channels and playlists the catalogue follows: new uploads are ingested as they appear."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .channels import Channel


class FollowedSourceQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(enabled=True, next_check_at__lte=now or timezone.now()).order_by(
            "next_check_at", "id"
        )


class FollowedSource(models.Model):
    """A channel or playlist URL that is checked for new videos on a schedule.

    A check reads only the newest entries (the channel's feed, else a short
    flat listing) and ingests those not catalogued yet; it never walks the whole
    history again. Whether an entry is known is one query against the clips.
    """

    url = models.URLField(
        max_length=2000,
        unique=True,
        help_text=_("A channel or playlist URL, e.g. https://www.youtube.com/@tagesschau."),
    )
    feed_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text=_(
            "The channel's RSS feed; filled in after the first check of a YouTube channel. "
            "Empty: new videos are found by listing the URL."
        ),
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_sources",
        help_text=_("The catalogue's channel; filled in from the first video found."),
    )
    enabled = models.BooleanField(default=True, help_text=_("Switch off to pause checks."))
    interval = models.DurationField(
        default=timedelta(hours=1),
        help_text=_("Time between checks, e.g. 01:00:00 for hourly."),
    )
    limit = models.PositiveIntegerField(
        default=15,
        help_text=_("How many of the newest entries a check looks at."),
    )
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(
        max_length=200, blank=True, help_text=_("e.g. 2 created, 13 unchanged, 0 failed.")
    )
    last_error = models.TextField(blank=True)
    next_check_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowedSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("followed source")
        verbose_name_plural = _("followed sources")
        ordering = ["url"]
        indexes = [
            # FollowedSource.objects.due(): enabled sources whose time has come.
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(enabled=True),
                name="followedsource_due_idx",
            ),
        ]

    def __str__(self):
        return self.url
