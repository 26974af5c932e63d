"""Story threads: a curated, named group of clips about one story (a summit, an incident).

Editors put clips into a thread, each with an optional note and place; readers see
the thread's clips on a timeline with the confirmed relations between them
(catalog.browse.timeline). Only published threads are shown to readers.
"""

from django.db import models
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.links import detail_url


class StoryThreadQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)

    def with_counts(self):
        """Each thread with `clip_total` and its clips' first and last dates (first_at, last_at)."""
        return self.annotate(
            clip_total=Count("thread_clips", distinct=True),
            first_at=Min("thread_clips__clip__published_at"),
            last_at=Max("thread_clips__clip__published_at"),
        )

    def containing(self, clip):
        return self.filter(thread_clips__clip=clip)


class StoryThread(models.Model):
    name = models.CharField(max_length=200, help_text=_("e.g. “G7 summit in Elmau, 2022”."))
    slug = models.SlugField(
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text=_("The thread's address: /threads/<slug>/."),
    )
    description = models.TextField(
        blank=True, help_text=_("What the story is and why these clips belong to it.")
    )
    published = models.BooleanField(
        default=True,
        help_text=_("Only published threads are shown to readers; a draft is for editors."),
    )
    clips = models.ManyToManyField(
        "catalog.Clip", through="catalog.ThreadClip", related_name="threads", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("story thread")
        verbose_name_plural = _("story threads")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(
                fields=["-updated_at", "-id"],
                condition=Q(published=True),
                name="storythread_public_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("catalog:thread_detail", "slug", self.slug)


class ThreadClip(models.Model):
    thread = models.ForeignKey(
        "catalog.StoryThread",
        on_delete=models.CASCADE,
        related_name="thread_clips",
        db_index=False,  # threadclip_unique starts with the thread
    )
    clip = models.ForeignKey(
        "catalog.Clip",
        on_delete=models.CASCADE,
        related_name="thread_clips",
        db_index=False,  # threadclip_clip_idx
    )
    note = models.TextField(
        blank=True, help_text=_("Why the clip matters to the story; shown on the thread page.")
    )
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Optional: orders clips of the same date; the timeline follows publication dates."
        ),
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("clip in a thread")
        verbose_name_plural = _("clips in the thread")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "clip"], name="threadclip_unique"),
        ]
        indexes = [
            # The clip page lists the threads a clip is in.
            models.Index(fields=["clip", "thread"], name="threadclip_clip_idx"),
        ]

    def __str__(self):
        return f"{self.thread_id}: {self.clip_id}"
