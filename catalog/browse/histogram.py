"""Clips per month as bars for an inline SVG (no script, no inline styles)."""

from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

BAR_WIDTH = 4
GAP = 1
HEIGHT = 60


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
        return _("Clips per month, %(first)s to %(last)s") % span

    @property
    def description(self):
        text = _("Most clips in %(peak)s.") % {"peak": self.peak}
        if self.estimated:
            text += " " + _("Estimated from a sample.")
        return text


def _months(first, last):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def histogram(months, *, estimated=False):
    """Bars from the first to the last month with clips; None if there are none."""
    if not months:
        return None
    keys = list(_months(min(months), max(months)))
    top = max(months.values())
    bars = []
    for n, key in enumerate(keys):
        count = months.get(key, 0)
        height = round(HEIGHT * count / top, 1) if count else 0
        shown = round(count)
        label = f"{key[0]}-{key[1]:02d}: {'≈ ' if estimated and count else ''}{shown}"
        bars.append(Bar(n * (BAR_WIDTH + GAP), HEIGHT - height, BAR_WIDTH, height, label))
    peak_key = max(months, key=months.get)
    return Histogram(
        bars=bars,
        width=len(keys) * (BAR_WIDTH + GAP),
        height=HEIGHT,
        first=f"{keys[0][0]}-{keys[0][1]:02d}",
        last=f"{keys[-1][0]}-{keys[-1][1]:02d}",
        peak=f"{peak_key[0]}-{peak_key[1]:02d}",
        estimated=estimated,
    )
