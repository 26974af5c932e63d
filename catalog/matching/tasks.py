"""Matching as a background job, the queue's side: the task and the receiver that queues it.

When a clip's fingerprint or thumbnail hash changes (catalog.fingerprint's
fingerprint_changed, on commit), `index_and_suggest_task` is queued; a worker
then indexes the clip and records its matches as suggested relations
(catalog.matching.suggest.index_and_suggest).

Every web process imports this module (apps.ready connects the receiver, and
queueing needs the Task object); the matching itself needs numpy, which only
the worker should load. So this module is light at its top, and the task's body
imports the work when a worker runs it: the one place where it crosses over.
"""

from django.db import transaction
from django.dispatch import receiver
from django.tasks import task

from catalog.fingerprint.signals import fingerprint_changed
from catalog.models import Clip


@task
def index_and_suggest_task(clip_id):
    """The worker's side: index clip `clip_id` and suggest its relations."""
    from .suggest import index_and_suggest  # the matching work, in the worker only (see above)

    clip = Clip.objects.filter(pk=clip_id).first()
    if clip is None:
        return 0
    return len(index_and_suggest(clip))


@receiver(fingerprint_changed, dispatch_uid="matching-index-and-suggest")
def _fingerprint_changed(sender, clip_id, **kwargs):
    transaction.on_commit(lambda: index_and_suggest_task.enqueue(clip_id))
