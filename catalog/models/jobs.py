"""Background ingestion jobs, so an editor can follow a long import item by item.

A job's items are its unit of progress and of idempotency: a worker that is
killed and runs the job again skips the items already done, and an item done
twice is harmless because `store` upserts on (platform, external_id).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .clips import Clip


class IngestJob(models.Model):
    class Kind(models.TextChoices):
        URLS = "urls", _("URLs via yt-dlp")
        INFOJSON = "infojson", _(".info.json files")
        REFRESH = "refresh", _("refresh due clips")
        FOLLOW = "follow", _("check followed sources")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("What the job was asked to do: the URLs, the limit, refresh or not."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text=_("The background task running the job.")
    )
    error = models.TextField(blank=True, help_text=_("Why the job as a whole failed."))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Last sign of life of the worker; a stale running job is resumed."),
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ingest job")
        verbose_name_plural = _("ingest jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="ingestjob_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("admin:catalog_ingestjob_change", args=[self.pk])

    @property
    def is_open(self):
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    def counts(self):
        """Items per outcome, with 'pending' for those not done yet: one query."""
        counts = {"pending": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        rows = self.items.values("outcome").annotate(n=models.Count("id")).order_by()
        for row in rows:
            counts[row["outcome"] or "pending"] = row["n"]
        return counts


class IngestJobItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "", _("pending")
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        FAILED = "failed", _("failed")

    job = models.ForeignKey(IngestJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(
        max_length=2000, help_text=_("What the editor gave: a URL or a file name.")
    )
    payload = models.TextField(
        blank=True,
        help_text=_("An uploaded file's contents until it is imported; then emptied."),
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    reason = models.TextField(blank=True, help_text=_("Why the item failed."))
    clip = models.ForeignKey(
        Clip, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ingest job item")
        verbose_name_plural = _("ingest job items")
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="ingestjobitem_position"),
            # A re-run job re-expands its playlists; known entries are not added twice.
            models.UniqueConstraint(fields=["job", "name"], name="ingestjobitem_unique_name"),
        ]

    def __str__(self):
        return self.name
