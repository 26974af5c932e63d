"""Captures as background jobs: request one, run it in the worker, retry it, resume it.

A Capture row is the job. `run_capture` claims it with one conditional UPDATE
(queued, or running with a stale heartbeat), so two workers never run the same
capture; two captures of one clip are two rows with their own work folders,
so they end as two complete captures, never a mixed one. At most
NEWSCLIPS_CAPTURE_PER_HOST captures run per source host; a claim over the
limit goes back to the queue for a little while. A failure that may pass
(network, a truncated or too slow response) is retried with exponential
backoff, up to NEWSCLIPS_CAPTURE_ATTEMPTS; others fail at once with the reason.

A capture becomes complete in one transaction, after every file is in place in
the storage and the manifest is signed and time-stamped. A worker killed
before that leaves it "running" with an old heartbeat; `resume_stale_captures`
(from check_due) queues it again, and yt-dlp resumes the download from the
work folder's `.part` files.
"""

import logging
import random
import socket
import urllib.parse
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.tasks import task
from django.utils import timezone

from catalog.analysis.pipeline import request_analysis
from catalog.fingerprint.tasks import request_fingerprint
from catalog.models import Capture, CaptureFile, CaptureTimestamp

from . import proof, timestamps
from .custody import log_event
from .download import CaptureFailed, clear, download, failure
from .manifest import manifest_bytes
from .storage import StorageRefused, check_room, max_file_bytes, room_left, store_file

logger = logging.getLogger(__name__)

STALE_SECONDS = 600  # the heartbeat beats every few seconds while downloading
HEARTBEAT_EVERY = 5  # seconds
HOST_BUSY_DELAY = (10, 40)  # seconds before a capture over the per-host limit is tried again
BACKOFF_BASE = timedelta(minutes=1)  # then 4, 16, ... minutes


def request_capture(clip, *, user=None, priority=Capture.Priority.NORMAL, url="", enqueue=True):
    """Queue a capture of `clip` (or return the one already queued or running for it)."""
    existing = clip.captures.open().first()
    if existing is not None:
        if priority > existing.priority:
            Capture.objects.filter(pk=existing.pk).update(priority=priority)
        return existing
    url = url or clip.url or clip.source_url
    capture = Capture.objects.create(
        clip=clip,
        source_url=url,
        host=(urllib.parse.urlsplit(url).hostname or "")[:255],
        priority=priority,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )
    log_event(clip, "capture", capture=capture, actor=user, detail=f"requested from {url}")
    if enqueue:
        transaction.on_commit(lambda: _enqueue(capture))
    return capture


@task
def run_capture_task(capture_id):
    """The worker's side: run capture `capture_id` (retried with backoff when that may help)."""
    return run_capture(capture_id)


def _enqueue(capture, *, run_after=None):
    task = run_capture_task.using(
        priority=max(-100, min(100, capture.priority)), run_after=run_after
    )
    result = task.enqueue(capture.pk)
    Capture.objects.filter(pk=capture.pk).update(task_id=str(result.id))
    return capture


def stale_after():
    """How long a running capture's worker may be silent before it counts as dead."""
    seconds = getattr(settings, "NEWSCLIPS_CAPTURE_STALE_SECONDS", 0) or STALE_SECONDS
    return timedelta(seconds=int(seconds))


def resume_stale_captures():
    """Queue again the running captures whose worker has not been heard of for a while."""
    stale = Capture.objects.filter(
        status=Capture.Status.RUNNING, heartbeat_at__lt=timezone.now() - stale_after()
    )
    resumed = []
    for capture in stale:
        if Capture.objects.filter(pk=capture.pk, status=Capture.Status.RUNNING).update(
            status=Capture.Status.QUEUED
        ):
            resumed.append(_enqueue(capture))
    return resumed


def due_captures(now=None):
    """Queued captures whose time has come, the most urgent first."""
    return Capture.objects.filter(
        status=Capture.Status.QUEUED, not_before__lte=now or timezone.now()
    ).order_by("-priority", "not_before", "id")


def work_dir(capture):
    return Path(settings.NEWSCLIPS_CAPTURE_WORK_DIR) / f"capture-{capture.pk}"


def run_capture(capture_id, *, retry=True, host_limit=True):
    """Claim and run capture `capture_id`; return its status afterwards (or "busy").

    `retry` False (the capture command) fails at the first error instead of
    queueing another attempt; `host_limit` False skips the per-host limit.
    """
    capture = claim(capture_id)
    if capture is None:
        status = Capture.objects.filter(pk=capture_id).values_list("status", flat=True).first()
        return status or "deleted"
    if host_limit and _host_busy(capture):
        delay = timedelta(seconds=random.randint(*HOST_BUSY_DELAY))  # noqa: S311 - jitter
        when = timezone.now() + delay
        _release(capture, when)
        if retry:
            _enqueue(capture, run_after=when)
        return "busy"
    try:
        perform(capture)
    except CaptureFailed as error:
        _failed(capture, error, retry=retry)
    except StorageRefused as error:
        _failed(capture, CaptureFailed(error.reason), retry=retry)
    except OSError as error:
        _failed(capture, failure(error), retry=retry)
    except Exception as error:
        logger.exception("capture %s failed", capture.pk)
        _failed(capture, CaptureFailed(f"internal error ({type(error).__name__})"), retry=False)
    return Capture.objects.values_list("status", flat=True).get(pk=capture.pk)


def claim(capture_id):
    """The capture, now running on this worker; None if it is not queued or stale-running."""
    now = timezone.now()
    claimable = Q(status=Capture.Status.QUEUED) | Q(
        status=Capture.Status.RUNNING, heartbeat_at__lt=now - stale_after()
    )
    claimed = (
        Capture.objects.filter(claimable, pk=capture_id)
        .exclude(status=Capture.Status.COMPLETE)
        .update(
            status=Capture.Status.RUNNING,
            heartbeat_at=now,
            started_at=Coalesce("started_at", now),
            worker_host=socket.gethostname()[:255],
            attempts=F("attempts") + 1,
        )
    )
    return Capture.objects.select_related("clip").get(pk=capture_id) if claimed else None


def _host_busy(capture):
    limit = int(getattr(settings, "NEWSCLIPS_CAPTURE_PER_HOST", 2) or 0)
    if not limit or not capture.host:
        return False
    running = Capture.objects.filter(
        status=Capture.Status.RUNNING,
        host=capture.host,
        heartbeat_at__gte=timezone.now() - stale_after(),
    ).exclude(pk=capture.pk)
    return running.count() >= limit


def _release(capture, when):
    Capture.objects.filter(pk=capture.pk, status=Capture.Status.RUNNING).update(
        status=Capture.Status.QUEUED,
        not_before=when,
        attempts=F("attempts") - 1,  # waiting for the host is not an attempt
    )


def perform(capture):
    """Download, store, sign, time-stamp, then mark complete in one transaction."""
    folder = work_dir(capture)
    beat = _Heartbeat(capture)
    room = room_left()
    try:
        result = download(capture.source_url, folder, max_bytes=room, on_progress=beat)
    except CaptureFailed as error:
        if room < max_file_bytes() and "too large" in error.reason:
            raise CaptureFailed(
                f"storage quota exceeded: the file is larger than the {room:,} bytes left"
            ) from error
        raise
    beat(force=True)
    check_room(sum(file.path.stat().st_size for file in result.files))
    files = []
    for downloaded in result.files:
        stored = store_file(downloaded.path)
        files.append(
            CaptureFile(
                capture=capture,
                stored_file=stored,
                role=downloaded.role,
                name=downloaded.name[:200],
                url=downloaded.url[:2000],
            )
        )
    capture.media_urls = result.media_urls
    capture.ytdlp_version = result.ytdlp_version
    capture.format_id = result.format_id
    capture.http_status = result.http_status
    capture.http_headers = result.http_headers
    capture.cert_chain_pem = result.cert_chain_pem
    capture.cert_sha256 = result.cert_sha256
    capture.finished_at = timezone.now()
    capture.manifest = manifest_bytes(capture, files)
    capture.signature = proof.sign(capture.manifest)
    capture.key_fingerprint = proof.key_fingerprint()
    tokens = timestamps.request_timestamps(capture.manifest)
    for url, _token, error in tokens:
        if error:
            logger.warning("capture %s: no timestamp from %s: %s", capture.pk, url, error)
    with transaction.atomic():
        mine = Capture.objects.select_for_update().filter(pk=capture.pk, status="running")
        if not mine.exists():
            raise CaptureFailed("the capture was taken over by another worker or deleted")
        CaptureFile.objects.filter(capture=capture).delete()
        CaptureFile.objects.bulk_create(files)
        CaptureTimestamp.objects.bulk_create(
            CaptureTimestamp(capture=capture, tsa_url=url, token=token)
            for url, token, _error in tokens
            if token
        )
        capture.status = Capture.Status.COMPLETE
        capture.reason = "; ".join(f"no timestamp from {u}: {e}" for u, _t, e in tokens if e)
        capture.save()
        media = next((f for f in files if f.role == CaptureFile.Role.MEDIA), None)
        detail = f"complete: {len(files)} files"
        if media is not None:
            detail += f", media {media.name} sha256 {media.stored_file.sha256}"
        log_event(capture.clip, "capture", capture=capture, detail=detail)
        if media is not None:
            request_fingerprint(capture.clip_id)  # queued once this commits
        if media is not None and getattr(settings, "NEWSCLIPS_ANALYSE_CAPTURES", True):
            # Keyframes and the text on screen (catalog.analysis), once the capture is in.
            transaction.on_commit(lambda: request_analysis(capture))
    clear(folder)


def _failed(capture, error, *, retry):
    attempts = Capture.objects.values_list("attempts", flat=True).get(pk=capture.pk)
    limit = int(getattr(settings, "NEWSCLIPS_CAPTURE_ATTEMPTS", 4) or 1)
    now = timezone.now()
    if retry and error.retry and attempts < limit:
        when = now + BACKOFF_BASE * 4 ** (attempts - 1)
        updated = Capture.objects.filter(pk=capture.pk, status=Capture.Status.RUNNING).update(
            status=Capture.Status.QUEUED,
            not_before=when,
            reason=f"attempt {attempts} failed: {error.reason}"[:4000],
        )
        if updated:  # the .part files stay: the next attempt resumes them
            _enqueue(capture, run_after=when)
        return
    Capture.objects.filter(pk=capture.pk, status=Capture.Status.RUNNING).update(
        status=Capture.Status.FAILED, reason=error.reason[:4000], finished_at=now
    )
    clear(work_dir(capture))
    log_event(capture.clip, "capture", capture=capture, detail=f"failed: {error.reason}")


class _Heartbeat:
    """Called with the bytes downloaded so far; tells the database the worker is alive."""

    def __init__(self, capture):
        self.capture_id, self.last = capture.pk, 0.0

    def __call__(self, done=0, *, force=False):
        now = timezone.now()
        if force or now.timestamp() - self.last >= HEARTBEAT_EVERY:
            self.last = now.timestamp()
            Capture.objects.filter(pk=self.capture_id).update(heartbeat_at=now)
