"""Frames out of a video with ffmpeg: probing, keyframes at shot changes, frames to read text from.

Every function runs ffmpeg (or ffprobe) as a subprocess on a local file, with
a time limit, and raises MediaUndecodable with ffmpeg's own words when the
media cannot be read: the analysis of that clip fails with that reason.
"""

import functools
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

KEYFRAME_WIDTH = 320  # pixels: a strip of small images, ~10 KB each as JPEG
KEYFRAME_QUALITY = 5  # ffmpeg's -q:v for JPEG (2 best, 31 worst)
TEXT_MAX_WIDTH = 1280  # captions are large: bigger frames (1080p) only cost OCR time
# ffmpeg's scene score (0..1) from which a frame starts a new shot.
SCENE_THRESHOLD = 0.3
TIMEOUT_PER_SECOND = 2  # seconds of ffmpeg time allowed per second of video, plus
TIMEOUT_BASE = 60


class MediaUndecodable(Exception):
    """ffmpeg cannot read the media; `reason` says why, in ffmpeg's words."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    duration: float  # seconds
    has_video: bool


@dataclass(frozen=True)
class Frame:
    time: float  # seconds from the start
    path: Path
    shot_change: bool = False


@functools.cache
def ffmpeg_version():
    """ffmpeg's version as it reports itself, e.g. "5.1.6-0+deb12u1"."""
    output = subprocess.run(
        ["ffmpeg", "-version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    match = re.match(r"ffmpeg version (\S+)", output)
    return match.group(1) if match else output.split("\n", 1)[0][:100]


def _run(command, *, seconds, cwd=None):
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_BASE + TIMEOUT_PER_SECOND * seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MediaUndecodable(f"{command[0]} took too long to decode the media") from None
    if result.returncode != 0:
        raise MediaUndecodable(_last_error(result.stderr) or f"{command[0]} failed")
    return result


def _last_error(stderr):
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def probe(path):
    """The media's duration and whether it has a picture; MediaUndecodable if it is no media."""
    result = _run(
        [
            "ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type",
            "-of", "json", str(path),
        ],
        seconds=0,
    )  # fmt: skip
    try:
        info = json.loads(result.stdout)
        duration = float(info.get("format", {}).get("duration") or 0)
    except ValueError:
        raise MediaUndecodable("ffprobe gave no readable answer") from None
    streams = info.get("streams", [])
    if not streams:
        raise MediaUndecodable("no audio or video stream in the file")
    return Probe(duration, any(s.get("codec_type") == "video" for s in streams))


def keyframes(path, folder, *, every, duration):
    """Small JPEGs at each shot change and at least every `every` seconds, into `folder`.

    One decoding pass: the frames are scaled down first (the scene score of a
    small frame is as good and far cheaper), then selected; ffmpeg's metadata
    filter writes each selected frame's time and scene score to a file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "keyframes.txt"
    select = (
        f"isnan(prev_selected_t)+gt(scene\\,{SCENE_THRESHOLD})"
        f"+gte(t-prev_selected_t\\,{float(every)})"
    )
    _run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(Path(path).resolve()),
            "-an", "-sn",
            # Relative names (ffmpeg runs in the folder): a filter option needs no escaping.
            "-vf", f"scale={KEYFRAME_WIDTH}:-2,select='{select}',"
            f"metadata=mode=print:file={meta.name}",
            "-fps_mode", "vfr", "-q:v", str(KEYFRAME_QUALITY), "key-%06d.jpg",
        ],
        seconds=duration,
        cwd=folder,
    )  # fmt: skip
    times = _printed_frames(meta.read_text())
    frames = []
    for index, (time, score) in enumerate(times, start=1):
        image = folder / f"key-{index:06d}.jpg"
        if image.exists():
            frames.append(Frame(time, image, shot_change=index > 1 and score > SCENE_THRESHOLD))
    return frames


def text_frames(path, folder, *, start, length, every, duration):
    """Frames every `every` seconds from `start` for `length` seconds, ready for OCR.

    Grayscale and inverted: Tesseract reads light captions on a dark box only
    then (on the raw frame it reads nothing); dark text on light is still read,
    Tesseract inverts a line it cannot read otherwise.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("text-*.png"):
        old.unlink()
    _run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", f"{start:.3f}", "-t",
            f"{length:.3f}", "-i", str(path), "-an", "-sn",
            "-vf", f"fps=fps=1/{float(every)},scale='min(iw\\,{TEXT_MAX_WIDTH})':-2,"
            "format=gray,negate",
            str(folder / "text-%06d.png"),
        ],
        seconds=min(length, duration),
    )  # fmt: skip
    frames = []
    for image in sorted(folder.glob("text-*.png")):
        number = int(image.stem.split("-")[1]) - 1
        time = round(start + number * every, 3)
        if time < min(start + length, duration or start + length):
            frames.append(Frame(time, image))
    return frames


_FRAME_RE = re.compile(r"^frame:\d+\s+pts:\S+\s+pts_time:(\S+)")
_SCORE_RE = re.compile(r"^lavfi\.scene_score=(\S+)")


def _printed_frames(text):
    """(time, scene score) of each frame the metadata filter printed, in order."""
    frames = []
    for line in text.splitlines():
        if match := _FRAME_RE.match(line):
            frames.append([float(match.group(1)), 0.0])
        elif (match := _SCORE_RE.match(line)) and frames:
            frames[-1][1] = float(match.group(1))
    return [(round(time, 3), score) for time, score in frames]
