"""The catalogue's clips and their queryset verbs (tags: tags.py; related links: related_links.py).

Clips are written by the ingestion pipeline (catalog.ingest), and in bulk only by
the backup restore (catalog.backup) and the benchmark catalogue
(catalog.benchdata); everything that reads them goes through the queryset verbs
below.
"""

from operator import attrgetter
from urllib.parse import urlencode

from django.db import connections, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from catalog.boilerplate_lines import split_description
from catalog.languages import language_name
from catalog.links import detail_url
from catalog.timecode import timecode
from catalog.youtube import embed_url, is_video_id

from .availability import Availability
from .channels import Channel
from .claims import Claim
from .indexes import NullsLastIndex  # migration 0003 names it catalog.models.clips.NullsLastIndex
from .related_links import RelatedLink
from .tags import ClipTag, Tag

# A tag on more clips than this is "common": a tag filter then walks the newest-first
# index and checks each clip for the tag (EXISTS) and soon has a page; a rarer tag's
# few clips are fetched from the tag's index entries first (IN) and sorted. SQLite's
# planner does not choose between the two by itself.
COMMON_TAG_CLIPS = 5000


class ClipQuerySet(models.QuerySet):
    def newest(self):
        # Undated clips (generic pages often have no date) go last on every database.
        return self.order_by(F("published_at").desc(nulls_last=True), "-id")

    def for_list(self):
        """What a card needs, in a fixed number of queries whatever the page size."""
        return self.select_related("channel").prefetch_related(
            models.Prefetch("tags", queryset=Tag.objects.order_by("slug"))
        )

    def with_moments(self):
        """Each clip's moments with their tags: two queries however many clips (exports, API)."""
        return self.prefetch_related("moments__tags")

    def with_claims(self):
        """Each clip's claims with their moments, then their reviews: two queries however
        many clips, one when no clip has a claim (exports, API)."""
        return self.prefetch_related(
            models.Prefetch(
                "claims", queryset=Claim.objects.select_related("moment").order_by("id")
            ),
            "claims__reviews",
        )

    def for_detail(self, parts=None):
        """What the clip page needs. With `parts` (a ClipParts of the clip), the parts the
        clip has not got are left empty without a query (a Prefetch of none())."""
        # The channel's boilerplate, which the description folds away.
        details = self.for_list().select_related("channel__boilerplate")
        lookups = {
            "related_links": models.Prefetch(
                "related_links",
                queryset=RelatedLink.objects.select_related("target__channel").order_by("position"),
            ),
            # By name, in their models' Meta.ordering (by language and time; newest
            # change first): those models import Clip from this module. The moments'
            # tags are read as plain values by the page's moments tag.
            "transcript_segments": "transcript_segments",
            "moments": "moments",
            "revisions": "revisions",
            "availability_checks": "availability_checks",
        }
        if parts is None:
            return details.prefetch_related(*lookups.values())

        def empty(name):
            related = self.model._meta.get_field(name).related_model
            return models.Prefetch(name, queryset=related.objects.none())

        return details.prefetch_related(
            *(lookup if getattr(parts, name) else empty(name) for name, lookup in lookups.items())
        )

    def tagged(self, *tags):
        """Clips that carry every one of the tags (Tag objects or slugs).

        The query form follows the tags' use counts (COMMON_TAG_CLIPS): the rarest
        tag's clips are fetched through its index entries (IN) unless it is common;
        every other tag is checked per clip (EXISTS). An unknown slug matches nothing.
        """
        known = [tag for tag in tags if isinstance(tag, Tag)]
        slugs = [tag for tag in tags if not isinstance(tag, Tag)]
        if slugs:
            found = list(
                Tag.objects.filter(slug__in=slugs).only("pk", "slug", "clip_count").order_by()
            )
            if len(found) < len(set(slugs)):
                return self.none()
            known += found
        if not known:
            return self
        unique = {tag.pk: tag for tag in known}.values()
        rarest, *others = sorted(unique, key=attrgetter("clip_count"))
        qs = self
        if rarest.clip_count <= COMMON_TAG_CLIPS:
            qs = qs.filter(pk__in=ClipTag.objects.filter(tag=rarest).values("clip_id"))
        else:
            others.insert(0, rarest)
        for tag in others:
            qs = qs.filter(
                models.Exists(ClipTag.objects.filter(clip=models.OuterRef("pk"), tag=tag))
            )
        return qs

    def in_channel(self, *channels):
        """Clips of any of the channels (Channel objects, ids, or one slug)."""
        match channels:
            case (str() as slug,):
                return self.filter(channel__slug=slug)
            case (one,):
                return self.filter(channel=one)
            case _:
                return self.filter(channel__in=channels)

    def in_thread(self, thread):
        """Clips of a story thread (a StoryThread or its id)."""
        return self.filter(thread_clips__thread=thread)

    def languages(self):
        """The languages that occur, in order, for the language filter's choices.

        Of the whole catalogue: one index lookup per language, each the next one up
        (a recursive query), where DISTINCT read every clip's entry (PostgreSQL at 1 M
        clips: 67 ms after each catalogue change). Of a filtered set: DISTINCT.
        """
        if self.query.has_filters():
            distinct = self.exclude(language="").order_by("language").values_list("language")
            return [language for (language,) in distinct.distinct()]
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        with connections[self.db].cursor() as cursor:
            # The table name is the model's own.
            cursor.execute(
                f"""WITH RECURSIVE found(language) AS (
                    SELECT min(language) FROM {table} WHERE language > ''
                    UNION ALL
                    SELECT (SELECT min(language) FROM {table} WHERE language > found.language)
                    FROM found WHERE found.language IS NOT NULL
                ) SELECT language FROM found WHERE language IS NOT NULL"""  # noqa: S608
            )
            return [language for (language,) in cursor.fetchall()]


class Clip(models.Model):
    class Precision(models.TextChoices):
        YEAR = "year", _("year")
        MONTH = "month", _("month")
        DAY = "day", _("day")
        TIME = "time", _("date and time")

    Availability = Availability

    # What an editor can lock against imports and refreshes (locked_fields). Locking
    # the date locks its precision too; locking tags keeps the clip's tag set as the
    # editor left it.
    LOCKABLE_FIELDS = {
        "title": _("title"),
        "description": _("description"),
        "tags": _("tags"),
        "channel": _("channel"),
        "url": _("URL"),
        "published_at": _("publication date"),
        "duration": _("duration"),
        "language": _("language"),
        "thumbnail_url": _("thumbnail"),
    }
    LOCKED_WITH = {"published_at": ("published_precision",)}

    class Source(models.TextChoices):
        PAGETEXT = "pagetext", _("page text")
        INFOJSON = "infojson", _(".info.json file")
        URL = "url", _("URL via yt-dlp")
        EDITOR = "editor", _("editor")

    platform = models.CharField(
        max_length=50,
        help_text=_("yt-dlp's extractor name in lower case (youtube, generic, …) or 'web'."),
    )
    external_id = models.CharField(
        max_length=255,
        help_text=_("The platform's id for the video; with the platform it identifies the clip."),
    )
    url = models.URLField(max_length=2000, blank=True, help_text=_("Canonical URL of the video."))
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clips",
        db_index=False,  # clip_channel_newest_idx starts with the channel
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Start of the publication period; see the precision."),
    )
    published_precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        blank=True,
        help_text=_("How much of the date is known: a page may only say the year."),
    )
    duration = models.PositiveIntegerField(null=True, blank=True, help_text=_("Seconds."))
    view_count = models.PositiveBigIntegerField(null=True, blank=True)
    like_count = models.PositiveBigIntegerField(null=True, blank=True)
    language = models.CharField(
        max_length=16, blank=True, help_text=_("Language of the clip, e.g. de or en.")
    )
    thumbnail_url = models.URLField(max_length=2000, blank=True)
    availability = models.CharField(
        max_length=16, choices=Availability.choices, default=Availability.UNKNOWN
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    source_url = models.URLField(
        max_length=2000, blank=True, help_text=_("The page or file the record was taken from.")
    )
    fetched_at = models.DateTimeField(
        default=timezone.now, help_text=_("When the source was read.")
    )
    raw = models.JSONField(
        default=dict, blank=True, help_text=_("Trimmed source metadata, kept for provenance.")
    )
    locked_fields = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Fields an editor corrected; imports and refreshes never overwrite them. "
            "Editing a field here locks it automatically."
        ),
    )
    refreshed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the video was last re-checked at its source; empty if never."),
    )
    tags = models.ManyToManyField("Tag", through="ClipTag", related_name="clips", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClipQuerySet.as_manager()

    # Set on a search result page's clips (catalog.search.attach_snippets). The
    # defaults spare every other list's cards a failed template lookup, which
    # costs Django a dir() of the clip: a tenth of a millisecond per card.
    search_title = None
    search_snippet = None
    transcript_hit = None
    # Set on the clip page's clip (catalog.models.clip_parts.ClipParts): the parts it has.
    parts = None

    class Meta:
        verbose_name = _("clip")
        verbose_name_plural = _("clips")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="clip_unique_platform_external_id"
            ),
        ]
        indexes = [
            # The default order (newest first, id as tie-break), alone and per channel.
            NullsLastIndex(F("published_at").desc(), F("id").desc(), name="clip_newest_idx"),
            NullsLastIndex(
                "channel", F("published_at").desc(), F("id").desc(), name="clip_channel_newest_idx"
            ),
            # The few clips known only by their year or month: a date range finds the
            # ones it leaves out at its ends here (catalog.dateranges).
            models.Index(
                fields=["published_precision", "published_at"],
                condition=Q(published_precision__in=["year", "month"]),
                name="clip_coarse_date_idx",
            ),
            models.Index(fields=["language"], name="clip_language_idx"),
            models.Index(fields=["url"], name="clip_url_idx"),
            models.Index(fields=["title"], name="clip_title_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return detail_url("catalog:clip_detail", "pk", self.pk)

    @property
    def all_locked_fields(self):
        """The fields imports and refreshes leave alone: the locked ones and what goes with them."""
        locked = set(self.locked_fields or ())
        for field in list(locked):
            locked.update(self.LOCKED_WITH.get(field, ()))
        return locked

    @property
    def published_display(self):
        """The date at the precision that is known ('2023', never a fake 1 January),
        in the reader's language: "Nov. 2, 2024" or "2. November 2024"."""
        return self.date_display(self.published_at, self.published_precision)

    @classmethod
    def date_display(cls, published_at, precision):
        """A publication date at `precision`, as published_display shows it ('' for None)."""
        if published_at is None:
            return ""
        moment = timezone.localtime(published_at)
        match precision:
            case cls.Precision.YEAR:
                return f"{moment:%Y}"
            case cls.Precision.MONTH:
                return date_format(moment, "YEAR_MONTH_FORMAT")
            case cls.Precision.TIME:
                return date_format(moment, "DATETIME_FORMAT")
            case _:
                return date_format(moment, "DATE_FORMAT")

    @property
    def published_iso(self):
        """Machine-readable date at its precision (for <time datetime> and exports)."""
        if self.published_at is None:
            return ""
        moment = timezone.localtime(self.published_at)
        match self.published_precision:
            case self.Precision.YEAR:
                return f"{moment:%Y}"
            case self.Precision.MONTH:
                return f"{moment:%Y-%m}"
            case self.Precision.TIME:
                return self.published_at.isoformat()
            case _:
                return f"{moment:%Y-%m-%d}"

    @property
    def language_name(self):
        """The clip's language named in the reader's language ("German", "Deutsch")."""
        return language_name(self.language)

    @property
    def description_parts(self):
        """(description, channel boilerplate): the clip page folds the second away."""
        boilerplate = getattr(self.channel, "boilerplate", None) if self.channel else None
        return split_description(self.description, boilerplate.lines if boilerplate else ())

    @property
    def duration_display(self):
        return "" if self.duration is None else timecode(self.duration)

    @property
    def youtube_id(self):
        if self.platform == "youtube" and is_video_id(self.external_id):
            return self.external_id
        return None

    @property
    def embed_url(self):
        """Privacy-enhanced player: no YouTube cookies until the reader plays."""
        return embed_url(self.youtube_id) if self.youtube_id else ""

    def may_have(self, part):
        """False only where the clip's `parts` say it has no such part (see `parts`)."""
        return self.parts is None or getattr(self.parts, part)

    @cached_property
    def latest_capture(self):
        """The newest complete capture with its files, or None: read once per clip object,
        though the clip page shows it twice (the preserved copy, the moments' media links)."""
        if not self.may_have("captures"):
            return None
        return self.captures.complete().with_files().latest_first().first()

    def player_src(self, start=0):
        """The player's URL, starting at `start` seconds (transcript timestamps link here)."""
        if not self.embed_url:
            return ""
        params = {"autoplay": 1, "rel": 0}
        if start:
            params["start"] = int(start)
        return f"{self.embed_url}?{urlencode(params)}"
