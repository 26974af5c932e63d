from .channels import Channel, ChannelBoilerplate, ChannelLink
from .clips import Clip, ClipTag, RelatedLink
from .following import FollowedSource
from .history import AvailabilityCheck, ClipRevision
from .jobs import IngestJob, IngestJobItem
from .tags import Tag
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
