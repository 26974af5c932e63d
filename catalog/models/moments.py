"""Moments: time ranges inside a clip (chapters, editors' segments, stories, claims)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_name
from catalog.timecode import timecode


class MomentQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("start", "end", "id")

    def for_clip_page(self):
        """What the clip page, its JSON-LD and its annotations show: tags in one query."""
        return self.in_order().prefetch_related("tags")


class Moment(models.Model):
    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("chapter")
        SEGMENT = "segment", _("segment")
        STORY = "story", _("story")
        CLAIM = "claim", _("claim")

    clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.CASCADE,
        related_name="moments",
        db_index=False,  # moment_clip_start_idx starts with the clip
    )
    kind = models.CharField(
        max_length=8,
        choices=Kind.choices,
        default=Kind.SEGMENT,
        help_text=_("Chapters come from the platform and are replaced when the clip is refreshed."),
    )
    start = models.FloatField(help_text=_("Seconds from the start of the clip."))
    end = models.FloatField(help_text=_("Seconds from the start of the clip."))
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    tags = models.ManyToManyField(
        "catalog.Tag",
        blank=True,
        related_name="moments",
        help_text=_("Tags of this moment only; its clip's tags stay the clip's."),
    )
    language = models.CharField(
        max_length=16, blank=True, help_text=_("e.g. de or en; empty: the clip's language.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MomentQuerySet.as_manager()

    class Meta:
        verbose_name = _("moment")
        verbose_name_plural = _("moments")
        ordering = ["clip", "start", "end", "id"]
        indexes = [
            models.Index(fields=["clip", "start"], name="moment_clip_start_idx"),
            models.Index(fields=["kind", "clip"], name="moment_kind_clip_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="moment_start_not_negative"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="moment_end_after_start"),
        ]

    def __str__(self):
        return f"{self.timestamp}–{timecode(self.end)} {self.title[:60]}"

    def get_absolute_url(self):
        """The clip page with the player at the moment's start (a stable link to it)."""
        return self.url_on(self.clip.get_absolute_url())

    def url_on(self, page_url):
        """The moment's link on the clip page at `page_url` (relative or absolute)."""
        return f"{page_url}?t={self.start_seconds}#{self.anchor}"

    @property
    def anchor(self):
        """The moment's id on the clip page, for the fragment of its URL."""
        return f"moment-{self.pk}"

    @property
    def start_seconds(self):
        return int(self.start)

    @property
    def time_fragment(self):
        """W3C Media Fragments' temporal dimension: 't=462,470' (fractions kept: 't=1.5,3')."""
        return f"t={_seconds_text(self.start)},{_seconds_text(self.end)}"

    @property
    def media_fragment(self):
        """'#t=462,470': on a media file's URL, the browser plays just this moment."""
        return f"#{self.time_fragment}"

    @property
    def timestamp(self):
        return timecode(self.start)

    @property
    def end_timestamp(self):
        return timecode(self.end)

    @property
    def language_name(self):
        return language_name(self.language)


def _seconds_text(seconds):
    return f"{seconds:.3f}".rstrip("0").rstrip(".")
