"""Fingerprints as background jobs: after a capture completes, and in batches.

`request_fingerprint(clip_id)` queues the task when the current transaction
commits (a capture's completion calls it); the worker then fingerprints the
captured media and hashes the thumbnail. `fingerprint_clips` is the batch
that `manage.py fingerprint` runs: one result per clip and kind, a clip that
fails (even with an unexpected error) is reported and the rest go on.
"""

import logging

from django.db import transaction
from django.tasks import task

from catalog.ingest.results import Outcome
from catalog.models import Clip

from .stored import FingerprintResult, fingerprint_clip, hash_thumbnail

logger = logging.getLogger(__name__)

STEPS = (("media", fingerprint_clip), ("thumbnail", hash_thumbnail))


@task
def fingerprint_clip_task(clip_id):
    """The worker's side: fingerprint clip `clip_id`'s media and thumbnail."""
    clip = Clip.objects.filter(pk=clip_id).first()
    if clip is None:
        return {"media": "deleted", "thumbnail": "deleted"}
    return {result.kind: str(result.outcome or "skipped") for result in fingerprint_one(clip)}


def request_fingerprint(clip_id):
    """Queue the fingerprint task for a clip once the current transaction commits."""
    transaction.on_commit(lambda: fingerprint_clip_task.enqueue(clip_id))


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
