"""Matching as part of the pipeline: index a clip, suggest its relations; "have we seen this?"

`index_and_suggest(clip)` runs after a clip's fingerprint or thumbnail hash is
stored (catalog.matching.tasks queues it on the fingerprint_changed signal): it
brings the index up to date and records every match as a suggested
ClipRelation (ClipRelation.objects.suggest: an editor's decision stays).
`match_file(path)` and `match_url(url)` answer for media that is not catalogued:
the admin's "Have we seen this?" page and `manage.py match` call them.
"""

import logging
import tempfile

from django.db import transaction

from catalog.capture.download import CaptureFailed, download
from catalog.capture.storage import max_file_bytes
from catalog.fingerprint.files import fingerprint_file
from catalog.fingerprint.mediaprint import FingerprintError
from catalog.models import Clip, ClipRelation

from .index import index_clip
from .lookup import match_clip, match_print
from .report import CONTAINS, EXCERPT, REUPLOAD, SHARED, THUMBNAIL_KIND

logger = logging.getLogger(__name__)

RELATION_KINDS = {
    REUPLOAD: ClipRelation.Kind.REUPLOAD,
    EXCERPT: ClipRelation.Kind.EXCERPT,
    CONTAINS: ClipRelation.Kind.EXCERPT,
    SHARED: ClipRelation.Kind.SAME_EVENT,
    # The same thumbnail without shared media: most often a re-upload whose media is
    # not captured; an editor decides.
    THUMBNAIL_KIND: ClipRelation.Kind.REUPLOAD,
}


class MatchFailed(Exception):
    """The media to look up could not be fetched or fingerprinted; the message says why."""


def index_and_suggest(clip):
    """Index `clip` and suggest a relation for every match; returns the relations."""
    index_clip(clip.pk)
    matches = match_clip(clip)
    others = Clip.objects.in_bulk([match.clip_id for match in matches])
    relations = []
    with transaction.atomic():
        for match in matches:
            other = others.get(match.clip_id)
            if other is not None:
                relations.append(_suggest(clip, other, match))
    return relations


def _suggest(clip, other, match):
    """Record one match: the part is the excerpt of the whole; of two re-uploads the
    later one (published, else catalogued) is the copy of the earlier."""
    ranges = match.ranges  # (other_start, other_end, clip_start, clip_end)
    if match.kind == EXCERPT or (match.kind != CONTAINS and _later(clip, other)):
        pair = (clip, other)
        ranges = ranges and (ranges[2], ranges[3], ranges[0], ranges[1])
    else:
        pair = (other, clip)
    relation, _created = ClipRelation.objects.suggest(
        *pair,
        RELATION_KINDS[match.kind],
        score=match.score,
        evidence={"match": match.kind, **match.evidence},
        ranges=ranges if ranges and ranges[1] > ranges[0] and ranges[3] > ranges[2] else None,
    )
    return relation


def _later(clip, other):
    def order(c):
        return (c.published_at is not None, c.published_at or c.created_at, c.pk)

    return order(clip) > order(other)


def match_file(path):
    """The catalogued clips matching the media file at `path`, best first."""
    try:
        media_print = fingerprint_file(path)
    except FingerprintError as error:
        raise MatchFailed(str(error)) from None
    return match_print(media_print)


def match_url(url):
    """Fetch `url` with yt-dlp (under the network guard, like a capture) into a
    temporary folder and match its media; the folder is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="newsclips-match-") as folder:
        try:
            fetched = download(url, folder, max_bytes=max_file_bytes())
        except CaptureFailed as error:
            raise MatchFailed(error.reason) from None
        media = [file.path for file in fetched.files if file.role == "media"]
        if not media:
            raise MatchFailed("no media file at that address")
        return match_file(media[0])
