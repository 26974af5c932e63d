"""Parse WebVTT (and SRT) subtitles into transcript segments.

YouTube's automatic captions "roll": every cue repeats the line before it and
adds the next one, with karaoke timing tags inside. A transcript wants each
spoken line once, timed from when it first appears to when it last shows.
"""

import html
import re

from .records import SegmentRecord

MAX_SUBTITLE_CHARS = 10_000_000  # a two-hour show's rolling captions are about 2 MB
MAX_LINE_CHARS = 1_000

_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
_TIMING_RE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_TAG_RE = re.compile(r"<[^>\n]*>")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION", "WEBVTT")


def parse_vtt(text):
    """Segments of a WebVTT or SRT document, rolling repeats merged; [] for anything else."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    if not isinstance(text, str):
        return []
    text = text[:MAX_SUBTITLE_CHARS].lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _merge_rolling(_cues(text))


def _cues(text):
    """(start, end, [lines]) for each cue, in document order."""
    cues = []
    # Only an empty line ends a cue: YouTube puts lines of one space inside its cues.
    for block in re.split(r"\n\n+", text):
        lines = block.strip("\n").split("\n")
        if not lines or lines[0].strip().startswith(_SKIPPED_BLOCKS):
            continue
        timing_at = next((i for i, line in enumerate(lines[:2]) if _TIMING_RE.match(line)), None)
        if timing_at is None:
            continue
        start, end = _timing(lines[timing_at])
        if end < start:
            continue
        texts = [_clean(line) for line in lines[timing_at + 1 :]]
        cues.append((start, end, [line for line in texts if line]))
    return cues


def _timing(line):
    parts = _TIMING_RE.match(line).groups()
    return _seconds(parts[:4]), _seconds(parts[4:])


def _seconds(parts):
    hours, minutes, seconds, fraction = parts
    return (
        int(hours or 0) * 3600
        + int(minutes) * 60
        + int(seconds)
        + int(fraction.ljust(3, "0")) / 1000
    )


def _clean(line):
    line = html.unescape(_TAG_RE.sub("", line)).replace("\u200b", "")
    return " ".join(line.split())[:MAX_LINE_CHARS]


def _merge_rolling(cues):
    """One segment per line; a line repeated by the next cue only extends its end."""
    segments = []  # [start, end, text]
    showing = {}  # text -> its segment, for the lines of the previous cue
    for start, end, lines in cues:
        now_showing = {}
        for line in lines:
            segment = showing.get(line)
            if segment is None:
                segment = [start, end, line]
                segments.append(segment)
            else:
                segment[1] = max(segment[1], end)
            now_showing[line] = segment
        if lines:  # an empty cue between two rolling ones does not end the lines on screen
            showing = now_showing
    return [SegmentRecord(start=start, end=end, text=text) for start, end, text in segments]
