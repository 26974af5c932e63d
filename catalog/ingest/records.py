"""The plain record every source is parsed into before `store` writes it.

Parsers fill these dataclasses and never touch the database; `store` is the
only code that turns a record into rows. Strings are already cleaned (stripped,
bounded in length); an empty string means "not known", never "erase".
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime

from catalog.models import Tag


@dataclass(frozen=True)
class LinkRecord:
    """A URL found in a clip's text with the words before it as its label.

    Such links (subscribe, podcast, social media) belong to the channel: store
    keeps them as the channel's own links.
    """

    url: str
    label: str = ""


@dataclass(frozen=True)
class TagRecord:
    name: str
    origin: str  # a ClipTag.Origin value: hashtag, keyword or editor


@functools.lru_cache(maxsize=10_000)
def tag_slug(name):
    """Tag.normalise, remembered: a bulk import meets the same tags in file after file."""
    return Tag.normalise(name)


@dataclass(frozen=True)
class RelatedRecord:
    """A related video: a title, a URL, or both."""

    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class SegmentRecord:
    start: float  # seconds from the start of the clip
    end: float
    text: str


@dataclass(frozen=True)
class ChapterRecord:
    """A chapter the platform lists for the clip; stored as a chapter Moment."""

    start: float  # seconds from the start of the clip
    end: float
    title: str


@dataclass
class TranscriptRecord:
    language: str
    kind: str  # "manual" or "automatic"
    segments: list[SegmentRecord] = field(default_factory=list)


@dataclass
class ChannelRecord:
    name: str
    platform: str = ""
    platform_id: str = ""
    handle: str = ""
    url: str = ""
    description: str = ""
    thumbnail_url: str = ""
    follower_count: int | None = None


@dataclass
class ClipRecord:
    platform: str
    external_id: str
    title: str
    source: str  # a Clip.Source value
    url: str = ""
    description: str = ""
    channel: ChannelRecord | None = None
    published_at: datetime | None = None
    published_precision: str = ""  # a Clip.Precision value, "" when the date is unknown
    duration: int | None = None
    view_count: int | None = None
    like_count: int | None = None
    language: str = ""
    thumbnail_url: str = ""
    availability: str = ""  # a Clip.Availability value, "" when the source does not say
    source_url: str = ""
    tags: list[TagRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    related: list[RelatedRecord] = field(default_factory=list)
    transcripts: list[TranscriptRecord] = field(default_factory=list)
    chapters: list[ChapterRecord] = field(default_factory=list)
    # A mirror page's video: when a catalogued clip is that video, `store` records the
    # page's clip as a "mirror of" it (ClipRelation, origin import).
    mirror_of: RelatedRecord | None = None
    raw: dict = field(default_factory=dict)
