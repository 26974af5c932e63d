"""`fingerprint_file(path)`: the frame and audio fingerprints of one media file.

One pass over the video: PyAV demuxes only the video stream and decodes it
(threaded); a frame is scaled down and hashed only when it is the one on
screen at the next whole `FRAME_STEP`, so most decoded frames cost nothing
more than their decoding. The audio is fingerprinted by fpcalc in a second
process at the same time.
"""

import logging
import os

import av

from . import audioprint, pdq
from .mediaprint import FingerprintError, MediaPrint
from .versions import media_tool_versions

logger = logging.getLogger(__name__)

FRAME_STEP = 1.0  # seconds between two hashed frames
EPSILON = 1e-3  # a frame stamped 0.9999 s is the frame of second 1


def tool_versions():
    return media_tool_versions(FRAME_STEP)


def fingerprint_file(path):
    """Return the MediaPrint of the media file at `path`.

    Raises FingerprintError (with a reason fit for an editor) for a missing,
    empty or undecodable file, or one with neither video nor audio.
    """
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise FingerprintError(f"cannot read the file ({error.strerror})") from error
    if size == 0:
        raise FingerprintError("the file is empty (0 bytes)")
    try:
        container = av.open(path)
    except av.FFmpegError as error:
        raise FingerprintError(f"not a media file FFmpeg can read ({_why(error)})") from error
    with container:
        video = _video_stream(container)
        audio = audioprint.start(path) if container.streams.audio else None
        duration = container.duration / av.time_base if container.duration else 0.0
        try:
            hashes, qualities, video_end, video_error = _frames(container, video)
        finally:
            audio_bytes, audio_duration, audio_error = _finish_audio(audio, duration)
    if not hashes and not audio_bytes:
        reasons = [reason for reason in (video_error, audio_error) if reason]
        if video is None and audio is None:
            reasons = ["it has neither a video nor an audio stream"]
        raise FingerprintError("nothing to fingerprint: " + "; ".join(reasons or ["no content"]))
    for reason in (video_error, audio_error):
        if reason:
            logger.warning("fingerprint of %s: %s", path, reason)
    return MediaPrint(
        duration=round(max(duration, video_end, audio_duration), 3),
        frame_step=FRAME_STEP,
        frame_hashes=b"".join(hashes),
        frame_quality=bytes(qualities),
        audio_step=audioprint.AUDIO_STEP if audio_bytes else None,
        audio=audio_bytes,
        tool_versions=tool_versions(),
    )


def _video_stream(container):
    for stream in container.streams.video:
        # A cover image (an MP3's or M4A's artwork) is not a video.
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def _frames(container, stream):
    """PDQ hashes and qualities of the frame on screen at 0, 1, 2, ... seconds.

    Returns (hashes, qualities, end time, error reason or "").
    """
    hashes, qualities = [], []
    if stream is None:
        return hashes, qualities, 0.0, ""
    stream.thread_type = "AUTO"
    origin = float(stream.start_time * stream.time_base) if stream.start_time is not None else None
    previous = previous_time = previous_hash = None
    last_duration = 0.0

    def emit_until(time):
        # The previous frame is on screen at every whole step before `time`.
        nonlocal previous_hash
        while len(hashes) * FRAME_STEP < time - EPSILON:
            if previous_hash is None:
                previous_hash = pdq.hash_frame(previous)
            hashes.append(previous_hash[0])
            qualities.append(previous_hash[1])

    try:
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            if origin is None:
                origin = frame.time
            time = frame.time - origin
            if previous is not None and time > previous_time:
                emit_until(time)
                last_duration = time - previous_time
            if previous is None or time > previous_time:
                previous, previous_time, previous_hash = frame, time, None
    except av.FFmpegError as error:
        return [], [], 0.0, f"video: cannot decode ({_why(error)})"
    if previous is None:
        return [], [], 0.0, "video: no frame could be decoded"
    end = previous_time + (last_duration or FRAME_STEP)
    emit_until(end)
    return hashes, qualities, end, ""


def _finish_audio(process, duration):
    if process is None:
        return b"", 0.0, ""
    try:
        audio, audio_duration = audioprint.finish(process, timeout=max(600.0, duration * 2))
    except FingerprintError as error:
        return b"", 0.0, str(error)
    return audio, audio_duration, ""


def _why(error):
    return getattr(error, "strerror", None) or str(error)
