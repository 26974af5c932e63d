"""Facet counts and the clips-per-month histogram for the clip list being shown.

Bounded cost whatever the size of the result set: up to EXACT_LIMIT matching
clips are read and counted exactly; above that the counts come from the clips of
a fixed sample of SAMPLE_SIZE ids spread evenly over the id range, scaled up, and
are marked as estimates. Ids are given out in import order, which has nothing to
do with a clip's tags, channel or date, so the spread sample is as good as a
random one and, unlike a random one, gives the same figures on every reload.

Queries: the id range, the sample's channel, language and date, and for a set
the sample says is small the same for all its clips; then the top tags, their
slugs and the channel names. A catalogue no bigger than the sample is counted
exactly in one query.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Count, Exists, Expression, OuterRef, Subquery
from django.utils import timezone

from catalog.browse.histogram import DateCounts
from catalog.languages import language_name
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


class IdList(Expression):
    """Up to a few thousand ids for `pk__in`, bound as one parameter.

    A plain list becomes one parameter per id, and building and binding a
    thousand of them twice per page cost more than the facets' Python counting.
    """

    output_field = BigIntegerField()

    def __init__(self, ids):
        super().__init__()
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        return "SELECT unnest(%s::bigint[])", [self.ids]

    def as_sqlite(self, compiler, connection):
        return "SELECT value FROM json_each(%s)", [json.dumps(self.ids)]


def _plain_rows(queryset):
    """The rows of a values_list() queryset as the database driver returns them.

    Django's converters add a few microseconds per value (making each date
    aware, through a generator per row); the facets read a thousand rows and
    need only each date's month (_aware()).
    """
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a queryset that can match nothing (none())
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aware(value):
    """A stored date as an aware datetime: SQLite's driver hands over naive UTC."""
    if isinstance(value, str):  # a connection that does not parse declared types
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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
    dates: DateCounts = field(default_factory=DateCounts)  # for the histogram
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
        self.encoded = {
            key: [urlencode({key: value}) for value in values]
            for key, values in self.params.lists()
        }

    def url(self, name, value, *, append=False):
        """The list's query string with `name` set to `value` (or one more `value`).

        The same string as QueryDict.urlencode() of the changed copy, built from
        the parameters encoded once: copying and re-encoding the QueryDict for each
        of a page's ~35 facet links cost more than counting the facets.
        """
        changes = value if isinstance(value, dict) else {name: value}
        encoded = dict(self.encoded)
        for key, item in changes.items():
            piece = [urlencode({key: item})]
            encoded[key] = encoded.get(key, []) + piece if append else piece
        return "?" + "&".join(piece for pieces in encoded.values() for piece in pieces)

    @staticmethod
    def year_range(year):
        return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}

    def rows(self):
        """(rows, scale, exact): the clips counted and by how much each one counts.

        The sample comes first: a thousand id lookups cost the same for any filter,
        while counting a big set's first EXACT_LIMIT rows can mean walking far down
        an index. Only a set the sample says is small is then read in full.
        """
        fields = ("pk", "channel_id", "language", "published_at", "published_precision")
        first = Clip.objects.order_by("pk").values("pk")[:1]
        last = Clip.objects.order_by("-pk").values("pk")[:1]
        span = Clip.objects.order_by().values_list(Subquery(first), Subquery(last))[:1]
        if not span:
            return [], 1, True
        low, high = span[0]
        size = high - low + 1
        if size <= SAMPLE_SIZE:  # the sample would be every clip
            return _plain_rows(self.queryset.values_list(*fields)), 1, True
        step = size / SAMPLE_SIZE
        sample = [low + int(step * n + step / 2) for n in range(SAMPLE_SIZE)]
        sampled = Clip.objects.filter(pk__in=IdList(sample))
        if self.queryset.query.has_filters():
            # The filters apply to each sampled clip (EXISTS on its own row): written
            # next to the id list, they let SQLite walk a filter's index instead, e.g.
            # all of a big channel's clips in a date range, to find the few sampled.
            sampled = sampled.filter(Exists(self.queryset.filter(pk=OuterRef("pk"))))
        sampled = _plain_rows(sampled.values_list(*fields))
        scale = size / SAMPLE_SIZE
        if len(sampled) * scale <= EXACT_LIMIT:
            rows = _plain_rows(self.queryset.values_list(*fields)[: EXACT_LIMIT + 1])
            if len(rows) <= EXACT_LIMIT:
                return rows, 1, True
        return sampled, scale, False

    def count(self, counter, scale, exact):
        return [(key, n if exact else _rounded(n * scale)) for key, n in counter.most_common(TOP)]

    def facets(self):
        rows, scale, exact = self.rows()
        result = Facets(total=len(rows) if exact else _rounded(len(rows) * scale), exact=exact)
        channels, languages, dates = Counter(), Counter(), DateCounts()
        # Looked up once: timezone.localtime() per row would fetch it a thousand times.
        zone = timezone.get_current_timezone()
        for _pk, channel_id, language, published, precision in rows:
            if channel_id:
                channels[channel_id] += 1
            if language:
                languages[language] += 1
            if published is None:
                result.undated += 1
                continue
            local = _aware(published).astimezone(zone)
            # Each clip at its precision: a year-only date is no January (see histogram).
            if precision == Clip.Precision.YEAR:
                dates.year_only[local.year] += 1
            elif precision == Clip.Precision.MONTH:
                dates.month_only[(local.year, local.month)] += 1
            else:
                dates.days[(local.year, local.month, local.day)] += 1
        years = dates.years
        if not exact:
            dates = dates.scaled(scale)
            result.undated = _rounded(result.undated * scale)
        result.dates = dates
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
                FacetValue(language_name(code), n, self.url("language", code))
                for code, n in self.count(languages, scale, exact)
            ]
            result.facets.append(Facet("language", values))
        return result

    def tag_facet(self, pks, scale, exact):
        # Counted on the (clip, tag) index alone; the few slugs are looked up after.
        excluded = Tag.objects.filter(slug__in=self.exclude_tags).values("pk")
        counts = list(
            ClipTag.objects.filter(clip_id__in=IdList(pks))
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
        found = Channel.objects.filter(pk__in=[pk for pk, _n in top])
        found = found.values_list("pk", "name", "slug")
        names = {pk: (name, slug) for pk, name, slug in found}
        values = [
            FacetValue(names[pk][0], n, self.url("channel", names[pk][1]))
            for pk, n in top
            if pk in names
        ]
        return Facet("channel", values)


def facet_counts(queryset, params, *, hide=(), exclude_tags=()):
    """Facets of a filtered clip list; `hide` names facets the page has no use for,
    `exclude_tags` the tags every clip of the list has anyway."""
    return FacetCounter(queryset, params, hide=hide, exclude_tags=exclude_tags).facets()
