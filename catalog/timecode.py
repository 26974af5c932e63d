"""A position or length in a clip as a clock shows it: "0:07", "12:34", "1:02:03"."""


def timecode(seconds):
    """Whole seconds as minutes:seconds, with hours in front when there are any."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
