"""What is shown on screen: the analysis of a capture's media, and the keyframes it stored.

A MediaAnalysis is one capture's analysis and its own background job (the row
is the job, as a Capture is). Its steps are recorded on the row as they
finish, so a killed run resumes where it stopped: the keyframes once stored,
the text read so far (`text_until`). Keyframes are small images in the
captures storage, stored by content hash like a capture's files; the text
shown on screen ends up as the clip's "on-screen text" transcript segments
(TranscriptSegment.Kind.ONSCREEN), so the one full-text search finds it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.timecode import timecode


class MediaAnalysisQuerySet(models.QuerySet):
    def complete(self):
        return self.filter(status=MediaAnalysis.Status.COMPLETE)


class MediaAnalysis(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        COMPLETE = "complete", _("complete")
        FAILED = "failed", _("failed")

    capture = models.OneToOneField(
        "catalog.Capture", on_delete=models.CASCADE, related_name="analysis"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    reason = models.TextField(
        blank=True, help_text=_("Why the analysis failed, or what it could not do.")
    )
    duration = models.FloatField(null=True, blank=True, help_text=_("Seconds of video."))
    keyframes_done = models.BooleanField(
        default=False, help_text=_("The keyframes are stored (the first step).")
    )
    text_until = models.FloatField(
        default=0, help_text=_("Seconds of video read for text so far: a killed run resumes here.")
    )
    text_frames = models.JSONField(
        default=list,
        blank=True,
        help_text=_("What each sampled frame showed: [seconds, [line, ...]]."),
    )
    frames_read = models.PositiveIntegerField(default=0)
    frames_skipped = models.JSONField(
        default=dict, blank=True, help_text=_("Frames that could not be read, counted by reason.")
    )
    ffmpeg_version = models.CharField(max_length=100, blank=True)
    tesseract_version = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life; a stale running analysis resumes.")
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = MediaAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("media analysis")
        verbose_name_plural = _("media analyses")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Stale running analyses, found by check_due.
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(status="running"),
                name="mediaanalysis_running_idx",
            ),
        ]

    def __str__(self):
        return f"analysis of capture #{self.capture_id} ({self.status})"

    @property
    def skipped_total(self):
        return sum(self.frames_skipped.values())


class Keyframe(models.Model):
    """A small image of the video at a shot change, or at least every few seconds."""

    analysis = models.ForeignKey(MediaAnalysis, on_delete=models.CASCADE, related_name="keyframes")
    time = models.FloatField(help_text=_("Seconds from the start of the clip."))
    shot_change = models.BooleanField(
        default=False, help_text=_("A new shot starts here (not only a regular sample).")
    )
    stored_file = models.ForeignKey(
        "catalog.StoredFile", on_delete=models.PROTECT, related_name="keyframes"
    )

    class Meta:
        verbose_name = _("keyframe")
        verbose_name_plural = _("keyframes")
        ordering = ["analysis", "time"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "time"], name="keyframe_unique_time"),
        ]

    def __str__(self):
        return f"{self.time:.1f} s"

    @property
    def start_seconds(self):
        """Whole seconds, for the `?t=` link to this point of the clip."""
        return int(self.time)

    @property
    def timestamp(self):
        return timecode(self.time)
