"""Typed relations between two clips: re-uploads, excerpts, mirrors, the same event...

A relation reads "from_clip is <kind> to_clip" (B is a re-upload of A, B is an
excerpt of A at A's 0:42-1:30). Matching suggests relations with a score and its
evidence; editors confirm or reject them, or add their own. Only confirmed
relations are shown to readers. A decision is never overwritten by a later
suggestion for the same pair and kind: matching again only refreshes the score
and the evidence of a pending suggestion.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClipRelationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=ClipRelation.Status.CONFIRMED)

    def suggested(self):
        return self.filter(status=ClipRelation.Status.SUGGESTED)

    def involving(self, clip):
        """Relations with `clip` on either side."""
        return self.filter(Q(from_clip=clip) | Q(to_clip=clip))

    def with_clips(self):
        return self.select_related("from_clip__channel", "to_clip__channel")

    def review_queue(self):
        """Suggestions waiting for an editor, best evidence first."""
        return (
            self.suggested()
            .with_clips()
            .order_by(F("score").desc(nulls_last=True), "-created_at", "-id")
        )

    def suggest(self, from_clip, to_clip, kind, *, score=None, evidence=None, ranges=None):
        """Record a matching result; returns (relation, created).

        Idempotent: the same pair and kind is one row. A pending suggestion gets
        the new score and evidence; a confirmed or rejected one keeps the
        editor's decision and its figures.
        `ranges` is (from_start, from_end, to_start, to_end) in seconds, or None.
        """
        from_start, from_end, to_start, to_end = ranges or (None, None, None, None)
        values = {
            "score": score,
            "evidence": evidence or {},
            "from_start": from_start,
            "from_end": from_end,
            "to_start": to_start,
            "to_end": to_end,
        }
        relation, created = self.get_or_create(
            from_clip=from_clip,
            to_clip=to_clip,
            kind=kind,
            defaults={**values, "origin": ClipRelation.Origin.MATCHING},
        )
        if not created and relation.status == ClipRelation.Status.SUGGESTED:
            changed = [name for name, value in values.items() if getattr(relation, name) != value]
            if changed:
                for name in changed:
                    setattr(relation, name, values[name])
                relation.save(update_fields=[*changed, "updated_at"])
        return relation, created


class ClipRelation(models.Model):
    class Kind(models.TextChoices):
        REUPLOAD = "reupload", _("re-upload of")
        EXCERPT = "excerpt", _("excerpt of")
        MIRROR = "mirror", _("mirror of")
        SAME_EVENT = "same_event", _("same event as")
        FOLLOW_UP = "follow_up", _("follow-up to")
        CORRECTION = "correction", _("correction of")
        TRANSLATION = "translation", _("translation of")
        OTHER_ANGLE = "other_angle", _("other angle of")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    class Origin(models.TextChoices):
        MATCHING = "matching", _("media matching")
        EDITOR = "editor", _("editor")
        IMPORT = "import", _("import")

    from_clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.CASCADE,
        related_name="relations_from",
        db_index=False,  # cliprelation_unique_pair starts with from_clip
        help_text=_("The clip that is the re-upload, excerpt, mirror... of the other."),
    )
    to_clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.CASCADE,
        related_name="relations_to",
        db_index=False,  # cliprelation_to_status_idx
        help_text=_("The clip it is taken from or related to."),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.SUGGESTED,
        help_text=_("Only confirmed relations are shown to readers."),
    )
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.EDITOR)
    score = models.FloatField(
        null=True, blank=True, help_text=_("Matching score from 0 to 1; empty for an editor's.")
    )
    from_start = models.FloatField(
        null=True, blank=True, help_text=_("Seconds: where the shared part starts in this clip.")
    )
    from_end = models.FloatField(null=True, blank=True, help_text=_("Seconds."))
    to_start = models.FloatField(
        null=True,
        blank=True,
        help_text=_("Seconds: where the shared part starts in the other clip."),
    )
    to_end = models.FloatField(null=True, blank=True, help_text=_("Seconds."))
    evidence = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("What matched: aligned ranges, frame and audio scores, tool versions."),
    )
    note = models.TextField(blank=True, help_text=_("The editor's reason, shown to other editors."))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClipRelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("clip relation")
        verbose_name_plural = _("clip relations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_clip", "to_clip", "kind"], name="cliprelation_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(from_clip=F("to_clip")), name="cliprelation_not_to_itself"
            ),
            models.CheckConstraint(
                condition=Q(from_end__isnull=True)
                | Q(from_start__isnull=True)
                | Q(from_end__gt=F("from_start")),
                name="cliprelation_from_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(to_end__isnull=True)
                | Q(to_start__isnull=True)
                | Q(to_end__gt=F("to_start")),
                name="cliprelation_to_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["to_clip", "status"], name="cliprelation_to_status_idx"),
            models.Index(
                fields=["-score", "-created_at"],
                condition=Q(status="suggested"),
                name="cliprelation_queue_idx",
            ),
        ]

    def __str__(self):
        return f"{self.from_clip_id} {self.get_kind_display()} {self.to_clip_id}"

    def decide(self, status, user, note=""):
        """An editor confirms or rejects the relation."""
        self.status = status
        self.reviewed_by = user
        self.reviewed_at = timezone.now()
        if note:
            self.note = note
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "note", "updated_at"])
