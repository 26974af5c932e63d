"""Fingerprinting speed as a ratio of decode-only on the same files.

    .venv/bin/python bench/fingerprint_speed.py [--seconds 60] [--rounds 3] [FILE ...]

Without FILEs, news-like files are made by ffmpeg first (H.264 + AAC, 25 fps,
a moving picture with text: 1280x720 and 640x360, --seconds long). For each
file, best of --rounds each, in the same run:

- decode-only: `ffmpeg -i FILE -f null -` (every stream decoded, nothing kept);
- fingerprint: catalog.fingerprint.fingerprint_file (PyAV decodes the video,
  a frame a second scaled down and hashed with PDQ, fpcalc on the audio in a
  second process at the same time).

Reported: wall seconds and CPU seconds (user + system, child processes
included) of both, the ratios fingerprint / decode-only, and the media's
speed (seconds of media fingerprinted per wall second). The machine may be
shared: CPU seconds scatter less than wall seconds.

bench/match.py calls `measure(paths, rounds)` and `report(rows)` for its
fingerprinting section; `make_media(folder, seconds)` makes the files.
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog.fingerprint.files import fingerprint_file  # noqa: E402 (after the path is set)

SIZES = ("1280x720", "640x360")


def make_media(folder, seconds=60, sizes=SIZES):
    """News-like MP4s (H.264 high profile with B-frames, AAC) made by ffmpeg."""
    paths = []
    for size in sizes:
        path = Path(folder) / f"news-{size}-{seconds}s.mp4"
        if not path.exists():
            subprocess.run(
                [
                    "ffmpeg", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:beep_factor=4:duration={seconds}",
                    "-vf", "drawtext=text='%{pts\\:hms}':fontsize=48:x=40:y=40:fontcolor=white",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "128k", "-shortest", str(path),
                ],
                check=True,
            )  # fmt: skip
        paths.append(path)
    return paths


def timed(function):
    """(wall seconds, CPU seconds of this process and its children) of function()."""
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    function()
    wall = time.perf_counter() - start
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        getattr(after, field) - getattr(before, field)
        for after, before in ((after_self, before_self), (after_children, before_children))
        for field in ("ru_utime", "ru_stime")
    )
    return wall, cpu


def decode_only(path):
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-f", "null", "-"], check=True)


def measure(paths, rounds=3):
    """One row per file: best wall and CPU seconds of decode-only and of fingerprint_file."""
    rows = []
    for path in paths:
        media_print = fingerprint_file(path)  # warm up: imports, fpcalc's version, page cache
        decode = [timed(lambda path=path: decode_only(path)) for _ in range(rounds)]
        prints = [timed(lambda path=path: fingerprint_file(path)) for _ in range(rounds)]
        rows.append(
            {
                "file": Path(path).name,
                "media_seconds": media_print.duration,
                "frames": media_print.frame_count,
                "decode_wall": min(wall for wall, _cpu in decode),
                "decode_cpu": min(cpu for _wall, cpu in decode),
                "print_wall": min(wall for wall, _cpu in prints),
                "print_cpu": min(cpu for _wall, cpu in prints),
            }
        )
    return rows


def report(rows):
    """The rows as a Markdown table (ratios: fingerprint / decode-only, lower is better)."""
    lines = [
        "| file | media s | decode-only wall s | CPU s | fingerprint wall s | CPU s "
        "| ratio wall | ratio CPU | media s per wall s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['file']} | {row['media_seconds']:.0f} | {row['decode_wall']:.2f} "
            f"| {row['decode_cpu']:.2f} | {row['print_wall']:.2f} | {row['print_cpu']:.2f} "
            f"| {row['print_wall'] / row['decode_wall']:.2f}x "
            f"| {row['print_cpu'] / row['decode_cpu']:.2f}x "
            f"| {row['media_seconds'] / row['print_wall']:.0f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = args.files or make_media(folder, args.seconds)
        print(report(measure(paths, args.rounds)))


if __name__ == "__main__":
    main()
