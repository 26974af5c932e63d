"""Background ingestion jobs: create one, run it in the worker, resume it after a crash.

The worker (django.tasks' database backend, `manage.py db_worker`) runs the one
task `run_ingest_job` defined here.

A job's items are written before the work starts (for URLs: once the playlists
are expanded), and each item is marked done as soon as its import returns. A
worker killed half-way leaves the job "running" with an old heartbeat;
`resume_stale_jobs` enqueues it again and the re-run skips the items already
done. An item whose import committed just before the kill is done twice, which
`store` makes harmless: it upserts on (platform, external_id).
"""

import logging
from datetime import timedelta

from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from catalog.models import Clip, FollowedSource, IngestJob, IngestJobItem

from .batch import expand_urls, ingest_page, known_clips
from .follow import check_source
from .infojson_files import MAX_INFOJSON_FILE, import_infojson
from .refresh import due_clips, refresh_clip
from .results import ItemResult, Outcome, guarded

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)  # a single fetch times out long before this


def start_url_job(urls, *, limit=None, refresh=False, user=None):
    urls = [url.strip() for url in urls if url.strip()]
    options = {"urls": urls, "limit": limit, "refresh": refresh}
    return _enqueue(
        IngestJob.objects.create(kind=IngestJob.Kind.URLS, options=options, created_by=user)
    )


def start_infojson_job(files, *, user=None):
    """`files`: (name, bytes) pairs, e.g. uploaded files; their contents wait in the items."""
    job = IngestJob.objects.create(kind=IngestJob.Kind.INFOJSON, created_by=user)
    names, items = set(), []
    for position, (name, data) in enumerate(files):
        name = _unique(name, names)
        item = IngestJobItem(job=job, position=position, name=name)
        try:
            item.payload = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            _fail(item, "is not UTF-8 text, so not an .info.json file")
        if len(data) > MAX_INFOJSON_FILE:
            _fail(item, f"is larger than {MAX_INFOJSON_FILE // 1024 // 1024} MB")
        elif "\x00" in item.payload:
            _fail(item, "contains NUL bytes, so not an .info.json file")
        items.append(item)
    IngestJobItem.objects.bulk_create(items)
    return _enqueue(job)


def start_refresh_job(*, clip_ids=None, limit=50, user=None):
    options = {"clip_ids": list(clip_ids) if clip_ids else None, "limit": limit}
    return _enqueue(
        IngestJob.objects.create(kind=IngestJob.Kind.REFRESH, options=options, created_by=user)
    )


def start_follow_job(*, source_ids=None, user=None):
    options = {"source_ids": list(source_ids) if source_ids else None}
    return _enqueue(
        IngestJob.objects.create(kind=IngestJob.Kind.FOLLOW, options=options, created_by=user)
    )


def enqueue_due():
    """Start a refresh job and a follow job if anything is due and none is already open."""
    jobs = []
    open_kinds = set(
        IngestJob.objects.filter(
            status__in=[IngestJob.Status.QUEUED, IngestJob.Status.RUNNING]
        ).values_list("kind", flat=True)
    )
    if IngestJob.Kind.REFRESH not in open_kinds and due_clips().exists():
        jobs.append(start_refresh_job())
    if IngestJob.Kind.FOLLOW not in open_kinds and FollowedSource.objects.due().exists():
        jobs.append(start_follow_job())
    return jobs


def resume_stale_jobs(*, older_than=STALE_AFTER):
    """Enqueue again the running jobs whose worker has not been heard of for a while."""
    stale = IngestJob.objects.filter(
        status=IngestJob.Status.RUNNING, heartbeat_at__lt=timezone.now() - older_than
    )
    return [_enqueue(job) for job in stale]


def requeue_job(job):
    """Run a job again, e.g. after fixing what made it fail; its done items are skipped."""
    job.status = IngestJob.Status.QUEUED
    job.error = ""
    job.finished_at = None
    job.save(update_fields=["status", "error", "finished_at"])
    return _enqueue(job)


@task
def run_ingest_job(job_id):
    """The background task (`manage.py db_worker` runs it): `run_job`, by id.

    One task runs every kind of job: the job row holds what to do and records
    each item's outcome, so the editor follows progress in the admin and a re-run
    after a crash resumes where the last one stopped. The argument is an id only,
    so it stays JSON-serialisable and small.
    """
    return run_job(job_id)


def _enqueue(job):
    # The database backend writes the task row in the caller's transaction, so a
    # worker never sees the task without its job.
    result = run_ingest_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])
    return job


def run_job(job_id):
    """Do the job's pending items; return the counts. Called by the background task."""
    job = IngestJob.objects.get(pk=job_id)
    if job.status in {IngestJob.Status.DONE, IngestJob.Status.FAILED}:
        return job.counts()  # a duplicate task: nothing left to do
    now = timezone.now()
    job.status = IngestJob.Status.RUNNING
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        _RUNNERS[job.kind](job)
    except Exception as error:
        logger.exception("ingest job %s failed", job.pk)
        job.status = IngestJob.Status.FAILED
        job.error = f"internal error ({type(error).__name__}); the items done so far are kept"
    else:
        job.status = IngestJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job.counts()


def _run_urls(job):
    options = job.options
    if not job.items.exists():
        videos, failures = expand_urls(options["urls"], limit=options.get("limit"))
        _add_items(job, [result.name for result in failures] + videos)
        for result in failures:
            _finish(job.items.get(name=result.name), result)
    pending = list(_pending(job))
    known = known_clips([item.name for item in pending])
    names = None
    for item in pending:
        first, *more = ingest_page(
            item.name, refresh=bool(options.get("refresh")), known=known, limit=options.get("limit")
        )
        _finish(item, first)
        if more:  # a page of several videos: one more item for each of the others
            names = names or set(job.items.values_list("name", flat=True))
            for result in more:
                position = _add_items(job, [_unique(result.name, names)])
                _finish(job.items.get(position=position), result)


def _run_infojson(job):
    for item in _pending(job):
        _finish(item, import_infojson(item.payload, name=item.name))


def _run_refresh(job):
    if not job.items.exists():
        ids = job.options.get("clip_ids")
        clips = list(
            Clip.objects.filter(pk__in=ids) if ids else due_clips()[: job.options["limit"]]
        )
        _add_items(job, [f"{clip.url or clip.title} (#{clip.pk})" for clip in clips], clips)
    for item in _pending(job).select_related("clip"):
        if item.clip is None:
            _finish(item, ItemResult(item.name, Outcome.FAILED, reason="the clip was deleted"))
        else:
            _finish(item, guarded(item.name, refresh_clip, item.clip))


def _run_follow(job):
    ids = job.options.get("source_ids")
    sources = FollowedSource.objects.filter(pk__in=ids) if ids else FollowedSource.objects.due()
    names = set(job.items.values_list("name", flat=True))
    for source in sources.select_related("channel"):
        for result in check_source(source).results:
            name = _unique(result.name, names)
            position = _add_items(job, [name])
            _finish(job.items.get(position=position), result)


_RUNNERS = {
    IngestJob.Kind.URLS: _run_urls,
    IngestJob.Kind.INFOJSON: _run_infojson,
    IngestJob.Kind.REFRESH: _run_refresh,
    IngestJob.Kind.FOLLOW: _run_follow,
}


def _pending(job):
    return job.items.filter(outcome=IngestJobItem.Outcome.PENDING).order_by("position")


def _add_items(job, names, clips=None):
    """Append items after the existing ones; return the last position used."""
    last = job.items.aggregate(last=Max("position"))["last"]
    start = 0 if last is None else last + 1  # not `last or -1`: position 0 is taken too
    clips = list(clips) if clips is not None else [None] * len(names)
    IngestJobItem.objects.bulk_create(
        IngestJobItem(job=job, position=start + i, name=name[:2000], clip=clip)
        for i, (name, clip) in enumerate(zip(names, clips, strict=True))
    )
    return start + len(names) - 1


def _finish(item, result):
    item.outcome = result.outcome.value
    item.reason = result.reason
    item.clip = result.clip if isinstance(result.clip, Clip) else None
    item.payload = ""
    item.done_at = timezone.now()
    item.save(update_fields=["outcome", "reason", "clip", "payload", "done_at"])
    IngestJob.objects.filter(pk=item.job_id).update(heartbeat_at=item.done_at)


def _fail(item, reason):
    item.payload = ""
    item.outcome = IngestJobItem.Outcome.FAILED
    item.reason = reason
    item.done_at = timezone.now()


def _unique(name, taken):
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate
