"""Small real media for the fingerprint tests, made by ffmpeg in the test (lavfi sources)."""

import shutil
import subprocess
from pathlib import Path

import pytest

# A moving test card with a clock: every second looks different, as news footage does.
PICTURE = "testsrc2=size=320x240:rate=10"


def melody(base, notes_per_second, stride):
    """A tune of semitone steps (Chromaprint hears pitch classes; a pure tone prints as a
    constant that any other pure tone resembles)."""
    pitch = rf"pow(2\,floor(mod(t*{notes_per_second}*{stride}\,12))/12)"
    return rf"aevalsrc=0.5*sin(2*PI*{base}*{pitch}*t):s=44100"


TONE = melody(330, 2, 5)
OTHER_TONE = melody(262, 3, 7)


def ffmpeg(*args):
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *map(str, args)], check=True)


def make_clip(path, *, seconds=8, picture=PICTURE, tone=TONE, size=None):
    """An MP4 (H.264 + AAC) of `picture` with `tone`."""
    scale = ["-vf", f"scale={size}"] if size else []
    ffmpeg(
        "-f", "lavfi", "-i", f"{picture}:duration={seconds}",
        "-f", "lavfi", "-i", f"{tone}:duration={seconds}",
        *scale, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-shortest", path,
    )  # fmt: skip
    return Path(path)


def reencode(source, path, *, size="176x132", crf=35, start=None, seconds=None):
    """Another encoding of `source`: other resolution and bitrate, optionally an excerpt."""
    cut = (["-ss", start] if start is not None else []) + (["-t", seconds] if seconds else [])
    ffmpeg(
        *cut, "-i", source, "-vf", f"scale={size}", "-c:v", "libx264", "-preset", "ultrafast",
        "-crf", crf, "-c:a", "aac", "-b:a", "48k", path,
    )  # fmt: skip
    return Path(path)


def make_audio(path, *, seconds=8, tone=TONE):
    ffmpeg("-f", "lavfi", "-i", f"{tone}:duration={seconds}", "-c:a", "aac", path)
    return Path(path)


def make_silent_video(path, *, seconds=4, picture=PICTURE):
    ffmpeg(
        "-f", "lavfi", "-i", f"{picture}:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path,
    )  # fmt: skip
    return Path(path)


def make_image(path, *, source="testsrc2=size=320x240", at=0):
    """One still picture (the format follows the suffix: .png, .jpg, .webp)."""
    ffmpeg("-f", "lavfi", "-i", f"{source}:duration={at + 1}", "-ss", at, "-frames:v", 1, path)
    return Path(path)
