"""Channels: who publishes clips, with their links, their boilerplate lines and a clip count
the database keeps."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from catalog.links import detail_url


class Channel(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    platform = models.CharField(
        max_length=50,
        blank=True,
        help_text=_("Where the channel lives, e.g. youtube; empty for a typed-in channel."),
    )
    platform_id = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The platform's stable id, e.g. YouTube's UC…; survives renames."),
    )
    handle = models.CharField(max_length=200, blank=True, help_text=_("e.g. @WELTVideoTV"))
    url = models.URLField(max_length=2000, blank=True)
    description = models.TextField(blank=True)
    thumbnail_url = models.URLField(max_length=2000, blank=True)
    follower_count = models.PositiveBigIntegerField(null=True, blank=True)
    clip_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("How many clips the channel has; kept up to date by the database."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["name"]
        indexes = [
            # The channel index and the sitemap: biggest channels first, empty ones skipped.
            models.Index(F("clip_count").desc(), "name", name="channel_by_use_idx"),
            # The channel filter takes a slug or a typed name (name__iexact: UPPER() on
            # PostgreSQL): without it each filtered list page read the whole table.
            models.Index(Upper("name"), name="channel_name_upper_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_id"],
                condition=~Q(platform_id=""),
                name="channel_unique_platform_id",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("catalog:channel_detail", "slug", self.slug)


class ChannelLink(models.Model):
    """A link the channel publishes about itself ("WELT DOKUS Channel" -> URL)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000)

    class Meta:
        verbose_name = _("channel link")
        verbose_name_plural = _("channel links")
        ordering = ["channel", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "url"], name="channellink_unique_url"),
        ]

    def __str__(self):
        return self.label or self.url


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
