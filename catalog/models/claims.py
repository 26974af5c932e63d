"""Claims made in clips and the fact-checks that reviewed them (schema.org ClaimReview),
and an editor's rating of a clip's authenticity (schema.org MediaReview)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _


def _reviews_newest_first():
    return models.Prefetch("reviews", queryset=ClaimReview.objects.order_by("-published", "-id"))


class ClaimQuerySet(models.QuerySet):
    def newest(self):
        """Newest in the catalogue first: the claims page, its feed and the API."""
        return self.order_by("-id")

    def for_list(self):
        """What a claim's card shows (its clip and channel, its moment, its reviews):
        two queries for a page, whatever its size."""
        return self.select_related("clip__channel", "moment").prefetch_related(
            _reviews_newest_first()
        )

    def in_language(self, language):
        """Claims in the language: their own, or their clip's where they have none."""
        return self.filter(
            models.Q(language=language) | models.Q(language="", clip__language=language)
        )

    def languages(self):
        """The languages claims are in (their own or their clip's), for the filter's choices."""
        spoken = Coalesce(NullIf("language", models.Value("")), "clip__language")
        rows = self.order_by().annotate(spoken=spoken).exclude(spoken="")
        return rows.order_by("spoken").values_list("spoken", flat=True).distinct()

    def for_clip_page(self):
        """Claims with their moments and reviews (newest review first): three queries."""
        return (
            self.select_related("moment")
            .prefetch_related(_reviews_newest_first())
            .order_by(models.F("moment__start").asc(nulls_last=True), "id")
        )


class Claim(models.Model):
    clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.CASCADE,
        related_name="claims",
        db_index=False,  # claim_clip_idx
    )
    moment = models.ForeignKey(
        "catalog.Moment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        help_text=_("Where in the clip the claim is made."),
    )
    text = models.TextField(help_text=_("The claim, as made or as the fact-check sums it up."))
    claimant = models.CharField(max_length=300, blank=True, help_text=_("Who made the claim."))
    claimed_on = models.DateField(null=True, blank=True, help_text=_("When the claim was made."))
    language = models.CharField(max_length=16, blank=True, help_text=_("e.g. de or en."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["clip", "id"]
        indexes = [models.Index(fields=["clip", "id"], name="claim_clip_idx")]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        """The claim on its clip's page: at its moment's time when it has one."""
        return self.url_on(self.clip.get_absolute_url())

    def url_on(self, page_url):
        """The claim's link on the clip page at `page_url` (relative or absolute)."""
        if self.moment_id:
            return f"{page_url}?t={self.moment.start_seconds}#{self.anchor}"
        return f"{page_url}#{self.anchor}"

    @property
    def anchor(self):
        """The claim's id on the clip page, for the fragment of its URL."""
        return f"claim-{self.pk}"

    @property
    def display_language(self):
        """The language its text is in: its own, else its clip's."""
        return self.language or self.clip.language

    def clean(self):
        if self.moment_id and self.clip_id and self.moment.clip_id != self.clip_id:
            raise ValidationError({"moment": _("The moment must be one of the claim's clip.")})


class ClaimReview(models.Model):
    """One fact-check of a claim; a claim may have several, from several organisations."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    rating = models.CharField(
        max_length=200, help_text=_("The verdict as the organisation words it, e.g. False.")
    )
    organisation = models.CharField(max_length=300, help_text=_("Who checked the claim."))
    url = models.URLField(max_length=2000, help_text=_("The published fact-check."))
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fact-check")
        verbose_name_plural = _("fact-checks")
        ordering = ["claim", "-published", "id"]
        constraints = [
            # Importing the same article again updates its review instead of adding one.
            models.UniqueConstraint(fields=["claim", "url"], name="claimreview_claim_url_unique"),
        ]
        indexes = [models.Index(fields=["rating"], name="claimreview_rating_idx")]

    def __str__(self):
        return f"{self.organisation}: {self.rating}"


class MediaReview(models.Model):
    """An editor's verdict on the clip as media: is it what it claims to be?"""

    class Rating(models.TextChoices):
        # schema.org MediaReview's mediaAuthenticityCategory, in its words.
        ORIGINAL = "original", _("original media content")
        DECONTEXTUALIZED = "decontextualized", _("decontextualized content")
        EDITED = "edited", _("edited or cropped content")
        TRANSFORMED = "transformed", _("transformed content")
        STAGED = "staged", _("staged content")

    clip = models.OneToOneField(
        "catalog.Clip", on_delete=models.CASCADE, related_name="media_review", primary_key=True
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    note = models.TextField(blank=True, help_text=_("Why: what was changed or left out, and how."))
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("authenticity rating")
        verbose_name_plural = _("authenticity ratings")

    def __str__(self):
        return self.get_rating_display()

    @property
    def schema_org_category(self):
        """The schema.org term: OriginalMediaContent, EditedOrCroppedContent, …"""
        return {
            "original": "OriginalMediaContent",
            "decontextualized": "DecontextualizedContent",
            "edited": "EditedOrCroppedContent",
            "transformed": "TransformedContent",
            "staged": "StagedContent",
        }[self.rating]
