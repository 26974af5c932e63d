"""Facet counts and the clips-per-month histogram for the clip list being shown.

Bounded cost whatever the size of the result set: up to EXACT_LIMIT matching
clips are read and counted exactly; above that the counts come from the clips of
a fixed sample of SAMPLE_SIZE ids spread evenly over the id range, scaled up, and
are marked as estimates. Ids are given out in import order, which has nothing to
do with a clip's tags, channel or date, so the spread sample is as good as a
random one and, unlike a random one, gives the same figures on every reload.

Queries: a bounded count, then either the matching clips' channel, language and
date, or the id range (two) and the sample's; then their top tags, those tags'
slugs and the channel names.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.utils import timezone

from catalog.models import Channel, Clip, ClipTag, Tag

EXACT_LIMIT = 2000
SAMPLE_SIZE = 1000
TOP = 10


def _rounded(value):
    """An estimate shown with two significant digits: 12,345 -> 12,000."""
    if value < 100:
        return round(value)
    digits = len(str(int(value))) - 2
    return int(round(value, -digits))


@dataclass
class FacetValue:
    label: str
    count: int
    url: str


@dataclass
class Facet:
    name: str  # tag, channel, year, language
    values: list[FacetValue]


@dataclass
class Facets:
    total: int
    exact: bool
    facets: list[Facet] = field(default_factory=list)
    months: Counter = field(default_factory=Counter)  # (year, month) -> count
    undated: int = 0

    @property
    def by_name(self):
        return {facet.name: facet for facet in self.facets}


class FacetCounter:
    """Facets of `queryset` (the filtered clip list) with links built from `params`."""

    def __init__(self, queryset, params, *, hide=(), exclude_tags=()):
        self.queryset = queryset.order_by()
        chosen = (part for value in params.getlist("tag") for part in value.split(","))
        self.exclude_tags = {*map(Tag.normalise, chosen), *exclude_tags}
        self.params = params.copy()
        for name in ("cursor", "page"):
            self.params.pop(name, None)
        self.hide = set(hide)

    def url(self, name, value, *, append=False):
        params = self.params.copy()
        if append:
            params.appendlist(name, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                params[key] = item
        else:
            params[name] = value
        return f"?{params.urlencode()}"

    @staticmethod
    def year_range(year):
        return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}

    def rows(self):
        """(rows, scale, exact): the clips counted and by how much each one counts."""
        fields = ("pk", "channel_id", "language", "published_at")
        # A bounded count first: reading a big set's first rows only to learn that
        # it is big would cost more than the sample.
        if self.queryset.values("pk")[: EXACT_LIMIT + 1].count() <= EXACT_LIMIT:
            return list(self.queryset.values_list(*fields)), 1, True
        # Two queries: each is one step down an index; MIN and MAX in one query
        # make SQLite scan the table.
        ids = Clip.objects.order_by().values_list("pk", flat=True)
        low, high = ids.aggregate(low=Min("pk"))["low"], ids.aggregate(high=Max("pk"))["high"]
        step = max((high - low + 1) / SAMPLE_SIZE, 1)
        sample = sorted({low + int(step * n + step / 2) for n in range(SAMPLE_SIZE)})
        rows = list(self.queryset.filter(pk__in=sample).values_list(*fields))
        return rows, (high - low + 1) / len(sample), False

    def count(self, counter, scale, exact):
        return [(key, n if exact else _rounded(n * scale)) for key, n in counter.most_common(TOP)]

    def facets(self):
        rows, scale, exact = self.rows()
        result = Facets(total=len(rows) if exact else _rounded(len(rows) * scale), exact=exact)
        months, channels, languages = Counter(), Counter(), Counter()
        for _pk, channel_id, language, published in rows:
            if channel_id:
                channels[channel_id] += 1
            if language:
                languages[language] += 1
            if published is None:
                result.undated += 1
            else:
                local = timezone.localtime(published)
                months[(local.year, local.month)] += 1
        years = Counter()
        for (year, _month), n in months.items():
            years[year] += n
        if not exact:
            months = Counter({key: n * scale for key, n in months.items()})
            result.undated = _rounded(result.undated * scale)
        result.months = months
        pks = [row[0] for row in rows]
        if "tag" not in self.hide and pks:
            result.facets.append(self.tag_facet(pks, scale, exact))
        if "channel" not in self.hide and channels:
            result.facets.append(self.channel_facet(channels, scale, exact))
        if "year" not in self.hide and years:
            values = [
                FacetValue(str(year), n, self.url("year", self.year_range(year)))
                for year, n in sorted(self.count(years, scale, exact), reverse=True)
            ]
            result.facets.append(Facet("year", values))
        if "language" not in self.hide and languages:
            values = [
                FacetValue(code, n, self.url("language", code))
                for code, n in self.count(languages, scale, exact)
            ]
            result.facets.append(Facet("language", values))
        return result

    def tag_facet(self, pks, scale, exact):
        # Counted on the (clip, tag) index alone; the few slugs are looked up after.
        excluded = Tag.objects.filter(slug__in=self.exclude_tags).values("pk")
        counts = list(
            ClipTag.objects.filter(clip_id__in=pks)
            .exclude(tag_id__in=excluded)
            .values_list("tag_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag_id")[:TOP]
        )
        slugs = dict(Tag.objects.filter(pk__in=[pk for pk, _n in counts]).values_list("pk", "slug"))
        values = [
            FacetValue(
                f"#{slugs[pk]}",
                n if exact else _rounded(n * scale),
                self.url("tag", slugs[pk], append=True),
            )
            for pk, n in sorted(counts, key=lambda row: (-row[1], slugs.get(row[0], "")))
            if pk in slugs
        ]
        return Facet("tag", values)

    def channel_facet(self, channels, scale, exact):
        top = self.count(channels, scale, exact)
        names = Channel.objects.in_bulk([pk for pk, _n in top])
        values = [
            FacetValue(names[pk].name, n, self.url("channel", names[pk].slug))
            for pk, n in top
            if pk in names
        ]
        return Facet("channel", values)


def facet_counts(queryset, params, *, hide=(), exclude_tags=()):
    """Facets of a filtered clip list; `hide` names facets the page has no use for,
    `exclude_tags` the tags every clip of the list has anyway."""
    return FacetCounter(queryset, params, hide=hide, exclude_tags=exclude_tags).facets()
