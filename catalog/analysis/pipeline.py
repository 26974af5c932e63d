"""The analysis of a capture's media as a background job: keyframes, then the text on screen.

    request_analysis(capture)  queue it (after a capture completes: catalog.capture.jobs)
    run_analysis(analysis_id)  the worker's side: claim it, run the steps, record the end
    analyse_clips(clips)       the `analyse` command's: analyse each clip's latest capture now
    resume_stale_analyses()    check_due's: queue again what a dead worker left running

The MediaAnalysis row is the job, claimed with one conditional UPDATE (queued,
or running with a stale heartbeat), so two workers never run the same one. Its
steps (catalog.analysis.steps) are recorded as they finish: running again
changes nothing and a killed run resumes. Media that ffmpeg cannot decode fail
that analysis with ffmpeg's reason; the other clips go on.
"""

import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.tasks import task
from django.utils import timezone

from catalog.capture.storage import StorageRefused, delete_unused
from catalog.models import Capture, CaptureFile, Clip, Keyframe, MediaAnalysis, TranscriptSegment

from .frames import MediaUndecodable
from .steps import AnalysisFailed, perform, work_dir

logger = logging.getLogger(__name__)

STALE_SECONDS = 600  # a batch takes well under a minute


@dataclass(frozen=True)
class Outcome:
    """What analyse_clips did for one clip: the analysis's status and a line about it."""

    clip_id: int
    status: str
    detail: str


def stale_after():
    seconds = getattr(settings, "NEWSCLIPS_ANALYSIS_STALE_SECONDS", 0) or STALE_SECONDS
    return timedelta(seconds=int(seconds))


def request_analysis(capture, *, enqueue=True):
    """The capture's analysis, queued unless it is done or under way (a failed one: again)."""
    analysis, _created = MediaAnalysis.objects.get_or_create(capture=capture)
    if analysis.status == MediaAnalysis.Status.FAILED:
        # What the failed run finished stays done: the next run resumes after it.
        MediaAnalysis.objects.filter(pk=analysis.pk, status=MediaAnalysis.Status.FAILED).update(
            status=MediaAnalysis.Status.QUEUED, reason="", finished_at=None
        )
        analysis.refresh_from_db()
    if enqueue and analysis.status == MediaAnalysis.Status.QUEUED:
        transaction.on_commit(lambda: _enqueue(analysis))
    return analysis


@task
def run_analysis_task(analysis_id):
    """The worker's side: analyse (or resume analysing) one capture's media."""
    return run_analysis(analysis_id)


def _enqueue(analysis):
    result = run_analysis_task.enqueue(analysis.pk)
    MediaAnalysis.objects.filter(pk=analysis.pk).update(task_id=str(result.id))
    return analysis


def resume_stale_analyses():
    """Queue again the running analyses whose worker has not been heard of for a while."""
    stale = MediaAnalysis.objects.filter(
        status=MediaAnalysis.Status.RUNNING, heartbeat_at__lt=timezone.now() - stale_after()
    )
    resumed = []
    for analysis in stale:
        if MediaAnalysis.objects.filter(pk=analysis.pk, status=MediaAnalysis.Status.RUNNING).update(
            status=MediaAnalysis.Status.QUEUED
        ):
            analysis.status = MediaAnalysis.Status.QUEUED
            resumed.append(_enqueue(analysis))
    return resumed


def claim(analysis_id):
    """The analysis, now running here; None unless it is queued or stale-running."""
    now = timezone.now()
    claimable = Q(status=MediaAnalysis.Status.QUEUED) | Q(
        status=MediaAnalysis.Status.RUNNING, heartbeat_at__lt=now - stale_after()
    )
    claimed = MediaAnalysis.objects.filter(claimable, pk=analysis_id).update(
        status=MediaAnalysis.Status.RUNNING,
        heartbeat_at=now,
        started_at=Coalesce("started_at", now),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return MediaAnalysis.objects.select_related("capture__clip").get(pk=analysis_id)


def run_analysis(analysis_id):
    """Claim and run analysis `analysis_id`; return its status afterwards."""
    analysis = claim(analysis_id)
    if analysis is None:
        status = MediaAnalysis.objects.filter(pk=analysis_id).values_list("status", flat=True)
        return status.first() or "deleted"
    try:
        perform(analysis)
    except AnalysisFailed as error:
        _failed(analysis, error.reason)
    except MediaUndecodable as error:
        _failed(analysis, f"the media cannot be decoded: {error.reason}")
    except StorageRefused as error:
        _failed(analysis, error.reason)
    except OSError as error:
        _failed(analysis, f"{error.strerror or error} ({type(error).__name__})")
    except Exception as error:
        logger.exception("analysis %s failed", analysis.pk)
        _failed(analysis, f"internal error ({type(error).__name__})")
    return MediaAnalysis.objects.values_list("status", flat=True).get(pk=analysis.pk)


def _failed(analysis, reason):
    MediaAnalysis.objects.filter(pk=analysis.pk, status=MediaAnalysis.Status.RUNNING).update(
        status=MediaAnalysis.Status.FAILED, reason=reason[:4000], finished_at=timezone.now()
    )
    shutil.rmtree(work_dir(analysis), ignore_errors=True)


def latest_capture_with_media(clip):
    return (
        clip.captures.complete().filter(files__role=CaptureFile.Role.MEDIA).latest_first().first()
    )


def analyse_clips(clips=None, *, again=False):
    """Analyse the latest capture of each clip (Clip objects or ids) now, in this process.

    Without clips: every clip whose latest capture has no complete analysis.
    `again` starts over (keyframes and text read anew); otherwise a complete
    analysis is left alone and an interrupted or failed one resumes.
    Returns an Outcome per clip; a clip that fails does not stop the others.
    """
    if clips is None:
        done = MediaAnalysis.objects.complete().values("capture")
        candidates = Capture.objects.complete().filter(files__role=CaptureFile.Role.MEDIA)
        ids = candidates.exclude(pk__in=done).values_list("clip_id", flat=True)
        clips = sorted(set(ids))
    ids = [getattr(clip, "pk", clip) for clip in clips]
    found = Clip.objects.in_bulk(ids)
    outcomes = []
    for clip_id in ids:
        clip = found.get(clip_id)
        if clip is None:
            outcomes.append(Outcome(clip_id, "failed", "no such clip"))
            continue
        capture = latest_capture_with_media(clip)
        if capture is None:
            outcomes.append(Outcome(clip_id, "skipped", "no complete capture with media"))
            continue
        outcomes.append(analyse_capture(capture, again=again))
    return outcomes


def analyse_capture(capture, *, again=False):
    """Analyse one capture now (see analyse_clips); its Outcome."""
    old = []
    if again:
        # The old keyframes' files go only if the new run does not store the same bytes.
        keyframes = Keyframe.objects.filter(analysis__capture=capture).select_related("stored_file")
        old = [keyframe.stored_file for keyframe in keyframes]
        MediaAnalysis.objects.filter(capture=capture).exclude(
            status=MediaAnalysis.Status.RUNNING, heartbeat_at__gte=timezone.now() - stale_after()
        ).delete()
    analysis = request_analysis(capture, enqueue=False)
    if analysis.status == MediaAnalysis.Status.COMPLETE:
        return Outcome(capture.clip_id, "unchanged", _summary(analysis))
    status = run_analysis(analysis.pk)
    delete_unused(old)
    analysis.refresh_from_db()
    if status == MediaAnalysis.Status.COMPLETE:
        return Outcome(capture.clip_id, status, _summary(analysis))
    if status == MediaAnalysis.Status.RUNNING:
        return Outcome(capture.clip_id, "failed", "running in another worker")
    return Outcome(capture.clip_id, "failed", analysis.reason or status)


def _summary(analysis):
    segments = TranscriptSegment.objects.filter(
        clip_id=analysis.capture.clip_id, kind=TranscriptSegment.Kind.ONSCREEN
    ).count()
    parts = [
        f"capture #{analysis.capture_id}",
        f"{analysis.keyframes.count()} keyframes",
        f"{analysis.frames_read} frames read",
        f"{segments} on-screen text segments",
    ]
    if analysis.frames_skipped:
        skipped = ", ".join(f"{reason} ({n})" for reason, n in analysis.frames_skipped.items())
        parts.append(f"skipped: {skipped}")
    if analysis.reason:
        parts.append(analysis.reason)
    return "; ".join(parts)
