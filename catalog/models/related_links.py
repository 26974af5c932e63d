"""Related links: the ordered list of videos a clip's page points to, catalogued or not (yet)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RelatedLink(models.Model):
    """An ordered pointer from a clip to a related video, catalogued or not (yet)."""

    clip = models.ForeignKey("catalog.Clip", on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    target = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_from",
        help_text=_("The catalogued clip it points to; found by URL, id or exact title."),
    )

    class Meta:
        verbose_name = _("related link")
        verbose_name_plural = _("related links")
        ordering = ["clip", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["clip", "position"], name="relatedlink_unique_position"
            ),
            models.CheckConstraint(
                condition=~Q(title="", url=""), name="relatedlink_has_title_or_url"
            ),
        ]
        indexes = [
            models.Index(
                fields=["title"], condition=Q(target=None), name="relatedlink_open_title_idx"
            ),
            models.Index(fields=["url"], condition=Q(target=None), name="relatedlink_open_url_idx"),
        ]

    def __str__(self):
        return self.title or self.url
