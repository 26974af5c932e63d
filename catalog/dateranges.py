"""A reader's date range, and how it decides for clips known only by their year or month.

A clip dated to the day (or the moment) is in the range when that day is. A clip
known only by its year is stored as the first instant of that year with year
precision; it is in the range only when the whole year is: "2023" is not
1 January 2023, and a range of March to June must not claim it. The same holds
for a clip known only by its month. One whose year or month reaches past an end
of the range is left out, and the list page says so (DateRange.note).

The condition stays index-friendly: the whole range bounds published_at as it
always did (the newest-first index walks it), the precision is checked only on
those rows, and the coarse clips' own sub-ranges lie inside it. The clips left
out lie at most one year or month beyond each end, found through the small
partial index of coarse dates (clip_coarse_date_idx).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, Lookup, Q
from django.utils import timezone

from catalog.models import Clip

COARSE = (Clip.Precision.YEAR, Clip.Precision.MONTH)


class LiteralIn(Lookup):
    """`column IN ('year', 'month')` with the values written into the SQL, not bound.

    SQLite uses a partial index only where the query repeats the index's condition
    word for word, and a bound parameter never matches the index's literal: with
    parameters, the clips a range leaves out were found by walking every clip of a
    year in the newest-first index (80 ms at 100,000 clips), with literals in the
    small clip_coarse_date_idx (under 1 ms). The values must be plain words (this
    module's constants, never input); a Lookup, so no "= 1" follows it on SQLite.
    """

    lookup_name = "literal_in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not all(isinstance(value, str) and value.isidentifier() for value in self.rhs):
            raise ValueError(f"not plain words: {self.rhs!r}")
        lhs, params = self.process_lhs(compiler, connection)
        values = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({values})", params


def _coarse():
    """The condition of clip_coarse_date_idx, as SQLite must see it (see LiteralIn)."""
    return LiteralIn(F("published_precision"), COARSE)


def day_start(day):
    """The first instant of a local day."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _year_floor(day):
    return date(day.year, 1, 1)


def _year_next(day):
    return date(day.year + 1, 1, 1)


def _month_floor(day):
    return day.replace(day=1)


def _month_next(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


# precision: (first day of the period holding a day, first day of the period after it)
PERIODS = {
    Clip.Precision.YEAR: (_year_floor, _year_next),
    Clip.Precision.MONTH: (_month_floor, _month_next),
}


def _between(first, after):
    """published_at from the start of day `first` to before day `after` (None: open)."""
    q = Q()
    if first:
        q &= Q(published_at__gte=day_start(first))
    if after:
        q &= Q(published_at__lt=day_start(after))
    return q


@dataclass
class LeftOut:
    label: str  # "2023", "May 2024"
    precision: str  # Clip.Precision.YEAR or MONTH
    count: int


@dataclass
class DateNote:
    """What the list page says about a range: the clips it left out and why."""

    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def total(self):
        return sum(item.count for item in self.left_out)


@dataclass(frozen=True)
class DateRange:
    first: date | None  # local days, both included; one of them may be open
    last: date | None

    def _inside(self, precision):
        """(first, after) days of the whole periods inside the range; None if none fits."""
        floor, following = PERIODS[precision]
        first = following(self.first - timedelta(days=1)) if self.first else None
        after = floor(self.last + timedelta(days=1)) if self.last else None
        if first and after and first >= after:
            return None
        return first, after

    def q(self):
        """The clips in the range: exact dates by day, coarse ones by their whole period."""
        inside = ~Q(published_precision__in=COARSE)
        for precision in COARSE:
            period = self._inside(precision)
            if period:
                inside |= Q(published_precision=precision) & _between(*period)
        after = self.last + timedelta(days=1) if self.last else None
        return _between(self.first, after) & inside

    def straddling_q(self):
        """Clips known only by a year or month that overlaps the range without lying in it."""
        straddling = Q(pk__in=[])
        for precision, (floor, following) in PERIODS.items():
            overlap = (
                floor(self.first) if self.first else None,
                following(self.last) if self.last else None,
            )
            inside = self._inside(precision)
            if inside is None:
                parts = [overlap]
            else:
                parts = [(overlap[0], inside[0]), (inside[1], overlap[1])]
                parts = [part for part in parts if part[0] and part[1] and part[0] < part[1]]
            for part in parts:
                # The index's condition in each branch: SQLite plans an OR's branches
                # one by one, each on its own terms (see LiteralIn).
                straddling |= Q(_coarse(), published_precision=precision) & _between(*part)
        return straddling

    def note(self, rows):
        """A DateNote from (precision, published_at, count) rows of the straddling clips."""
        counts = {}
        for precision, published_at, count in rows:
            moment = timezone.localtime(published_at)
            month = 0 if precision == Clip.Precision.YEAR else moment.month
            label = Clip.date_display(published_at, precision)
            item = counts.setdefault((moment.year, month), LeftOut(label, precision, 0))
            item.count += count
        return DateNote([counts[key] for key in sorted(counts)])
