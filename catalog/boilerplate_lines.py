"""Boilerplate lines, without the database: which lines repeat, and a description without them.

A channel's boilerplate (subscribe calls, disclaimers, its links) is the lines
under a good share of its clips. These functions only compare text: the models
fold the lines away on the clip page, the search index leaves them out (SQLite's
triggers call `strip_boilerplate`), and catalog.search.boilerplate reads the
clips and stores what `detect_lines` found.
"""

import json
import math
import re
from collections import Counter
from functools import lru_cache

MIN_CLIPS = 5  # a channel needs this many clips before any line counts as boilerplate
SHARE = 0.4  # ...and a line must be under this share of the sampled clips
MIN_LINE_LENGTH = 12  # shorter lines ("Mehr:", "---") are left alone
MAX_LINES = 200

_BLANK_LINES_RE = re.compile(r"\n{3,}")


def normalise_line(line):
    """A line as stored and compared: whitespace runs become one space, ends trimmed."""
    return " ".join(line.split())


def split_description(description, lines):
    """(the description without the boilerplate lines, the boilerplate lines as text)."""
    description = (description or "").replace("\r\n", "\n")
    if not lines:
        return description, ""
    lines = set(lines)
    kept, folded = [], []
    for line in description.split("\n"):
        # The database calls this for every clip it indexes: a line too short to be
        # boilerplate, or one stored as is, needs no normalising.
        if len(line) >= MIN_LINE_LENGTH and (line in lines or normalise_line(line) in lines):
            folded.append(line)
        else:
            kept.append(line)
    main = _BLANK_LINES_RE.sub("\n\n", "\n".join(kept)).strip("\n")
    return main, "\n".join(folded)


@lru_cache(maxsize=4096)
def _stored_lines(stored):
    """The lines from their stored JSON (SQLite hands the column over as text)."""
    try:
        lines = json.loads(stored) if stored else []
    except ValueError:
        return frozenset()
    return frozenset(line for line in lines if isinstance(line, str))


def strip_boilerplate(description, stored_lines):
    """The description as the index sees it; `stored_lines` is the JSON column's text."""
    return split_description(description, _stored_lines(stored_lines))[0]


def detect_lines(descriptions):
    """The lines under at least SHARE of the descriptions (counted once per description)."""
    descriptions = list(descriptions)
    if len(descriptions) < MIN_CLIPS:
        return []
    counts = Counter()
    for description in descriptions:
        lines = {normalise_line(line) for line in (description or "").splitlines()}
        counts.update(line for line in lines if len(line) >= MIN_LINE_LENGTH)
    threshold = max(MIN_CLIPS, math.ceil(len(descriptions) * SHARE))
    common = [line for line, count in counts.most_common(MAX_LINES) if count >= threshold]
    return sorted(common)
