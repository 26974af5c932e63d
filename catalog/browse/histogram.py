"""Clips over time as bars for an inline SVG (no script, no inline styles).

Bars are months, or days when all dated clips fall within DAILY_MONTHS months
(one month is then some thirty bars, not one bar across the whole width). A clip
known only by its year has no month, and one known only by its month has no day
where the bars are days: such clips are never put into a bar (1 January is not
their date) but counted apart, under the chart ("+ 12 clips known only by year:
2023").
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BAR_WIDTH = 4
GAP = 1
HEIGHT = 60
DAILY_MONTHS = 3


@dataclass
class DateCounts:
    """How many clips of a list fall on each date, at the precision each one has."""

    days: Counter = field(default_factory=Counter)  # (year, month, day) -> clips known to the day
    month_only: Counter = field(default_factory=Counter)  # (year, month) -> known by month only
    year_only: Counter = field(default_factory=Counter)  # year -> known by year only

    def scaled(self, scale):
        """The counts multiplied by `scale` (a sample's clips stand for `scale` clips each)."""
        return DateCounts(
            *(Counter({key: n * scale for key, n in counter.items()}) for counter in self.counters)
        )

    @property
    def counters(self):
        return self.days, self.month_only, self.year_only

    @property
    def months(self):
        """(year, month) -> clips known at least to the month."""
        months = Counter(self.month_only)
        for (year, month, _day), n in self.days.items():
            months[(year, month)] += n
        return months

    @property
    def years(self):
        """year -> every dated clip, whatever its precision."""
        years = Counter(self.year_only)
        for (year, _month), n in self.months.items():
            years[year] += n
        return years


@dataclass
class Bar:
    x: int
    y: float
    width: int
    height: float
    label: str


@dataclass
class Histogram:
    bars: list[Bar]
    width: int
    height: int
    first: str
    last: str
    peak: str
    estimated: bool
    daily: bool = False
    apart: list[str] = field(default_factory=list)  # the clips no bar can hold, in words

    @property
    def rects(self):
        """The bars as SVG markup: built here, as ~200 bars through the template
        language would cost more than the rest of the page. Plain formatting, not
        format_html: every value is a number or a label made of numbers (histogram()),
        and escaping a thousand of them cost a few milliseconds per page."""
        return mark_safe(  # noqa: S308 - numbers only, see above
            "".join(
                f'<rect class="histogram__bar" x="{b.x}" y="{b.y}" width="{b.width}" '
                f'height="{b.height}"><title>{b.label}</title></rect>'
                for b in self.bars
                if b.height
            )
        )

    @property
    def title(self):
        span = {"first": self.first, "last": self.last}
        if self.daily:
            return _("Clips per day, %(first)s to %(last)s") % span
        return _("Clips per month, %(first)s to %(last)s") % span

    @property
    def description(self):
        text = _("Most clips on %(peak)s.") if self.daily else _("Most clips in %(peak)s.")
        text = text % {"peak": self.peak}
        if self.apart:
            text += " " + " ".join(self.apart)
        if self.estimated:
            text += " " + _("Estimated from a sample.")
        return text


def _month_keys(first, last):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _day_keys(first_month, last_month):
    day = date(*first_month, 1)
    year, month = last_month
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    while day < end:
        yield day.year, day.month, day.day
        day += timedelta(days=1)


def _label(key):
    return "-".join(f"{part:02d}" for part in key)


def _shown(count, estimated):
    return f"≈ {round(count)}" if estimated else f"{round(count)}"


def _apart(counter, estimated):
    """(clips, {"count": "12", "periods": "2022 (5), 2023 (7)"}), or None without clips."""
    total = sum(counter.values())
    if not round(total):
        return None
    if len(counter) == 1:
        periods = _label(next(iter(counter)))
    else:
        periods = ", ".join(
            f"{_label(key)} ({_shown(n, estimated)})" for key, n in sorted(counter.items())
        )
    return round(total), {"count": _shown(total, estimated), "periods": periods}


def _known_only_by_year(counts, estimated):
    found = _apart(Counter({(year,): n for year, n in counts.year_only.items()}), estimated)
    if not found:
        return None
    n, values = found
    return (
        ngettext(
            "+ %(count)s clip known only by year: %(periods)s",
            "+ %(count)s clips known only by year: %(periods)s",
            n,
        )
        % values
    )


def _known_only_by_month(counts, estimated):
    found = _apart(counts.month_only, estimated)
    if not found:
        return None
    n, values = found
    return (
        ngettext(
            "+ %(count)s clip known only by month: %(periods)s",
            "+ %(count)s clips known only by month: %(periods)s",
            n,
        )
        % values
    )


def histogram(counts, *, estimated=False):
    """The chart of a list's DateCounts; None if no clip has a date."""
    months = counts.months
    if not months and not counts.year_only:
        return None
    apart = [_known_only_by_year(counts, estimated)]
    if not months:  # clips known only by their year: no bars, their count alone
        apart = [text for text in apart if text]
        return Histogram([], 0, HEIGHT, "", "", "", estimated, apart=apart) if apart else None
    first, last = min(months), max(months)
    # Days only when some clips have one: clips known by their month fill monthly bars.
    daily = bool(counts.days) and (last[0] - first[0]) * 12 + last[1] - first[1] < DAILY_MONTHS
    if daily:
        keys, values = list(_day_keys(first, last)), counts.days
        apart.append(_known_only_by_month(counts, estimated))
    else:
        keys, values = list(_month_keys(first, last)), months
    top = max(values.values())
    bars = []
    for n, key in enumerate(keys):
        count = values.get(key, 0)
        height = round(HEIGHT * count / top, 1) if count else 0
        label = f"{_label(key)}: {_shown(count, estimated and count)}"
        bars.append(Bar(n * (BAR_WIDTH + GAP), HEIGHT - height, BAR_WIDTH, height, label))
    peak = max(values, key=values.get)
    return Histogram(
        bars=bars,
        width=len(keys) * (BAR_WIDTH + GAP),
        height=HEIGHT,
        first=_label(keys[0]),
        last=_label(keys[-1]),
        peak=_label(peak),
        estimated=estimated,
        daily=daily,
        apart=[text for text in apart if text],
    )
