"""Perceptual fingerprints of a clip's media and thumbnail, for finding copies of it.

Stored compactly as bytes: a PDQ frame hash is 32 bytes (256 bits), so a clip's
frames are `frame_hashes` = N * 32 bytes with one quality byte per frame in
`frame_quality` (PDQ quality 0-100: black, blank and static frames score low
and are not used for matching). The audio fingerprint is Chromaprint's raw
sequence of 32-bit integers, little-endian, one every `audio_step` seconds.
A fingerprint belongs to the media bytes it was computed from (a StoredFile);
computing it again for the same bytes and tool versions changes nothing.
"""

from django.db import models
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PDQ_BYTES = 32


class FingerprintStatus(models.TextChoices):
    OK = "ok", _("computed")
    FAILED = "failed", _("failed")


class MediaFingerprintQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(status=FingerprintStatus.OK)

    def with_sizes(self):
        """Without the hashes (no page shows them), with their sizes in bytes:
        `hash_bytes` (frame_hashes) and `audio_bytes` (audio)."""
        return self.defer("frame_hashes", "audio").annotate(
            hash_bytes=Length("frame_hashes"), audio_bytes=Length("audio")
        )


class MediaFingerprint(models.Model):
    clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.CASCADE,
        related_name="media_fingerprints",
        db_index=False,  # mediafingerprint_unique_file starts with the clip
    )
    stored_file = models.ForeignKey(
        "catalog.StoredFile",
        on_delete=models.CASCADE,
        related_name="fingerprints",
        help_text=_("The media bytes the fingerprint was computed from."),
    )
    status = models.CharField(
        max_length=8, choices=FingerprintStatus.choices, default=FingerprintStatus.OK
    )
    reason = models.TextField(blank=True, help_text=_("Why it could not be computed."))
    duration = models.FloatField(null=True, blank=True, help_text=_("Seconds of media read."))
    frame_step = models.FloatField(default=1.0, help_text=_("Seconds between two hashed frames."))
    frame_hashes = models.BinaryField(
        default=b"", blank=True, help_text=_("PDQ hashes, 32 bytes per frame, in time order.")
    )
    frame_quality = models.BinaryField(
        default=b"", blank=True, help_text=_("PDQ quality (0-100), one byte per frame.")
    )
    audio_step = models.FloatField(
        null=True, blank=True, help_text=_("Seconds between two Chromaprint values.")
    )
    audio = models.BinaryField(
        default=b"", blank=True, help_text=_("Chromaprint raw fingerprint, uint32 little-endian.")
    )
    tool_versions = models.JSONField(
        default=dict, blank=True, help_text=_("e.g. ffmpeg, pdqhash and fpcalc versions.")
    )
    computed_at = models.DateTimeField(default=timezone.now)

    objects = MediaFingerprintQuerySet.as_manager()

    class Meta:
        verbose_name = _("media fingerprint")
        verbose_name_plural = _("media fingerprints")
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clip", "stored_file"], name="mediafingerprint_unique_file"
            ),
        ]

    def __str__(self):
        return f"{self.clip_id}: {self.frame_count} frames"

    @property
    def frame_count(self):
        return len(self.frame_hashes or b"") // PDQ_BYTES


class ThumbnailHash(models.Model):
    clip = models.OneToOneField(
        "catalog.Clip", on_delete=models.CASCADE, related_name="thumbnail_hash"
    )
    thumbnail_url = models.URLField(
        max_length=2000, help_text=_("The thumbnail the hash was computed from.")
    )
    status = models.CharField(
        max_length=8, choices=FingerprintStatus.choices, default=FingerprintStatus.OK
    )
    reason = models.TextField(blank=True)
    pdq = models.BinaryField(default=b"", blank=True, help_text=_("PDQ hash, 32 bytes."))
    quality = models.PositiveSmallIntegerField(default=0, help_text=_("PDQ quality, 0-100."))
    tool_versions = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thumbnail hash")
        verbose_name_plural = _("thumbnail hashes")

    def __str__(self):
        return f"{self.clip_id}: {bytes(self.pdq).hex()[:16]}"
