"""The FilterSets behind every list, one per kind, each shared by its HTML page, feeds,
exports and the API: ClipFilter for clips, ClaimFilter for claims."""

from functools import cached_property
from operator import itemgetter

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from catalog.dateranges import DateRange
from catalog.languages import language_name
from catalog.models import Channel, Claim, ClaimReview, Clip, MediaReview, StoryThread, Tag
from catalog.search import by_relevance, parse_query, search
from catalog.versioning import cached_fragment


class TagListField(forms.Field):
    """?tag=a&tag=b (or ?tag=a,b): every tag, normalised like stored tags."""

    widget = django_filters.widgets.QueryArrayWidget

    def to_python(self, value):
        items = (part for item in (value or []) for part in item.split(","))
        slugs = (Tag.normalise(item) for item in items)
        return sorted({slug for slug in slugs if slug})[:10]


class TagsFilter(django_filters.Filter):
    field_class = TagListField

    def filter(self, qs, value):
        return qs.tagged(*value) if value else qs


DURATION_BUCKETS = {
    "short": (_("under 4 minutes"), Q(duration__lt=4 * 60)),
    "medium": (_("4 to 20 minutes"), Q(duration__gte=4 * 60, duration__lte=20 * 60)),
    "long": (_("over 20 minutes"), Q(duration__gt=20 * 60)),
}


LANGUAGES_CACHE_SECONDS = 300

# Clips left out by a range lie in at most one year and one month beyond each end, and
# share a few instants (a year's clips its 1 January); this many groups is plenty.
NOTE_GROUPS = 50


def known_languages():
    """The languages that occur in the catalogue (cached per catalogue version)."""
    return cached_fragment(
        ("languages",), lambda: list(Clip.objects.languages()), LANGUAGES_CACHE_SECONDS
    )


def known_threads():
    """(slug, name) of the published story threads (cached per catalogue version)."""
    return cached_fragment(
        ("threads",),
        lambda: list(StoryThread.objects.public().order_by("name").values_list("slug", "name")),
        LANGUAGES_CACHE_SECONDS,
    )


DATE_RANGE_HELP = _("A clip known only by its year or month counts when all of it is in range.")


class DateInput(forms.DateInput):
    """Both ends share one help text, shown once under the second (filter_form.html)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__({"aria-describedby": "date-range-help", **(attrs or {})}, format)


class ClipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("words, #tag, @channel")}),
    )
    tag = TagsFilter(label=_("Tags"))
    channel = django_filters.CharFilter(label=_("Channel"), method="filter_channel")
    # Both ends make one DateRange, applied by filter_queryset (see DateRange for how a
    # clip known only by its year or month is decided).
    date_from = django_filters.DateFilter(
        label=_("From"), method="applied_elsewhere", widget=DateInput, help_text=DATE_RANGE_HELP
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="applied_elsewhere", widget=DateInput, help_text=DATE_RANGE_HELP
    )
    language = django_filters.ChoiceFilter(label=_("Language"), empty_label=_("any"))
    duration = django_filters.ChoiceFilter(
        label=_("Duration"),
        choices=[(key, label) for key, (label, _q) in DURATION_BUCKETS.items()],
        method="filter_duration",
        empty_label=_("any"),
    )
    fact_checked = django_filters.ChoiceFilter(
        label=_("Fact-checks"),
        choices=[("yes", _("has a fact-check"))],
        method="filter_fact_checked",
        empty_label=_("any"),
    )
    rating = django_filters.CharFilter(
        label=_("Fact-check rating"),
        method="filter_rating",
        widget=forms.TextInput(attrs={"placeholder": _("e.g. false")}),
    )
    authenticity = django_filters.ChoiceFilter(
        label=_("Authenticity"),
        choices=MediaReview.Rating.choices,
        method="filter_authenticity",
        empty_label=_("any"),
    )
    thread = django_filters.ChoiceFilter(
        label=_("Story thread"), method="filter_thread", empty_label=_("any")
    )
    # Read by ordered(), not a filter: feeds, exports and the API keep their own order.
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[("relevance", _("best match")), ("newest", _("newest first"))],
        method="applied_elsewhere",
        empty_label=None,
    )
    # Without words to rank by, the order is newest first: the select shows that.
    _SORT_WITHOUT_WORDS = [("newest", _("newest first")), ("relevance", _("best match"))]

    class Meta:
        model = Clip
        fields = ["q", "tag", "channel", "date_from", "date_to", "language", "duration"]
        fields += ["fact_checked", "rating", "authenticity", "thread", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["language"].extra["choices"] = sorted(
            ((code, language_name(code)) for code in known_languages()), key=itemgetter(1)
        )
        self.filters["thread"].extra["choices"] = known_threads()
        sort = self.filters.get("sort")  # the API's subclass has none
        if sort and not parse_query(self.data.get("q")).positive:
            sort.extra["choices"] = self._SORT_WITHOUT_WORDS

    @property
    def sort_order(self):
        """'relevance' (offset pages, see RELEVANCE_WINDOW) or 'newest' (Clip.newest() order)."""
        data = self.form.cleaned_data if self.is_valid() else {}
        if data.get("sort") != "newest" and parse_query(data.get("q")).positive:
            return "relevance"
        return "newest"

    def ordered(self):
        """The matching clips in the reader's order: best match when searching, else newest."""
        if self.sort_order == "relevance":
            return by_relevance(self.qs, self.form.cleaned_data["q"])
        return self.qs.newest()

    @cached_property
    def date_range(self):
        """The reader's DateRange, or None without a (valid) date."""
        data = self.form.cleaned_data if self.is_valid() else {}
        first, last = data.get("date_from"), data.get("date_to")
        return DateRange(first, last) if first or last else None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Kept for date_note: the list as it would be without the date range.
        self._qs_before_dates = queryset
        if self.date_range:
            queryset = queryset.filter(self.date_range.q())
        return queryset

    @cached_property
    def date_note(self):
        """A DateNote on the clips known only by a year or month that reaches past the
        range, which it left out (the list page shows it); None without a range."""
        if not self.date_range:
            return None
        self.qs  # noqa: B018 - runs filter_queryset(), which keeps the list before the range
        rows = (
            self._qs_before_dates.filter(self.date_range.straddling_q())
            .order_by()
            .values_list("published_precision", "published_at")
            .annotate(n=Count("pk"))
        )
        return self.date_range.note(rows[:NOTE_GROUPS])

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def applied_elsewhere(self, queryset, name, value):
        """The sort (by ordered()) and the date range (by filter_queryset())."""
        return queryset

    def filter_channel(self, queryset, name, value):
        # Links carry the slug; people type the name. The channel's id, looked up
        # first, lets the database walk that channel's newest-first index alone.
        channels = Channel.objects.filter(Q(slug=value) | Q(name__iexact=value))
        return queryset.in_channel(*channels.order_by().values_list("pk", flat=True)[:5])

    def filter_thread(self, queryset, name, value: str):
        return queryset.filter(
            thread_clips__thread__slug=value, thread_clips__thread__published=True
        )

    def filter_duration(self, queryset, name, value):
        return queryset.filter(DURATION_BUCKETS[value][1])

    def filter_fact_checked(self, queryset, name, value):
        return queryset.filter(pk__in=ClaimReview.objects.values("claim__clip_id"))

    def filter_rating(self, queryset, name, value):
        reviews = ClaimReview.objects.filter(rating__iexact=value.strip())
        return queryset.filter(pk__in=reviews.values("claim__clip_id"))

    def filter_authenticity(self, queryset, name, value):
        return queryset.filter(media_review__rating=value)


def _known_choices(name, values):
    """(value, value) choices of what occurs in the catalogue, cached per version."""
    known = cached_fragment((name,), lambda: list(values()), LANGUAGES_CACHE_SECONDS)
    return [(value, value) for value in known]


def _known_ratings():
    return ClaimReview.objects.order_by("rating").values_list("rating", flat=True).distinct()


def _known_organisations():
    reviews = ClaimReview.objects.order_by("organisation")
    return reviews.values_list("organisation", flat=True).distinct()


class ClaimFilter(django_filters.FilterSet):
    """The claims page, its feeds and the API's claims: search, rating, organisation, language."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("words, #tag, @channel")}),
    )
    rating = django_filters.ChoiceFilter(
        label=_("Fact-check rating"), method="filter_rating", empty_label=_("any")
    )
    organisation = django_filters.ChoiceFilter(
        label=_("Fact-checked by"), method="filter_organisation", empty_label=_("any")
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), method="filter_language", empty_label=_("any")
    )

    class Meta:
        model = Claim
        fields = ["q", "rating", "organisation", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["rating"].extra["choices"] = _known_choices("ratings", _known_ratings)
        self.filters["organisation"].extra["choices"] = _known_choices(
            "organisations", _known_organisations
        )
        languages = cached_fragment(
            ("claim languages",), lambda: list(Claim.objects.languages()), LANGUAGES_CACHE_SECONDS
        )
        self.filters["language"].extra["choices"] = sorted(
            ((code, language_name(code)) for code in languages), key=itemgetter(1)
        )

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    # `value: str` tells the API's schema the choices' type (they come from the data).
    def filter_rating(self, queryset, name, value: str):
        return queryset.filter(pk__in=ClaimReview.objects.filter(rating=value).values("claim_id"))

    def filter_organisation(self, queryset, name, value: str):
        reviews = ClaimReview.objects.filter(organisation=value)
        return queryset.filter(pk__in=reviews.values("claim_id"))

    def filter_language(self, queryset, name, value: str):
        return queryset.in_language(value)
