"""Fingerprinting clips, the worker's side: one clip, or a batch.

`fingerprint_one(clip)` fingerprints the captured media and hashes the
thumbnail (the tasks in catalog.fingerprint.tasks run it). `fingerprint_clips`
is the batch that `manage.py fingerprint` runs: one result per clip and kind, a
clip that fails (even with an unexpected error) is reported and the rest go on.
"""

import logging

from catalog.ingest.results import Outcome

from .stored import FingerprintResult, fingerprint_clip, hash_thumbnail

logger = logging.getLogger(__name__)

STEPS = (("media", fingerprint_clip), ("thumbnail", hash_thumbnail))


def fingerprint_one(clip, *, force=False, thumbnails=True):
    """The results of fingerprinting one clip: its media, then its thumbnail."""
    for kind, step in STEPS:
        if kind == "thumbnail" and not thumbnails:
            continue
        try:
            yield step(clip, force=force)
        except Exception as error:
            # One clip's unexpected failure must not stop a batch; the log has the trace.
            logger.exception("fingerprint of clip %s (%s) failed", clip.pk, kind)
            yield FingerprintResult(
                clip.pk, kind, Outcome.FAILED, f"internal error ({type(error).__name__})"
            )


def fingerprint_clips(clips, *, force=False, thumbnails=True):
    """Fingerprint every clip of the queryset `clips`, one at a time, in id order."""
    for clip in clips.order_by("pk").iterator(chunk_size=200):
        yield from fingerprint_one(clip, force=force, thumbnails=thumbnails)
