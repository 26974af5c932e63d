from .boilerplate import ChannelBoilerplate
from .channels import Channel, ChannelLink
from .clips import Clip, ClipTag, RelatedLink
from .following import FollowedSource
from .history import AvailabilityCheck, ClipRevision
from .jobs import IngestJob, IngestJobItem
from .tags import Tag
from .transcripts import TranscriptSegment
from .version import CatalogueVersion

__all__ = [
    "AvailabilityCheck",
    "CatalogueVersion",
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
