"""Tags: normalised slugs shared by every source, with a clip count the database keeps,
and which clip carries which (ClipTag, the clips' `tags` through model)."""

from django.db import models
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.links import detail_url


class TagQuerySet(models.QuerySet):
    def with_clip_counts(self):
        """Tags in use; `clip_count` is kept by the database (see migration 0002)."""
        return self.filter(clip_count__gt=0)

    def by_use(self):
        return self.with_clip_counts().order_by("-clip_count", "slug")


class Tag(models.Model):
    name = models.CharField(max_length=100, help_text=_("As first seen, e.g. Ukraine."))
    slug = models.SlugField(
        max_length=100,
        unique=True,
        allow_unicode=True,
        help_text=_("Normalised: lower case, no #, Unicode letters kept."),
    )
    clip_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("How many clips carry the tag; kept up to date by the database."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]
        indexes = [
            # The tag index, most used first.
            models.Index(F("clip_count").desc(), "slug", name="tag_by_use_idx"),
        ]

    def __str__(self):
        return f"#{self.slug}"

    def get_absolute_url(self):
        return detail_url("catalog:tag_detail", "slug", self.slug)

    @staticmethod
    def normalise(name):
        """'#Ukraine', 'ukraine' and '#UKRAINE' are one tag; '#Außenpolitik' keeps its ß."""
        return slugify(name.strip().lstrip("#").lower(), allow_unicode=True)[:100]


class ClipTag(models.Model):
    class Origin(models.TextChoices):
        HASHTAG = "hashtag", _("hashtag in the text")
        KEYWORD = "keyword", _("platform keyword")
        EDITOR = "editor", _("editor")

    # The unique (clip, tag) and the (tag, clip) index serve both directions.
    clip = models.ForeignKey(
        "catalog.Clip", on_delete=models.CASCADE, related_name="clip_tags", db_index=False
    )
    tag = models.ForeignKey(
        "catalog.Tag", on_delete=models.CASCADE, related_name="clip_tags", db_index=False
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.EDITOR)

    class Meta:
        verbose_name = _("clip tag")
        verbose_name_plural = _("clip tags")
        constraints = [
            models.UniqueConstraint(fields=["clip", "tag"], name="cliptag_unique_clip_tag"),
        ]
        indexes = [
            # Tag pages and tag filters start from the tag.
            models.Index(fields=["tag", "clip"], name="cliptag_tag_clip_idx"),
        ]

    def __str__(self):
        return f"{self.clip_id} {self.tag}"
