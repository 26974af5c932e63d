"""A position or length in a clip as a clock shows it: "0:07", "12:34", "1:02:03"."""

import re


def timecode(seconds):
    """Whole seconds as minutes:seconds, with hours in front when there are any."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


_TIMECODE_RE = re.compile(r"^(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?(\.\d+)?$")


def parse_timecode(text):
    """'7:42' -> 462, '1:02:03' -> 3723, '95' -> 95, '7:42.5' -> 462.5; ValueError otherwise.

    Minutes and seconds after the first part must be below 60, as a clock shows them.
    """
    match = _TIMECODE_RE.match(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not a timecode such as 7:42 or 1:02:03")
    first, *rest = (int(part) for part in match.groups()[:3] if part is not None)
    if any(part >= 60 for part in rest):
        raise ValueError(f"“{text}” is not a timecode: minutes and seconds go up to 59")
    seconds = first
    for part in rest:
        seconds = seconds * 60 + part
    fraction = match.group(4)
    return seconds + float(fraction) if fraction else seconds
