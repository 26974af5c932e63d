"""How many index keys the matching tests' copies share with their originals, per audio
sample rate: the margin left when only one Chromaprint value in N is a key.

    .venv/bin/python bench/match_sampling.py [--samples 1,2,4,8,16] [--folder DIR]

The media are the tests' own (tests/matching/conftest.py's recipes, made by ffmpeg);
--folder keeps them between runs. For each pair (copy, original) it prints the frame
keys the two share (and when the copy, as a query, looks up every second distinct
frame only: lookup.QUERY_FRAME_STRIDE = 2) and, per N, the audio keys each has and
the ones they share (catalog.matching.keys.audio_keys with sample=N). Pairs that must
not match (clips sharing only a black intro) should share none.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django  # noqa: E402 (after the path)

django.setup()  # the tests' media recipes live beside their fixtures, which import models
from catalog.matching.keys import FRAME, audio_keys, distinct_frames, hash_keys  # noqa: E402
from tests.matching.conftest import Media  # noqa: E402 (after the path)

PAIRS = [
    ("reencoded", "original"),
    ("cropped", "original"),
    ("logo", "original"),
    ("faster", "original"),
    ("slower", "original"),
    ("still", "original"),
    ("excerpt", "long"),
    ("third", "other"),
    ("third", "another"),
    ("other", "another"),
]


def frame_keys(media_print, stride=1):
    frames = distinct_frames(bytes(media_print.frame_hashes), bytes(media_print.frame_quality))
    return hash_keys(frames[::stride], FRAME), len(frames)


def audio_values(media_print):
    return np.frombuffer(bytes(media_print.audio or b""), dtype="<u4")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", default="1,2,4,8,16")
    parser.add_argument("--folder")
    args = parser.parse_args()
    samples = [int(n) for n in args.samples.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        media = Media(args.folder or scratch)
        header = "| copy | original | frames (distinct) | frame keys shared (copy: every 2nd) |"
        header += "".join(f" audio N={n}: keys / shared |" for n in samples)
        print(header)
        print("|---|---|---:|---:|" + "---:|" * len(samples))
        for copy, original in PAIRS:
            a, b = media.print_of(copy), media.print_of(original)
            (fa, na), (fb, nb) = frame_keys(a), frame_keys(b)
            every_other = len(frame_keys(a, 2)[0] & fb)
            row = f"| {copy} | {original} | {na} / {nb} | {len(fa & fb)} ({every_other}) |"
            for n in samples:
                ka, kb = audio_keys(audio_values(a), n), audio_keys(audio_values(b), n)
                row += f" {len(ka)} / {len(kb)} / **{len(ka & kb)}** |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
