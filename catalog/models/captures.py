"""Captures: preserved copies of a clip's media with the facts needed to prove them.

A Capture is one attempt to preserve one clip. Its files are StoredFiles,
stored once by content hash, so two captures of the same bytes share a file.
A complete capture is immutable (a new capture of the same clip is a new row),
and every action on a clip's captures is written to its CustodyEvent log,
which is append-only.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One blob in STORAGES["captures"], named by its SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True, help_text=_("Hex SHA-256 of the bytes."))
    size = models.BigIntegerField(help_text=_("Bytes."))
    mime_type = models.CharField(max_length=100, blank=True)
    name = models.CharField(
        max_length=200, help_text=_("Name in the captures storage: sha256/ab/cd/<hex>.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.sha256


def protect_complete(collector, field, sub_objs, using):
    """on_delete of a clip's captures: a complete one protects the clip, others go with it.

    Preserved evidence is deleted only on purpose (the admin asks for the reason
    and logs it); a queued or failed capture is no evidence and must not stop an
    editor from deleting a clip.
    """
    complete = [capture for capture in sub_objs if capture.status == "complete"]
    if complete:
        raise models.ProtectedError(
            "Cannot delete a clip with complete captures: delete them first, with a reason.",
            complete,
        )
    models.CASCADE(collector, field, sub_objs, using)


class CaptureQuerySet(models.QuerySet):
    def complete(self):
        return self.filter(status=Capture.Status.COMPLETE)

    def open(self):
        return self.filter(status__in=[Capture.Status.QUEUED, Capture.Status.RUNNING])

    def latest_first(self):
        return self.order_by(models.F("finished_at").desc(nulls_last=True), "-id")

    def with_files(self):
        return self.select_related("clip").prefetch_related(
            models.Prefetch(
                "files",
                queryset=CaptureFile.objects.select_related("stored_file").order_by("role", "name"),
            )
        )


class Capture(models.Model):
    """One attempt to preserve one clip: immutable once complete."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        COMPLETE = "complete", _("complete")
        FAILED = "failed", _("failed")

    class Priority(models.IntegerChoices):
        NORMAL = 0, _("normal")
        AT_RISK = 10, _("at risk")

    clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=protect_complete,
        related_name="captures",
        db_index=False,  # capture_clip_idx starts with the clip
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    reason = models.TextField(blank=True, help_text=_("Why the capture failed."))
    priority = models.SmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    source_url = models.URLField(max_length=2000, help_text=_("The page the media came from."))
    host = models.CharField(
        max_length=255, blank=True, help_text=_("The source's host: captures per host are limited.")
    )
    media_urls = models.JSONField(
        default=list, blank=True, help_text=_("Every media URL fetched, after redirects.")
    )
    ytdlp_version = models.CharField(max_length=40, blank=True)
    format_id = models.CharField(max_length=200, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    http_headers = models.JSONField(default=dict, blank=True)
    cert_chain_pem = models.TextField(blank=True)
    cert_sha256 = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the server's certificate (DER).")
    )
    manifest = models.BinaryField(
        blank=True, default=b"", help_text=_("The exact canonical JSON bytes that were signed.")
    )
    signature = models.BinaryField(blank=True, default=b"", help_text=_("Raw Ed25519, 64 bytes."))
    key_fingerprint = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worker_host = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    not_before = models.DateTimeField(
        default=timezone.now, help_text=_("A retry waits until then (backoff).")
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life; a stale running capture resumes.")
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CaptureQuerySet.as_manager()

    class Meta:
        verbose_name = _("capture")
        verbose_name_plural = _("captures")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clip", "-finished_at"], name="capture_clip_idx"),
            # The job queue: open captures, most urgent first.
            models.Index(
                fields=["-priority", "not_before"],
                condition=models.Q(status__in=["queued", "running"]),
                name="capture_open_idx",
            ),
        ]

    def __str__(self):
        return f"capture #{self.pk} of clip #{self.clip_id} ({self.status})"

    def save(self, *args, **kwargs):
        if getattr(self, "_loaded_status", None) == self.Status.COMPLETE:
            raise PermissionDenied("a complete capture is immutable; capture the clip again")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_complete(self):
        return self.status == self.Status.COMPLETE

    def media_file(self):
        """The media's CaptureFile, or None (uses prefetched files where there are)."""
        return next((f for f in self.files.all() if f.role == CaptureFile.Role.MEDIA), None)


class CaptureFile(models.Model):
    """A file of a capture: which stored blob, under which name, fetched from where."""

    class Role(models.TextChoices):
        MEDIA = "media", _("media")
        THUMBNAIL = "thumbnail", _("thumbnail")
        SUBTITLE = "subtitle", _("subtitles")
        INFOJSON = "infojson", _(".info.json")
        PAGE = "page", _("page")

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    role = models.CharField(max_length=16, choices=Role.choices)
    name = models.CharField(
        max_length=200, help_text=_("The file's name in the capture, e.g. media.mp4.")
    )
    url = models.URLField(max_length=2000, blank=True, help_text=_("Where it was fetched."))

    class Meta:
        verbose_name = _("capture file")
        verbose_name_plural = _("capture files")
        ordering = ["capture", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["capture", "name"], name="capturefile_unique_name"),
        ]

    def __str__(self):
        return self.name


class CaptureTimestamp(models.Model):
    """An RFC 3161 token from a time-stamping authority over sha256(manifest)."""

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="timestamps")
    tsa_url = models.URLField(max_length=2000)
    token = models.BinaryField(help_text=_("DER TimeStampResp."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("capture timestamp")
        verbose_name_plural = _("capture timestamps")
        ordering = ["capture", "id"]

    def __str__(self):
        return self.tsa_url


class FixityCheck(models.Model):
    """One re-hash of a stored file, as an archive's fixity audit records it."""

    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.CASCADE, related_name="fixity_checks"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    actual_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("fixity check")
        verbose_name_plural = _("fixity checks")
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["stored_file", "-checked_at"], name="fixitycheck_file_idx"),
        ]

    def __str__(self):
        return f"{'ok' if self.ok else 'MISMATCH'} on {self.checked_at:%Y-%m-%d}"


class CustodyEvent(models.Model):
    """The append-only custody log of a clip's captures: who did what, when."""

    class Action(models.TextChoices):
        CAPTURE = "capture", _("capture")
        VERIFY = "verify", _("verify")
        PLAY = "play", _("play")
        DOWNLOAD = "download", _("download")
        DELETE = "delete", _("delete")
        FIXITY = "fixity", _("fixity check")
        EXPORT = "export", _("export")

    clip = models.ForeignKey(
        "catalog.Clip",
        # A clip that can be deleted (no complete capture) takes its log with it.
        on_delete=models.CASCADE,
        related_name="custody_events",
        db_index=False,  # custodyevent_clip_idx starts with the clip
    )
    capture = models.ForeignKey(
        Capture,
        on_delete=models.SET_NULL,  # a deleted capture's events stay, naming it in detail
        null=True,
        blank=True,
        related_name="custody_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["clip", "-at", "-id"]
        indexes = [models.Index(fields=["clip", "-at"], name="custodyevent_clip_idx")]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("the custody log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the custody log is append-only")


class CaptureRule(models.Model):
    """Capture every clip of a followed source, a channel or a tag as it is catalogued."""

    followed_source = models.ForeignKey(
        "catalog.FollowedSource",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="capture_rules",
    )
    channel = models.ForeignKey(
        "catalog.Channel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="capture_rules",
    )
    tag = models.ForeignKey(
        "catalog.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="capture_rules"
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("capture rule")
        verbose_name_plural = _("capture rules")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(followed_source__isnull=False, channel=None, tag=None)
                    | models.Q(followed_source=None, channel__isnull=False, tag=None)
                    | models.Q(followed_source=None, channel=None, tag__isnull=False)
                ),
                name="capturerule_one_target",
            ),
        ]

    def __str__(self):
        target = self.followed_source or self.channel or self.tag
        return f"capture {target}"

    def clean(self):
        targets = [self.followed_source_id, self.channel_id, self.tag_id]
        if sum(target is not None for target in targets) != 1:
            raise ValidationError(_("Choose exactly one: a followed source, a channel or a tag."))
