from .analysis import Keyframe, MediaAnalysis
from .captures import (
    Capture,
    CaptureFile,
    CaptureRule,
    CaptureTimestamp,
    CustodyEvent,
    FixityCheck,
    StoredFile,
)
from .channels import Channel, ChannelBoilerplate, ChannelLink
from .claims import Claim, ClaimReview, MediaReview
from .clips import Clip, ClipTag
from .following import FollowedSource
from .history import AvailabilityCheck, ClipRevision
from .jobs import IngestJob, IngestJobItem
from .moments import Moment
from .related_links import RelatedLink
from .tags import Tag
from .transcripts import TranscriptSegment
from .version import CatalogueVersion

__all__ = [
    "AvailabilityCheck",
    "Capture",
    "CaptureFile",
    "CaptureRule",
    "CaptureTimestamp",
    "CatalogueVersion",
    "Channel",
    "ChannelBoilerplate",
    "ChannelLink",
    "Claim",
    "ClaimReview",
    "Clip",
    "ClipRevision",
    "ClipTag",
    "CustodyEvent",
    "FixityCheck",
    "FollowedSource",
    "IngestJob",
    "IngestJobItem",
    "Keyframe",
    "MediaAnalysis",
    "MediaReview",
    "Moment",
    "RelatedLink",
    "StoredFile",
    "Tag",
    "TranscriptSegment",
]
