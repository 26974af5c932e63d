"""Fingerprints as background jobs, the queue's side: what web processes and check_due call.

`request_fingerprint(clip_id)` queues `fingerprint_clip_task` when the current
transaction commits (a capture's completion and the admin action call it).
`enqueue_due_fingerprints` (from check_due) catches what no capture queued: the
thumbnails of newly added clips (among the newest RECENT_CLIPS, so the look-up
stays an index range however large the catalogue) and captured media never
fingerprinted (captures made before fingerprints existed). A failure already
recorded is not retried there: `manage.py fingerprint` does that.

Queueing a task needs its Task object, so every web process imports this module;
the media work (PyAV, numpy: catalog.fingerprint.jobs) is what only a worker
needs. This module is therefore light at its top, and each task's body imports
the work when a worker runs it: the one place where the worker crosses over.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.tasks import task

from catalog.models import CaptureFile, Clip, MediaFingerprint, ThumbnailHash

RECENT_CLIPS = 5000  # the newest clips whose thumbnails check_due looks at
PER_RUN = 200  # clips queued by one check_due run (NEWSCLIPS_FINGERPRINTS_PER_RUN)


@task
def fingerprint_clip_task(clip_id):
    """The worker's side: fingerprint clip `clip_id`'s media and thumbnail."""
    from .jobs import fingerprint_one  # the media work, in the worker only (see above)

    clip = Clip.objects.filter(pk=clip_id).first()
    if clip is None:
        return {"media": "deleted", "thumbnail": "deleted"}
    return {result.kind: str(result.outcome or "skipped") for result in fingerprint_one(clip)}


@task
def fingerprint_batch_task(clip_ids):
    """The worker's side of check_due's batch: each clip as `fingerprint_clip_task` does it."""
    from .jobs import fingerprint_one  # the media work, in the worker only (see above)

    outcomes = {}
    for clip in Clip.objects.filter(pk__in=clip_ids).order_by("pk"):
        for result in fingerprint_one(clip):
            key = f"{result.kind} {result.outcome or 'skipped'}"
            outcomes[key] = outcomes.get(key, 0) + 1
    return outcomes


def request_fingerprint(clip_id):
    """Queue the fingerprint task for a clip once the current transaction commits."""
    transaction.on_commit(lambda: fingerprint_clip_task.enqueue(clip_id))


def due_clip_ids(limit):
    """Ids of clips whose captured media has no fingerprint at all, or (among the newest
    RECENT_CLIPS) whose thumbnail has no hash for its current URL; at most `limit`."""
    media = (
        Clip.objects.filter(
            Exists(
                CaptureFile.objects.filter(
                    capture__clip=OuterRef("pk"), capture__status="complete", role="media"
                )
            )
        )
        .filter(~Exists(MediaFingerprint.objects.filter(clip=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    newest = Clip.objects.order_by("-pk").values_list("pk", flat=True)[
        RECENT_CLIPS - 1 : RECENT_CLIPS
    ]
    thumbnails = (
        Clip.objects.filter(pk__gte=newest[0] if newest else 0)
        .exclude(thumbnail_url="")
        .filter(
            ~Exists(
                ThumbnailHash.objects.filter(
                    clip=OuterRef("pk"), thumbnail_url=OuterRef("thumbnail_url")
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return sorted({*media[:limit], *thumbnails.order_by("-pk")[:limit]})[:limit]


def enqueue_due_fingerprints():
    """Queue one batch task for the clips due (see due_clip_ids); returns how many."""
    limit = int(getattr(settings, "NEWSCLIPS_FINGERPRINTS_PER_RUN", PER_RUN) or 0)
    ids = due_clip_ids(limit) if limit > 0 else []
    if ids:
        fingerprint_batch_task.enqueue(ids)
    return len(ids)
