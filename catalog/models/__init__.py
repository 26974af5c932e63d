from .boilerplate import ChannelBoilerplate
from .clips import Channel, ChannelLink, Clip, ClipTag, RelatedLink, Tag
from .following import FollowedSource
from .history import AvailabilityCheck, ClipRevision
from .jobs import IngestJob, IngestJobItem
from .transcripts import TranscriptSegment

__all__ = [
    "AvailabilityCheck",
    "Channel",
    "ChannelBoilerplate",
    "ChannelLink",
    "Clip",
    "ClipRevision",
    "ClipTag",
    "FollowedSource",
    "IngestJob",
    "IngestJobItem",
    "RelatedLink",
    "Tag",
    "TranscriptSegment",
]
