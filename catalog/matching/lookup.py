"""Match queries: which catalogued clips share frames, sound or a thumbnail with this?

`match_print(media_print)` asks the index for candidate clips (those sharing
keys with the print), aligns each candidate's stored fingerprint with the print
(frames and audio, catalog.matching.align) and returns the matches, best first.
`match_clip(clip)` does it for a catalogued clip's stored fingerprints. A
match's kind says how the two relate:

- re-upload: most of both is the same media;
- excerpt: the query is a part of the catalogued clip;
- contains: the catalogued clip is a part of the query;
- shared footage: they share a stretch, neither is mostly the other;
- same thumbnail: only the thumbnails are (nearly) the same picture.
"""

from dataclasses import dataclass, field

import numpy as np

from catalog.models import MediaFingerprint, ThumbnailHash
from catalog.models.fingerprints import FingerprintStatus

from .align import align_audio, align_frames
from .index import candidates, keys_of, stored_print, stored_thumbnail
from .keys import MIN_QUALITY, THUMBNAIL, as_words, hash_keys
from .report import CONTAINS, EXCERPT, REUPLOAD, SHARED, THUMBNAIL_KIND

MOSTLY = 0.8  # of a clip's length shared: it is (nearly) all of it
MIN_SCORE = 0.5  # of the shared stretch's samples that match
MIN_SECONDS = 3.0
THUMBNAIL_BITS = 31  # PDQ's usual threshold for the same picture
MAX_CANDIDATES = 25  # aligned per query, those sharing the most keys
MIN_SHARED_KEYS = 2
# A query looks up the keys of every second distinct frame of its own: the index holds
# every frame of the catalogued clips, so a copy's frames still find theirs (the tests'
# copies keep 12-190 shared frame keys, their sound 4-45). Measured at the size
# (bench/results/match.md): a re-upload's query ~640 -> ~380 keys, PostgreSQL's cold p95
# 108-168 -> 61-79 ms, every copy still found.
QUERY_FRAME_STRIDE = 2


@dataclass(frozen=True)
class Match:
    clip_id: int
    kind: str
    score: float
    # (clip_start, clip_end, query_start, query_end) in seconds; None for a thumbnail.
    ranges: tuple | None = None
    evidence: dict = field(default_factory=dict, compare=False)


def match_print(media_print, *, thumbnail_pdq=None, exclude=None):
    """The catalogued clips matching a MediaPrint (or a stored MediaFingerprint) and a
    thumbnail's PDQ hash, best first; `exclude` is a clip id left out (the query's)."""
    matches = {}
    if media_print is not None:
        shared = candidates(keys_of(media_print, frame_stride=QUERY_FRAME_STRIDE), exclude=exclude)
        ranked = shared.most_common(MAX_CANDIDATES)
        # A copy shares hundreds of keys, a chance collision a few: align only clips with
        # a tenth of the best one's (alignment is the query's main cost).
        floor = max(MIN_SHARED_KEYS, ranked[0][1] // 10) if ranked else MIN_SHARED_KEYS
        best = [clip_id for clip_id, n in ranked if n >= floor]
        for fingerprint in _newest_prints(best):
            match = compare(media_print, fingerprint)
            if match is not None:
                matches[match.clip_id] = match
    if thumbnail_pdq:
        for match in _thumbnail_matches(bytes(thumbnail_pdq), exclude):
            if match.clip_id in matches:
                matches[match.clip_id].evidence["thumbnail_bits"] = match.evidence["thumbnail_bits"]
            else:
                matches[match.clip_id] = match
    return sorted(matches.values(), key=lambda m: (-m.score, m.clip_id))


def match_clip(clip):
    """The catalogued clips matching `clip`'s stored fingerprint and thumbnail."""
    thumbnail = stored_thumbnail(clip.pk)
    return match_print(
        stored_print(clip.pk), thumbnail_pdq=thumbnail.pdq if thumbnail else None, exclude=clip.pk
    )


def compare(query, fingerprint):
    """The Match of a query print against one stored MediaFingerprint, or None."""
    found = [a for a in (align_audio(query, fingerprint), align_frames(query, fingerprint)) if a]
    found = [a for a in found if a.score >= MIN_SCORE and a.seconds >= MIN_SECONDS]
    if not found:
        return None
    # The longer well-matching stretch wins; audio on a tie (its samples are 8 a second).
    best = max(found, key=lambda a: (round(a.seconds * a.score), a.source == "audio"))
    query_seconds = _duration(query, best.query_end)
    other_seconds = _duration(fingerprint, best.other_end)
    query_share = best.seconds / query_seconds
    other_share = (best.other_end - best.other_start) / other_seconds
    if query_share >= MOSTLY and other_share >= MOSTLY:
        kind = REUPLOAD
    elif query_share >= MOSTLY:
        kind = EXCERPT
    elif other_share >= MOSTLY:
        kind = CONTAINS
    else:
        kind = SHARED
    score = best.score * min(1.0, max(query_share, other_share))
    evidence = {
        alignment.source: {
            "score": alignment.score,
            "matched": alignment.matched,
            "speed": alignment.slope,
            "offset": alignment.offset,
            "query": [alignment.query_start, alignment.query_end],
            "clip": [alignment.other_start, alignment.other_end],
        }
        for alignment in found
    }
    evidence["tools"] = fingerprint.tool_versions
    return Match(
        clip_id=fingerprint.clip_id,
        kind=kind,
        score=round(score, 3),
        ranges=(
            best.other_start,
            min(best.other_end, other_seconds),
            best.query_start,
            min(best.query_end, query_seconds),
        ),
        evidence=evidence,
    )


def _duration(fingerprint, at_least):
    return max(float(fingerprint.duration or 0), at_least, 1e-6)


def _newest_prints(clip_ids):
    newest = {}
    rows = MediaFingerprint.objects.usable().filter(clip_id__in=clip_ids)
    for row in rows.order_by("clip_id", "-computed_at", "-id"):
        newest.setdefault(row.clip_id, row)
    return newest.values()


def _thumbnail_matches(pdq, exclude):
    query = as_words(pdq)
    keys = hash_keys(pdq, THUMBNAIL, neighbours=True)
    clip_ids = list(candidates(keys, exclude=exclude))
    rows = ThumbnailHash.objects.filter(
        clip_id__in=clip_ids, status=FingerprintStatus.OK, quality__gte=MIN_QUALITY
    ).values_list("clip_id", "pdq")
    for clip_id, other in rows:
        bits = int(np.bitwise_count(query ^ as_words(bytes(other))).sum())
        if bits <= THUMBNAIL_BITS:
            yield Match(
                clip_id, THUMBNAIL_KIND, round(1 - bits / 128, 3), None, {"thumbnail_bits": bits}
            )
