"""Keeping the index in step with the stored fingerprints, and asking it for candidates.

`index_clip(clip_id)` replaces a clip's keys by those of its newest usable media
fingerprint and its thumbnail hash, in one transaction; doing it again for the
same fingerprints and key functions changes nothing (IndexedClip's signature names
both: after an upgrade that changes the keys, `reindex()` makes every entry again).
`candidates(keys)` counts, per clip, the keys it shares with a query: the clips worth
aligning.

A key held by more than KEY_CAP clips is a stop key (StopKey): a channel's jingle or
a studio backdrop shared by thousands of clips says nothing about which of them a
query is, and reading all its rows would make every lookup that meets it as slow as
the catalogue is big. index_clip() notes a key when it crosses the cap (counting
only keys not yet stopped, so at most KEY_CAP + 1 rows a key); candidates() skips
stopped keys, so a lookup reads at most KEY_CAP rows per key. refresh_stop_keys()
counts every key again (after a bulk load, and in `match --reindex`).
"""

from collections import Counter

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from catalog.models import IndexedClip, MatchKey, MediaFingerprint, StopKey, ThumbnailHash
from catalog.models.fingerprints import FingerprintStatus

from .keys import KEYS_VERSION, MIN_QUALITY, THUMBNAIL, hash_keys, print_keys

LOOKUP_BATCH = 500  # keys per query: well under SQLite's limit of bound parameters
INSERT_BATCH = 2000
# Clips a key may be held by before lookups skip it. A copy shares hundreds of keys
# with its original; losing the few a whole channel shares costs no match. A clip
# copied more often than this is still found through its other keys, and the
# copies among themselves are linked as they arrive.
KEY_CAP = 500


def stored_print(clip_id):
    """The clip's newest usable media fingerprint, or None."""
    return (
        MediaFingerprint.objects.usable()
        .filter(clip_id=clip_id)
        .order_by("-computed_at", "-id")
        .first()
    )


def stored_thumbnail(clip_id):
    """The clip's thumbnail hash when it is good enough to match, or None."""
    return ThumbnailHash.objects.filter(
        clip_id=clip_id, status=FingerprintStatus.OK, quality__gte=MIN_QUALITY
    ).first()


def keys_of(fingerprint=None, thumbnail_pdq=None, *, frame_stride=1):
    """The index keys of a media fingerprint (MediaPrint or MediaFingerprint) and of a
    thumbnail's PDQ hash (32 bytes); `frame_stride` as in print_keys (queries only)."""
    keys = set()
    if fingerprint is not None:
        audio = np.frombuffer(bytes(fingerprint.audio or b""), dtype="<u4")
        frames, quality = bytes(fingerprint.frame_hashes), bytes(fingerprint.frame_quality)
        keys |= print_keys(frames, quality, audio, frame_stride=frame_stride)
    if thumbnail_pdq:
        keys |= hash_keys(bytes(thumbnail_pdq), THUMBNAIL)
    return keys


def signature_of(fingerprint, thumbnail):
    """What an index entry was built from: the key functions' version (a clip indexed by
    older ones is due for indexing again) and the fingerprint and thumbnail rows."""
    rows = (
        f"{row.pk}@{row.computed_at.timestamp():.3f}" if row else "-"
        for row in (fingerprint, thumbnail)
    )
    return ";".join([f"k{KEYS_VERSION}", *rows])


def index_clip(clip_id):
    """Index clip `clip_id`'s fingerprints; returns (IndexedClip or None, changed)."""
    fingerprint, thumbnail = stored_print(clip_id), stored_thumbnail(clip_id)
    signature = signature_of(fingerprint, thumbnail)
    indexed = IndexedClip.objects.filter(clip_id=clip_id).first()
    if indexed is not None and indexed.signature == signature:
        return indexed, False
    keys = keys_of(fingerprint, thumbnail.pdq if thumbnail else None)
    with transaction.atomic():
        MatchKey.objects.filter(clip_id=clip_id).delete()
        MatchKey.objects.bulk_create(
            (MatchKey(key=key, clip_id=clip_id) for key in sorted(keys)), batch_size=INSERT_BATCH
        )
        indexed, _created = IndexedClip.objects.update_or_create(
            clip_id=clip_id,
            defaults={
                "fingerprint": fingerprint,
                "thumbnail": thumbnail,
                "signature": signature,
                "keys": len(keys),
            },
        )
        stop_common_keys(keys)
    return indexed, True


def stop_common_keys(keys):
    """Note as stop keys those of `keys` now held by more than KEY_CAP clips. Keys
    already stopped are not counted again: each count reads at most KEY_CAP + 1 rows."""
    keys = sorted(set(keys))
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = _unstopped(keys[start : start + LOOKUP_BATCH])
        common = (
            MatchKey.objects.filter(key__in=batch)
            .values("key")
            .annotate(clips=Count("clip_id"))
            .filter(clips__gt=KEY_CAP)
            .values_list("key", "clips")
        )
        StopKey.objects.bulk_create(
            [StopKey(key=key, clips=clips) for key, clips in common], ignore_conflicts=True
        )


def refresh_stop_keys():
    """Count every key again and replace the stop keys; returns how many there are."""
    table, stop = MatchKey._meta.db_table, StopKey._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {stop}")  # noqa: S608 (the models' own table names)
        cursor.execute(
            f'INSERT INTO {stop} ("key", clips, counted_at) '  # noqa: S608
            f'SELECT "key", COUNT(*), %s FROM {table} GROUP BY "key" HAVING COUNT(*) > %s',
            [timezone.now(), KEY_CAP],
        )
        return cursor.rowcount


def clips_to_index():
    """Ids of clips with something to match whose index entry is missing or stale: a
    newer fingerprint or thumbnail hash than the one indexed, or an entry for a clip
    that no longer has either. index_clip() decides on the signature; this only
    narrows the clips to look at."""
    fingerprinted = set(MediaFingerprint.objects.usable().values_list("clip_id", flat=True))
    thumbnails = set(
        ThumbnailHash.objects.filter(
            status=FingerprintStatus.OK, quality__gte=MIN_QUALITY
        ).values_list("clip_id", flat=True)
    )
    indexed = set(IndexedClip.objects.values_list("clip_id", flat=True))
    return sorted(fingerprinted | thumbnails | indexed)


def older_entries():
    """How many index entries were made by older key functions (KEYS_VERSION): reindex()
    makes them again."""
    return IndexedClip.objects.exclude(signature__startswith=f"k{KEYS_VERSION};").count()


def reindex(clip_ids=None):
    """Bring the index in step for `clip_ids` (default: every clip with fingerprints or
    an index entry), e.g. after a worker died between a fingerprint and its indexing;
    returns (indexed again, already in step). Doing it twice changes nothing."""
    changed = unchanged = 0
    for clip_id in clip_ids if clip_ids is not None else clips_to_index():
        _indexed, did_change = index_clip(clip_id)
        changed += did_change
        unchanged += not did_change
    if clip_ids is None:
        refresh_stop_keys()
    return changed, unchanged


def _unstopped(keys):
    stopped = set(StopKey.objects.filter(key__in=keys).values_list("key", flat=True))
    return [key for key in keys if key not in stopped]


def candidates(keys, *, exclude=None):
    """Clips sharing keys (stop keys left out) with the query: a Counter clip_id ->
    shared keys."""
    counts = Counter()
    keys = sorted(keys)
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = _unstopped(keys[start : start + LOOKUP_BATCH])
        rows = MatchKey.objects.filter(key__in=batch)
        counts.update(rows.values_list("clip_id", flat=True))
    counts.pop(exclude, None)
    return counts
