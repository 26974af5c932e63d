"""The matching index: which clips have a frame, an audio value or a thumbnail near a hash.

Multi-index hashing (Norouzi et al.): a PDQ hash (256 bits) is cut into 12 chunks
of 21 or 22 bits; two hashes within Hamming distance d share at least one chunk
within floor(d / 12) bits, and in practice (a re-encoded frame differs in 4-30
bits) most share several chunks exactly. A row is one (key, clip): the key packs
the source (thumbnail, frame, audio), the chunk's position and its value, so one
B-tree answers every lookup and a clip's many frames with the same chunk are one
row. One Chromaprint audio value (32 bits) in eight is a key as it is, chosen by
the value (catalog.matching.keys.sampled_audio): a re-encode keeps most values
exactly, and those it keeps are chosen in both. Only good-quality frames are
indexed, and a run of near-identical frames once (catalog.matching.keys). The rows
are found again by clip (the foreign key's index) to replace or drop a clip's keys.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchKey(models.Model):
    pk = models.CompositePrimaryKey("key", "clip")
    key = models.BigIntegerField(help_text=_("Source, chunk position and chunk value."))
    clip = models.ForeignKey("catalog.Clip", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("match index key")
        verbose_name_plural = _("match index keys")

    def __str__(self):
        return f"{self.key:#x} -> {self.clip_id}"


class IndexedClip(models.Model):
    """What the index holds of a clip: the fingerprints it was built from, so that
    indexing again for the same ones changes nothing."""

    clip = models.OneToOneField("catalog.Clip", on_delete=models.CASCADE, related_name="+")
    fingerprint = models.ForeignKey(
        "catalog.MediaFingerprint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    thumbnail = models.ForeignKey(
        "catalog.ThumbnailHash",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signature = models.CharField(
        max_length=64, help_text=_("What was indexed: fingerprint and thumbnail ids and times.")
    )
    keys = models.PositiveIntegerField(default=0, help_text=_("Rows in the index."))
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indexed clip")
        verbose_name_plural = _("indexed clips")

    def __str__(self):
        return f"{self.clip_id}: {self.keys} keys"


class StopKey(models.Model):
    """A key held by so many clips that it tells them apart no better than a stop word
    (a channel's jingle, a studio backdrop, a common chunk value): lookups skip it.

    Kept at index time rather than counted at lookup: counting a common key's rows on
    every query would read them all, the very cost the cap avoids. A key stays here
    until the counts are taken again (`catalog.matching.index.refresh_stop_keys`, run
    by `manage.py match --reindex`); its rows stay in MatchKey, so a key whose clips
    went away is found again after that."""

    key = models.BigIntegerField(primary_key=True, help_text=_("The key, as in MatchKey."))
    clips = models.PositiveIntegerField(help_text=_("Clips holding it when it was counted."))
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stop key")
        verbose_name_plural = _("stop keys")

    def __str__(self):
        return f"{self.key:#x} ({self.clips} clips)"
