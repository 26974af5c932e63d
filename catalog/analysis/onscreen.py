"""Timed "on-screen text" segments from what each sampled frame showed.

A caption stays on screen for seconds and Tesseract reads it a little
differently on each frame ("Die Bundesregierung plan" once, the whole line
the next time). Lines of consecutive frames that read alike are one segment,
from the first frame that showed them to one sampling step after the last;
its text is the reading seen most often (the longest on a tie). A frame that
could not be read (skipped) leaves the segments open: only a frame read
without the line ends it.

The language of each segment is told by lingua, restricted to the languages
Tesseract reads; text too short to tell (a name, a number) takes the clip's.
"""

import difflib
import functools
from collections import Counter
from dataclasses import dataclass, field

from lingua import Language, LanguageDetectorBuilder

SIMILAR = 0.75  # difflib's ratio from which two readings are the same line
SURE = 0.8  # lingua's confidence from which a segment's language is its own
LANGUAGES = {Language.GERMAN: "de", Language.ENGLISH: "en"}


@dataclass(frozen=True)
class OnScreenText:
    start: float
    end: float
    text: str
    language: str


@dataclass
class _Open:
    start: float
    last: float
    latest: str
    readings: Counter = field(default_factory=Counter)


def segments(frames, *, step, duration=None, default_language=""):
    """[OnScreenText] from `frames`: (seconds, [line, ...]) in time order, every `step` s."""
    found, current = [], []
    for time, lines in frames:
        still, unmatched = [], list(lines)
        for segment in current:
            match = _best_match(segment.latest, unmatched)
            if match is None:
                found.append(segment)
                continue
            unmatched.remove(match)
            segment.last, segment.latest = time, match
            segment.readings[match] += 1
            still.append(segment)
        current = still + [_Open(time, time, line, Counter([line])) for line in unmatched]
    found += current
    result = []
    for segment in sorted(found, key=lambda s: (s.start, s.last)):
        end = segment.last + step
        if duration:
            end = max(segment.start, min(end, duration))
        text = max(segment.readings.items(), key=lambda item: (item[1], len(item[0])))[0]
        language = language_of(text) or default_language
        result.append(OnScreenText(segment.start, round(end, 3), text, language))
    return result


def _normal(text):
    return " ".join(text.casefold().split())


def _best_match(text, lines):
    """The line most like `text` if it is alike enough (or one holds most of the other)."""
    text = _normal(text)
    best, best_ratio = None, 0.0
    for line in lines:
        other = _normal(line)
        ratio = difflib.SequenceMatcher(None, text, other, autojunk=False).ratio()
        shorter, longer = sorted((text, other), key=len)
        if shorter and shorter in longer and len(shorter) >= len(longer) / 2:
            ratio = max(ratio, SIMILAR)
        if ratio >= SIMILAR and ratio > best_ratio:
            best, best_ratio = line, ratio
    return best


@functools.cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def language_of(text):
    """ "de" or "en" when lingua is sure of it, else ""."""
    values = _detector().compute_language_confidence_values(text)
    if values and values[0].value >= SURE:
        return LANGUAGES[values[0].language]
    return ""
