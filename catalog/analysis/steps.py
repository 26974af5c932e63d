"""The steps of a media analysis, each recorded on its MediaAnalysis row when done.

    1. keyframes: small JPEGs at shot changes and every NEWSCLIPS_KEYFRAME_EVERY
       seconds, stored content-addressed in the captures storage (as a capture's
       files: temp files moved into place when complete, the same bytes stored
       once), their rows written in one transaction;
    2. text: frames every NEWSCLIPS_TEXT_EVERY seconds read by Tesseract,
       FRAMES_PER_BATCH at a time, each batch's readings saved with how far it
       got (`text_until`): a killed run resumes after the last saved batch;
    3. on-screen text: the readings made into timed segments, written as the
       clip's "on-screen text" transcript segments (where they differ from the
       stored ones) in the transaction that completes the analysis.

Every write checks that this worker still holds the analysis (status running):
one taken over by another worker stops here.
"""

import shutil
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.capture.storage import (
    StorageRefused,
    captures_storage,
    delete_unused,
    open_stored,
    store_file,
)
from catalog.models import CaptureFile, Keyframe, MediaAnalysis, TranscriptSegment

from . import frames as ffmpeg
from . import ocr, onscreen

FRAMES_PER_BATCH = 60  # frames read for text per Tesseract run and per saved step


class AnalysisFailed(Exception):
    """The analysis cannot go on; `reason` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def keyframe_every():
    return float(getattr(settings, "NEWSCLIPS_KEYFRAME_EVERY", 10) or 10)


def text_every():
    return float(getattr(settings, "NEWSCLIPS_TEXT_EVERY", 1) or 1)


def work_dir(analysis):
    return Path(settings.NEWSCLIPS_CAPTURE_WORK_DIR) / f"analysis-{analysis.pk}"


def perform(analysis):
    """Run what is not done yet of the analysis, then complete it."""
    capture = analysis.capture
    media = capture.files.select_related("stored_file").filter(role=CaptureFile.Role.MEDIA)
    media = media.order_by("name").first()
    if media is None:
        raise AnalysisFailed("the capture has no media file")
    folder = work_dir(analysis)
    folder.mkdir(parents=True, exist_ok=True)
    analysis.ffmpeg_version = ffmpeg.ffmpeg_version()
    analysis.tesseract_version = ocr.tesseract_version()
    _save(analysis, "ffmpeg_version", "tesseract_version")
    path = _local_media(media.stored_file, folder)
    probe = ffmpeg.probe(path)
    analysis.duration = probe.duration
    _save(analysis, "duration")
    if not probe.has_video:
        _complete(analysis, [], reason="the media has no picture: nothing to look at")
    elif not probe.duration:
        raise AnalysisFailed("ffprobe cannot tell how long the media is")
    else:
        if not analysis.keyframes_done:
            _store_keyframes(analysis, path, folder / "keyframes")
        step = text_every()
        while analysis.text_until < probe.duration:
            _read_text(analysis, path, folder / "text", step=step)
        found = onscreen.segments(
            analysis.text_frames,
            step=step,
            duration=probe.duration,
            default_language=capture.clip.language,
        )
        _complete(analysis, found)
    shutil.rmtree(folder, ignore_errors=True)


def _local_media(stored, folder):
    """A path ffmpeg can read: the stored file itself, or a copy from object storage."""
    try:
        return Path(captures_storage().path(stored.name))
    except NotImplementedError:
        pass
    copy = folder / "media"
    if copy.exists() and copy.stat().st_size == stored.size:
        return copy
    partial = folder / "media.part"
    with open_stored(stored) as source, open(partial, "wb") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    partial.replace(copy)
    return copy


def _save(analysis, *fields):
    """Save fields of an analysis this worker still holds (else: taken over, stop)."""
    values = {name: getattr(analysis, name) for name in fields}
    updated = MediaAnalysis.objects.filter(
        pk=analysis.pk, status=MediaAnalysis.Status.RUNNING
    ).update(heartbeat_at=timezone.now(), **values)
    if not updated:
        raise AnalysisFailed("the analysis was taken over by another worker or deleted")


def _hold(analysis):
    """Inside a transaction: lock the analysis row if this worker still holds it."""
    mine = MediaAnalysis.objects.select_for_update().filter(
        pk=analysis.pk, status=MediaAnalysis.Status.RUNNING
    )
    if not mine.exists():
        raise AnalysisFailed("the analysis was taken over by another worker or deleted")


def _count_skipped(analysis, skipped):
    total = Counter(analysis.frames_skipped)
    total.update(skipped)
    analysis.frames_skipped = dict(sorted(total.items()))


def _store_keyframes(analysis, path, folder):
    """Step 1: keyframes into the captures storage, their rows in one transaction."""
    shutil.rmtree(folder, ignore_errors=True)
    found = ffmpeg.keyframes(path, folder, every=keyframe_every(), duration=analysis.duration)
    rows, skipped = [], Counter()
    for frame in found:
        try:
            stored = store_file(frame.path, mime_type="image/jpeg")
        except StorageRefused as error:
            skipped[f"keyframe not stored: {error.reason}"] += 1
            continue
        rows.append(
            Keyframe(
                analysis=analysis,
                time=frame.time,
                shot_change=frame.shot_change,
                stored_file=stored,
            )
        )
    old = list(analysis.keyframes.select_related("stored_file"))
    with transaction.atomic():
        _hold(analysis)
        Keyframe.objects.filter(analysis=analysis).delete()
        Keyframe.objects.bulk_create(rows)
        analysis.keyframes_done = True
        _count_skipped(analysis, skipped)
        _save(analysis, "keyframes_done", "frames_skipped")
    delete_unused(keyframe.stored_file for keyframe in old)
    shutil.rmtree(folder, ignore_errors=True)


def _read_text(analysis, path, folder, *, step):
    """Step 2, one batch: the text on the next FRAMES_PER_BATCH sampled frames."""
    start = analysis.text_until
    length = min(step * FRAMES_PER_BATCH, analysis.duration - start)
    sampled = ffmpeg.text_frames(
        path, folder, start=start, length=length, every=step, duration=analysis.duration
    )
    reading = ocr.read_frames([frame.path for frame in sampled], folder)
    read = [[frame.time, reading.lines.get(str(frame.path))] for frame in sampled]
    read = [entry for entry in read if entry[1] is not None]
    analysis.text_frames = [*analysis.text_frames, *read]
    analysis.text_until = round(start + length, 3)
    analysis.frames_read += len(read)
    _count_skipped(analysis, reading.skipped)
    _save(analysis, "text_frames", "text_until", "frames_read", "frames_skipped")


def _complete(analysis, found, *, reason=""):
    """Step 3: the clip's on-screen text segments (where they differ), and done."""
    clip = analysis.capture.clip
    wanted = sorted(
        (round(s.start, 3), round(s.end, 3), s.language[:16], s.text) for s in found if s.text
    )
    onscreen_rows = TranscriptSegment.objects.filter(
        clip=clip, kind=TranscriptSegment.Kind.ONSCREEN
    )
    with transaction.atomic():
        _hold(analysis)
        current = sorted(onscreen_rows.values_list("start", "end", "language", "text"))
        if current != wanted:
            onscreen_rows.delete()
            TranscriptSegment.objects.bulk_create(
                TranscriptSegment(
                    clip=clip,
                    kind=TranscriptSegment.Kind.ONSCREEN,
                    start=start,
                    end=end,
                    language=language,
                    text=text,
                )
                for start, end, language, text in wanted
            )
        analysis.status = MediaAnalysis.Status.COMPLETE
        analysis.reason = reason
        analysis.finished_at = timezone.now()
        MediaAnalysis.objects.filter(pk=analysis.pk).update(
            status=analysis.status, reason=reason, finished_at=analysis.finished_at
        )
