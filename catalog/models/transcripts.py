"""What is said in a clip (subtitles per language, as the platform offers them) and what is
written on screen (read from the captured video by catalog.analysis)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_name
from catalog.timecode import timecode

from .clips import Clip


class TranscriptSegment(models.Model):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("subtitles")
        AUTOMATIC = "automatic", _("automatic captions")
        # Read from the captured video's frames (catalog.analysis): captions, lower thirds.
        ONSCREEN = "onscreen", _("on-screen text")

    clip = models.ForeignKey(
        Clip,
        on_delete=models.CASCADE,
        related_name="transcript_segments",
        db_index=False,  # transcript_clip_lang_start_idx starts with the clip
    )
    language = models.CharField(max_length=16, help_text=_("e.g. de or en."))
    kind = models.CharField(max_length=9, choices=Kind.choices)
    start = models.FloatField(help_text=_("Seconds from the start of the clip."))
    end = models.FloatField(help_text=_("Seconds from the start of the clip."))
    text = models.TextField()

    class Meta:
        verbose_name = _("transcript segment")
        verbose_name_plural = _("transcript segments")
        ordering = ["clip", "language", "kind", "start", "id"]
        indexes = [
            models.Index(
                fields=["clip", "language", "start"], name="transcript_clip_lang_start_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="transcriptsegment_end_after"
            ),
        ]

    def __str__(self):
        return f"{self.timestamp} {self.text[:60]}"

    @property
    def start_seconds(self):
        """Whole seconds, for a `?t=` link that opens the player at this segment."""
        return int(self.start)

    @property
    def track(self):
        """What the transcript partial groups segments by: one language, one kind."""
        return (self.language, self.kind)

    @property
    def language_name(self):
        return language_name(self.language)

    @property
    def timestamp(self):
        return timecode(self.start)
