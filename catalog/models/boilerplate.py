"""Lines a channel repeats under most of its clips (subscribe calls, disclaimers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .clips import Channel


class ChannelBoilerplate(models.Model):
    """The channel's boilerplate lines, as last detected (catalog.search.boilerplate).

    The search index leaves these lines out of the channel's descriptions (the
    database's triggers read them), and the clip page folds them away.
    """

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="boilerplate"
    )
    lines = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Whitespace-normalised lines that repeat across the channel's clips."),
    )
    clip_count = models.PositiveIntegerField(
        default=0, help_text=_("How many clips the channel had when the lines were detected.")
    )
    detected_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel boilerplate")
        verbose_name_plural = _("channel boilerplate")

    def __str__(self):
        return f"{self.channel}: {len(self.lines)} lines"
