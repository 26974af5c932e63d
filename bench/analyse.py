"""What analysing captured media costs: keyframes and on-screen text, per minute of video.

    .venv/bin/python bench/analyse.py [--minutes 2] [--rounds 2] [--height 720]

A news-like video is made by ffmpeg in the same run (H.264 at --height, 25 fps:
three kinds of shot cutting every 10 s, a caption on a dark box that changes
every 5 s). On that file, best of --rounds each, wall and CPU time (this process's
children: ffmpeg and tesseract):

- baseline: decode only, `ffmpeg -i FILE -f null -`;
- keyframes: catalog.analysis.frames.keyframes (scale, scene score, select, JPEG);
- text: what catalog.analysis.steps does per batch of frames: frames every
  second (grayscale, inverted) by ffmpeg, then Tesseract (deu+eng) over them, in
  batches of FRAMES_PER_BATCH, then the segments (catalog.analysis.onscreen).

Each is printed as seconds per minute of video and as a ratio of decode-only.
The machine's load average is printed before and after: the figures are only as
quiet as the machine was.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsclips.settings")
django.setup()

from catalog.analysis import frames, ocr, onscreen  # noqa: E402
from catalog.analysis.steps import FRAMES_PER_BATCH  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def make_video(path, *, minutes, height):
    width = height * 16 // 9
    size = f"{width}x{height}"
    caption = (
        f"drawtext=fontfile={FONT}:fontcolor=white:fontsize={height // 24}:box=1:"
        "boxcolor=black@0.85:boxborderw=12:x=(w-text_w)/2:y=h-th-h/10:"
        "text='Meldung %{eif\\:trunc(t/5)\\:d}\\: Die Bundesregierung plant höhere Zölle'"
    )
    loop = f"loop=loop=-1:size=750,trim=duration={minutes * 60}"
    graph = f"[0][1][2]concat=n=3:v=1:a=0,{loop},{caption}[v]"
    life = (
        f"life=size={width // 4}x{height // 4}:rate=25,trim=duration=10,scale={size},format=yuv420p"
    )
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration=10",
            "-f", "lavfi", "-i", f"smptehdbars=size={size}:rate=25:duration=10",
            "-f", "lavfi", "-i", life,
            "-filter_complex", graph, "-map", "[v]",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
            str(path),
        ],
        check=True,
    )  # fmt: skip


def timed(work):
    """(wall seconds, CPU seconds of child processes) of `work()`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = work()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def best(rounds, work):
    runs = [timed(work) for _ in range(rounds)]
    return min(runs, key=lambda run: run[0])


def decode_only(path):
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True
    )


def read_text(path, folder, duration):
    read, skipped, start, step = [], 0, 0.0, 1.0
    while start < duration:
        length = min(step * FRAMES_PER_BATCH, duration - start)
        sampled = frames.text_frames(
            path, folder, start=start, length=length, every=step, duration=duration
        )
        reading = ocr.read_frames([frame.path for frame in sampled], folder)
        read += [(frame.time, reading.lines.get(str(frame.path), [])) for frame in sampled]
        skipped += sum(reading.skipped.values())
        start += length
    return onscreen.segments(read, step=step, duration=duration), len(read), skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--height", type=int, default=720)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} CPUs; ffmpeg {frames.ffmpeg_version()}, "
          f"tesseract {ocr.tesseract_version()}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-analyse-") as tmp:
        tmp = Path(tmp)
        video = tmp / "news.mp4"
        make_video(video, minutes=args.minutes, height=args.height)
        duration = frames.probe(video).duration
        minutes = duration / 60
        print(f"video: {duration:.0f} s at {args.height}p, {video.stat().st_size / 1e6:.1f} MB")
        decode = best(args.rounds, lambda: decode_only(video))
        keys = best(
            args.rounds,
            lambda: frames.keyframes(video, tmp / "keys", every=10, duration=duration),
        )
        text = best(args.rounds, lambda: read_text(video, tmp / "text", duration))
    segments, frames_read, skipped = text[2]
    print(f"keyframes: {len(keys[2])}; frames read for text: {frames_read}, skipped {skipped}; "
          f"on-screen text segments: {len(segments)}")  # fmt: skip
    print()
    print("| step | wall s/min of video | CPU s/min | wall × decode-only | CPU × decode-only |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (wall, cpu, _result) in [
        ("decode only (`ffmpeg -f null -`)", decode),
        ("keyframes", keys),
        ("on-screen text (frames + Tesseract + segments)", text),
    ]:
        print(f"| {name} | {wall / minutes:.2f} | {cpu / minutes:.2f} | "
              f"{wall / decode[0]:.1f} | {cpu / max(decode[1], 1e-9):.1f} |")  # fmt: skip
    print()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
