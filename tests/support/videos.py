"""Test media made by ffmpeg: videos, the copies of them that matching must recognise,
sounds, pictures.

An original is a picture that changes every second (a zoom into the Mandelbrot set,
a cellular automaton or the game of life, scaled up so that its shapes are large)
with its title drawn on it, and a melody of tones: both differ from seed to seed, so
two originals share nothing unless a test makes them (a black intro). The copies
are what the web does to a news clip: re-encoded at another size and bitrate,
cropped, a channel logo added, played 3 % faster or slower, cut into an excerpt,
or its sound put under a still image.

The fingerprint tests' smaller media: a moving test card with a clock and a tune
(`make_card_video`), the tune alone, the card without sound, still pictures.

Every function writes `dst` (a Path or str) and returns it as a Path; the test
skips when ffmpeg is not installed.
"""

import random
import shutil
import subprocess
from pathlib import Path

import pytest

RATE = 10  # frames per second of the originals: plenty for a hash a second
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
# A moving test card with a clock: every second looks different, as news footage does.
TEST_CARD = "testsrc2=size=320x240:rate=10"


def tune(base, notes_per_second, stride):
    """A tune of semitone steps (Chromaprint hears pitch classes; a pure tone prints as a
    constant that any other pure tone resembles)."""
    pitch = rf"pow(2\,floor(mod(t*{notes_per_second}*{stride}\,12))/12)"
    return rf"aevalsrc=0.5*sin(2*PI*{base}*{pitch}*t):s=44100"


TONE = tune(330, 2, 5)
OTHER_TONE = tune(262, 3, 7)


def ffmpeg(*args):
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *map(str, args)], check=True)


def _picture(pattern, seed, seconds, size):
    """A lavfi source whose picture changes every second, different for every seed."""
    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    width, height = (int(n) for n in size.split("x"))
    if pattern == "mandelbrot":
        # Zoom into a seed's own point of the set's edge: large shapes that move.
        x, y = rng.choice([(-0.7436, 0.1318), (-0.1011, 0.9563), (-1.2500, 0.0200),
                           (0.2850, 0.0100), (-0.7453, 0.1127), (-1.7490, 0.0000)])  # fmt: skip
        return (
            f"mandelbrot=size={size}:rate={RATE}:maxiter=200:start_x={x}:start_y={y}"
            f":start_scale={rng.uniform(2.0, 3.0):.3f}:end_scale=0.05"
            f":end_pts={int(seconds * RATE * rng.uniform(1.5, 2.5))}"
            f":outer=normalized_iteration_count"
        )
    if pattern in ("cellauto", "life"):
        # A coarse automaton, a new generation or row every half second, scaled up.
        if pattern == "cellauto":
            grid = f"cellauto=rule={rng.choice([30, 45, 73, 110])}:size=32x24:rate=2"
            grid += f":random_seed={seed}:random_fill_ratio=0.5"
        else:
            grid = f"life=size=32x24:rate=2:random_seed={seed}:ratio=0.5:mold=4"
            grid += f":life_color=#{rng.randrange(0x1000000):06x}:death_color=#102040"
        return f"{grid},scale={width}:{height}:flags=neighbor"
    raise ValueError(f"unknown pattern {pattern!r}")


def _melody(seed, seconds):
    """Two voices of tones changing every half second, a seed's own sequence."""
    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    # The sine of a whole number is as good as random and never repeats: no two stretches
    # of a melody sound alike (an excerpt has one place in it).
    a, b, c = (rng.uniform(1, 100) for _ in range(3))
    note = f"floor(12+11.99*sin(floor(t*2)*{a:.4f}+{b:.4f}))"
    second = f"floor(6+5.99*sin(floor(t*3)*{c:.4f}))"
    return (
        f"aevalsrc=exprs='0.4*sin(2*PI*t*220*pow(2,{note}/12))"
        f"+0.2*sin(2*PI*t*330*pow(2,{second}/12))'"
        f":sample_rate=22050:duration={seconds}"
    )


def make_video(dst, *, seconds=20, pattern="mandelbrot", seed=1, text="Nachrichten",
               size="320x240", black_intro=0, sound=True):  # fmt: skip
    """An original: `pattern` (mandelbrot, cellauto, life) with `text` drawn on it and a
    melody; `black_intro` seconds of black (and silence) before it."""
    # One frame rate and pixel format, so that a black intro can be put before it.
    picture = f"{_picture(pattern, seed, seconds, size)},fps={RATE},format=yuv420p,setsar=1"
    if text:
        picture += (
            f",drawtext=fontfile={FONT}:text='{text}':fontsize=18:fontcolor=white"
            ":box=1:boxcolor=black@0.5:x=8:y=h-30"
        )
    inputs = ["-f", "lavfi", "-t", seconds, "-i", picture]
    maps = ["-map", "0:v"]
    if sound:
        inputs += ["-f", "lavfi", "-i", _melody(seed, seconds)]
        maps += ["-map", "1:a"]
    filters = []
    if black_intro:
        black = f"color=black:size={size}:rate={RATE}:d={black_intro},format=yuv420p"
        inputs += ["-f", "lavfi", "-i", black]
        inputs += ["-f", "lavfi", "-i", f"anullsrc=r=22050:cl=mono:d={black_intro}"]
        video_in = len([i for i in inputs if i == "-i"]) - 2
        concat = f"[{video_in}:v][0:v]concat=n=2:v=1:a=0[v]"
        filters, maps = [concat], ["-map", "[v]"]
        if sound:
            filters.append(f"[{video_in + 1}:a][1:a]concat=n=2:v=0:a=1[a]")
            maps += ["-map", "[a]"]
    if filters:
        inputs += ["-filter_complex", ";".join(filters)]
    ffmpeg(*inputs, *maps, *_encode(), dst)
    return Path(dst)


def _video_encode(video_bitrate=None):
    rate = ["-b:v", video_bitrate] if video_bitrate else ["-crf", "23"]
    return ["-c:v", "libx264", "-preset", "ultrafast", *rate, "-pix_fmt", "yuv420p"]


def _encode(video_bitrate=None):
    return [*_video_encode(video_bitrate), "-c:a", "aac", "-b:a", "64k",
            "-movflags", "+faststart"]  # fmt: skip


def reencode(src, dst, *, size="192x144", bitrate="120k"):
    """Another resolution and a lower bitrate."""
    w, h = size.split("x")
    ffmpeg("-i", src, "-vf", f"scale={w}:{h}", *_encode(bitrate), dst)
    return Path(dst)


def crop(src, dst, *, fraction=0.1, size="320x240"):
    """`fraction` of the picture cut off (half at each side), scaled up to `size`."""
    keep = 1 - fraction
    w, h = size.split("x")
    ffmpeg("-i", src, "-vf", f"crop=iw*{keep}:ih*{keep},scale={w}:{h}", *_encode(), dst)
    return Path(dst)


def add_logo(src, dst, *, text="NEWS24"):
    """A re-uploader's logo in the top right corner."""
    logo = (
        "drawbox=x=iw*0.7:y=ih*0.04:w=iw*0.26:h=ih*0.14:color=red@0.9:t=fill,"
        f"drawtext=fontfile={FONT}:text='{text}':fontsize=h/12:fontcolor=white"
        ":x=w*0.72:y=h*0.06"
    )
    ffmpeg("-i", src, "-vf", logo, *_encode(), dst)
    return Path(dst)


def change_speed(src, dst, *, factor=1.03):
    """Played `factor` times as fast (1.03: 3 % faster, so 3 % shorter), pitch kept."""
    ffmpeg("-i", src, "-filter_complex", f"[0:v]setpts=PTS/{factor}[v];[0:a]atempo={factor}[a]",
            "-map", "[v]", "-map", "[a]", *_encode(), dst)  # fmt: skip
    return Path(dst)


def excerpt(src, dst, *, start, seconds):
    """`seconds` of `src` from `start` seconds on, re-encoded (cut where asked, not at a
    keyframe)."""
    ffmpeg("-ss", start, "-i", src, "-t", seconds, *_encode(), dst)
    return Path(dst)


def audio_over_still(src, dst, *, text="Audio"):
    """The sound of `src` under one unchanging picture (a title card) for its whole length."""
    card = (
        f"color=c=#203060:size=320x240:rate=1,drawtext=fontfile={FONT}:text='{text}'"
        ":fontsize=32:fontcolor=white:x=(w-tw)/2:y=(h-th)/2"
    )
    ffmpeg("-f", "lavfi", "-i", card, "-i", src, "-map", "0:v", "-map", "1:a", "-shortest",
            *_encode(), dst)  # fmt: skip
    return Path(dst)


def audio_only(src, dst):
    """The sound of `src` alone, as an M4A file."""
    ffmpeg("-i", src, "-vn", "-c:a", "aac", "-b:a", "64k", dst)
    return Path(dst)


def silent(src, dst):
    """The picture of `src` without its sound."""
    ffmpeg("-i", src, "-an", "-c:v", "copy", dst)
    return Path(dst)


def make_card_video(dst, *, seconds=8, picture=TEST_CARD, tone=TONE, size=None):
    """An MP4 (H.264 + AAC) of `picture` (a lavfi source) with `tone`."""
    scale = ["-vf", f"scale={size}"] if size else []
    ffmpeg(
        "-f", "lavfi", "-i", f"{picture}:duration={seconds}",
        "-f", "lavfi", "-i", f"{tone}:duration={seconds}",
        *scale, *_encode(), "-shortest", dst,
    )  # fmt: skip
    return Path(dst)


def make_audio(dst, *, seconds=8, tone=TONE):
    """`tone` alone, as an M4A file."""
    ffmpeg("-f", "lavfi", "-i", f"{tone}:duration={seconds}", "-c:a", "aac", dst)
    return Path(dst)


def make_silent_video(dst, *, seconds=4, picture=TEST_CARD):
    """`picture` without any sound."""
    ffmpeg("-f", "lavfi", "-i", f"{picture}:duration={seconds}", *_video_encode(), dst)
    return Path(dst)


def make_image(dst, *, source="testsrc2=size=320x240", at=0):
    """One still picture (the format follows the suffix: .png, .jpg, .webp)."""
    ffmpeg("-f", "lavfi", "-i", f"{source}:duration={at + 1}", "-ss", at, "-frames:v", 1, dst)
    return Path(dst)
