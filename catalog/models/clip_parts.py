"""Which of a clip's parts exist, read in one fixed statement: the clip page's guard.

Most clips have no transcript, moments, history, claims, relations, threads or
capture. The clip page asked for each of them anyway: 9 of its 13 queries found
nothing for a typical clip, and a query that finds nothing still costs ~0.3 ms of
Python to build and run. One EXISTS per part, each on its clip's own index, costs
less than one of them; the page then asks only for what is there.
"""

from dataclasses import dataclass, fields

from django.db import connections, router

from .captures import Capture
from .claims import Claim, MediaReview
from .clips import Clip
from .history import AvailabilityCheck, ClipRevision
from .moments import Moment
from .related_links import RelatedLink
from .relations import ClipRelation
from .threads import ThreadClip
from .transcripts import TranscriptSegment

# Each part: the (model, clip column) rows that make it exist.
SOURCES = {
    "related_links": [(RelatedLink, "clip_id")],
    "transcript_segments": [(TranscriptSegment, "clip_id")],
    "moments": [(Moment, "clip_id")],
    "revisions": [(ClipRevision, "clip_id")],
    "availability_checks": [(AvailabilityCheck, "clip_id")],
    "claims": [(Claim, "clip_id")],
    "media_review": [(MediaReview, "clip_id")],
    "relations": [(ClipRelation, "from_clip_id"), (ClipRelation, "to_clip_id")],
    "threads": [(ThreadClip, "clip_id")],
    "captures": [(Capture, "clip_id")],
}


@dataclass(frozen=True)
class ClipParts:
    """Whether the clip has each part (any row: a suggested relation, a thread that is not
    public or a capture in progress count too; the page's own query then narrows)."""

    related_links: bool = False
    transcript_segments: bool = False
    moments: bool = False
    revisions: bool = False
    availability_checks: bool = False
    claims: bool = False
    media_review: bool = False
    relations: bool = False
    threads: bool = False
    captures: bool = False

    @classmethod
    def of(cls, clip_id):
        """The parts of the clip with this id (all False if there is no such clip)."""
        connection = connections[router.db_for_read(Clip)]
        quote = connection.ops.quote_name
        names = [f.name for f in fields(cls)]
        columns = [
            " OR ".join(
                f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s)"  # noqa: S608
                for model, column in SOURCES[name]
            )
            for name in names
        ]
        params = [clip_id for name in names for _source in SOURCES[name]]
        with connection.cursor() as cursor:
            # Table and column names are the models' own; the clip id is a parameter.
            cursor.execute(f"SELECT {', '.join(columns)}", params)
            row = cursor.fetchone()
        return cls(**{name: bool(value) for name, value in zip(names, row, strict=True)})
