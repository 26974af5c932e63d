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
from .clip_parts import ClipParts
from .clips import Clip
from .fingerprints import MediaFingerprint, ThumbnailHash
from .following import FollowedSource
from .history import AvailabilityCheck, ClipRevision
from .jobs import IngestJob, IngestJobItem
from .match_index import IndexedClip, MatchKey, StopKey
from .moments import Moment
from .related_links import RelatedLink
from .relations import ClipRelation
from .tags import ClipTag, Tag
from .threads import StoryThread, ThreadClip
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
    "ClipParts",
    "ClipRelation",
    "ClipRevision",
    "ClipTag",
    "CustodyEvent",
    "FixityCheck",
    "FollowedSource",
    "IndexedClip",
    "IngestJob",
    "IngestJobItem",
    "Keyframe",
    "MatchKey",
    "MediaAnalysis",
    "MediaFingerprint",
    "MediaReview",
    "Moment",
    "RelatedLink",
    "StopKey",
    "StoredFile",
    "StoryThread",
    "Tag",
    "ThreadClip",
    "ThumbnailHash",
    "TranscriptSegment",
]
