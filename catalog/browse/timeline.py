"""A story thread's clips on a timeline, and the channels that carried the story first and later.

Dates keep their precision. A clip known only by its year or month is never put
on a day (1 January is not its date): it goes into a group of its own, "2023
(only the year is known)", placed at the start of its period, before the days
it may belong to. Undated clips come last.

Which channel was first cannot always be told: a channel whose first clip is
known only by its year may have carried the story before one with an exact day
in that year. Every channel whose first clip's period begins before the
earliest clip's period ends is therefore marked "first" (possibly first).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Clip

# Coarser periods sort before finer ones that start at the same instant.
_RANK = {Clip.Precision.YEAR: 0, Clip.Precision.MONTH: 1, Clip.Precision.DAY: 2}
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, order=True)
class Period:
    """The stretch of time a publication date at its precision stands for."""

    start: datetime
    rank: int
    end: datetime

    @classmethod
    def of(cls, clip):
        if clip.published_at is None:
            return cls(_NEVER, 3, _NEVER)
        local = timezone.localtime(clip.published_at)
        precision = clip.published_precision
        if precision == Clip.Precision.YEAR:
            start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
            return cls(start, 0, start.replace(year=start.year + 1))
        if precision == Clip.Precision.MONTH:
            start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            following = (start + timedelta(days=32)).replace(day=1)
            return cls(start, 1, following)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(start, 2, start + timedelta(days=1))


@dataclass
class TimelineGroup:
    period: Period
    label: str  # the date at its precision, as clip pages show it
    iso: str  # for <time datetime>
    note: str  # "only the year is known", or ""
    entries: list = field(default_factory=list)  # ThreadClips, each with its .clip


@dataclass
class ChannelStart:
    channel: object
    first_clip: Clip
    clips: int
    first: bool  # carried the story first, or may have (see the module's docstring)


_NOTES = {
    Clip.Precision.YEAR: lambda: _("only the year is known"),
    Clip.Precision.MONTH: lambda: _("only the month is known"),
}


def timeline(thread_clips):
    """The thread's clips (ThreadClips with .clip) grouped by date, oldest first."""
    groups = {}
    for entry in thread_clips:
        clip = entry.clip
        period = Period.of(clip)
        group = groups.get(period)
        if group is None:
            precision = clip.published_precision or Clip.Precision.DAY
            if clip.published_at is None:
                label, iso, note = _("Date unknown"), "", ""
            else:
                shown = Clip.Precision.DAY if precision == Clip.Precision.TIME else precision
                label = Clip.date_display(clip.published_at, shown)
                iso = _iso(period, precision)
                note = _NOTES[precision]() if precision in _NOTES else ""
            group = groups[period] = TimelineGroup(period, label, iso, note)
        group.entries.append(entry)
    for group in groups.values():
        # Within a day: the editor's order, else the time of day, else the id.
        group.entries.sort(key=_entry_order)
    return [groups[period] for period in sorted(groups)]


def _entry_order(entry):
    clip = entry.clip
    return (
        entry.position is None,
        entry.position or 0,
        clip.published_at or _NEVER,
        clip.pk,
    )


def _iso(period, precision):
    if precision == Clip.Precision.YEAR:
        return f"{period.start:%Y}"
    if precision == Clip.Precision.MONTH:
        return f"{period.start:%Y-%m}"
    return f"{period.start:%Y-%m-%d}"


def channel_starts(thread_clips):
    """Each channel of the thread once, in the order its first clip appeared."""
    first, counts = {}, {}
    for entry in thread_clips:
        clip = entry.clip
        if clip.channel_id is None:
            continue
        counts[clip.channel_id] = counts.get(clip.channel_id, 0) + 1
        known = first.get(clip.channel_id)
        if known is None or (Period.of(clip), clip.pk) < (Period.of(known), known.pk):
            first[clip.channel_id] = clip
    ordered = sorted(first.values(), key=lambda clip: (Period.of(clip), clip.pk))
    if not ordered:
        return []
    earliest = Period.of(ordered[0])
    return [
        ChannelStart(
            channel=clip.channel,
            first_clip=clip,
            clips=counts[clip.channel_id],
            first=clip.published_at is not None and Period.of(clip).start < earliest.end,
        )
        for clip in ordered
    ]
