"""The generated catalogue of bench/match.py: thumbnails and clips' fingerprints, numpy only.

Generated like real catalogues (seeded): random 256-bit thumbnail hashes, a fifth
of them near copies (2-12 bits off) of an earlier one (a re-upload's thumbnail).
Clips of about `frames` seconds: PDQ frames in shots 2-8 s long (a frame drifts up
to 3 bits a second within a shot), a black intro on one clip in ten; Chromaprint
audio, one value every 0.124 s, and on three clips in ten one of JINGLES channel
jingles first (three seconds shared by many clips: what the stop keys are for).
One clip in ten is a copy of an earlier original: a re-upload (every frame 4-20
bits off, 40 % of the audio values 1-3 bits off) or a 20-40 s excerpt.
Bits are flipped by position drawn with replacement: "n bits" means at most n.
"""

from dataclasses import dataclass

import numpy as np

AUDIO_STEP = 0.124  # Chromaprint's step
JINGLES = 20
JINGLE_VALUES = 24  # three seconds


@dataclass
class Clip:
    frames: np.ndarray  # (n, 32) uint8
    quality: np.ndarray  # (n,) uint8
    audio: np.ndarray  # (m,) uint32


class QueryPrint:
    """What match_print needs of a print (the attributes of a MediaPrint)."""

    def __init__(self, clip):
        self.frame_hashes = clip.frames.tobytes()
        self.frame_quality = clip.quality.tobytes()
        self.frame_step = 1.0
        self.duration = float(len(clip.quality))
        self.audio = clip.audio.astype("<u4").tobytes()
        self.audio_step = AUDIO_STEP


def flip(rng, hashes, bits):
    """Copies of (N, 32) hashes with up to bits[i] random bits of row i flipped."""
    hashes = np.array(hashes, dtype=np.uint8, copy=True).reshape(-1, 32)
    bits = np.broadcast_to(np.asarray(bits), len(hashes))
    most = int(bits.max()) if len(bits) else 0
    if not most:
        return hashes
    positions = rng.integers(0, 256, size=(len(hashes), most))
    rows, columns = np.nonzero(np.arange(most) < bits[:, None])
    where = positions[rows, columns]
    mask = np.zeros((len(hashes), 256), dtype=np.uint8)
    mask[rows, where] = 1  # a position drawn twice flips once
    return hashes ^ np.packbits(mask, axis=1)


def flip_audio(rng, values, share):
    """Audio values with `share` of them 1-3 bits off (a re-encode keeps the rest)."""
    values = values.copy()
    changed = rng.random(len(values)) < share
    for _ in range(3):
        bit = rng.integers(0, 32, size=len(values)).astype(np.uint32)
        values[changed] ^= np.uint32(1) << bit[changed]
        changed &= rng.random(len(values)) < 0.5
    return values


def thumbnails(rng, count):
    thumbs = rng.integers(0, 256, size=(count, 32), dtype=np.uint8)
    members = np.sort(rng.choice(count, size=count // 5, replace=False))
    sources = (rng.random(len(members)) * members).astype(np.int64)  # an earlier one
    thumbs[members] = flip(rng, thumbs[sources], rng.integers(2, 13, size=len(members)))
    return thumbs


def original(rng, seconds, jingles):
    """A clip of `seconds` seconds: shots of 2-8 s, maybe a black intro and a jingle."""
    shots = rng.integers(2, 9, size=seconds)
    shot_of = np.repeat(np.arange(seconds), shots)[:seconds]
    within = np.arange(seconds) - np.searchsorted(shot_of, shot_of)
    bases = rng.integers(0, 256, size=(seconds, 32), dtype=np.uint8)[shot_of]
    frames = flip(rng, bases, np.minimum(within * rng.integers(0, 4, size=seconds), 12))
    quality = rng.integers(60, 101, size=seconds).astype(np.uint8)
    if rng.random() < 0.1:  # a black intro
        frames[:3], quality[:3] = 0, 0
    audio = rng.integers(0, 2**32, size=round(seconds / AUDIO_STEP), dtype=np.uint32)
    if len(jingles) and rng.random() < 0.3:  # the channel's jingle first
        jingle = jingles[rng.integers(0, len(jingles))]
        audio[: len(jingle)] = jingle
    return Clip(frames, quality, audio)


def reupload(rng, clip):
    return Clip(
        flip(rng, clip.frames, rng.integers(4, 21, size=len(clip.frames))),
        clip.quality.copy(),
        flip_audio(rng, clip.audio, 0.4),
    )


def excerpt(rng, clip, seconds):
    start = int(rng.integers(0, max(1, len(clip.frames) - seconds)))
    audio_start, audio_count = round(start / AUDIO_STEP), round(seconds / AUDIO_STEP)
    return Clip(
        clip.frames[start : start + seconds].copy(),
        clip.quality[start : start + seconds].copy(),
        clip.audio[audio_start : audio_start + audio_count].copy(),
    )


def clips(rng, count, frames):
    """`count` clips of about `frames` seconds; returns (clips, copy_of: index -> source)."""
    jingles = rng.integers(0, 2**32, size=(JINGLES, JINGLE_VALUES), dtype=np.uint32)
    made, copy_of, originals = [], {}, []
    for index in range(count):
        if index > 10 and rng.random() < 0.1:
            source = originals[int(rng.integers(0, len(originals)))]
            copy = rng.random() < 0.5
            clip = made[source]
            made.append(reupload(rng, clip) if copy else excerpt(rng, clip, rng.integers(20, 41)))
            copy_of[index] = source
            continue
        originals.append(index)
        made.append(original(rng, max(10, int(rng.normal(frames, frames / 4))), jingles))
    return made, copy_of


def generate(seed, thumbnail_count, clip_count, frames):
    """(thumbnails (N, 32) uint8, clips: a list of Clip)."""
    rng = np.random.default_rng(seed)
    thumbs = thumbnails(rng, thumbnail_count)
    made, _copy_of = clips(rng, clip_count, frames)
    return thumbs, made


def random_hash(rng):
    return rng.integers(0, 256, size=32, dtype=np.uint8)


def thumbnail_queries(rng, thumbs, count):
    """(query hash, expected clip id or None): a family member's near copy, or a picture
    nobody has, in turn."""
    for n in range(count):
        member = int(rng.integers(0, len(thumbs)))
        if n % 2 == 0:
            yield flip(rng, thumbs[member], int(rng.integers(2, 13)))[0], member + 1
        else:
            yield random_hash(rng), None


def clip_queries(rng, made, count, frames):
    """(kind, QueryPrint, expected clip id or None): a re-upload, a 15 s excerpt or an
    unrelated clip, in turn."""
    for n in range(count):
        source = int(rng.integers(0, len(made)))
        kind = ("re-upload", "excerpt", "unrelated")[n % 3]
        if kind == "re-upload":
            yield kind, QueryPrint(reupload(rng, made[source])), source + 1
        elif kind == "excerpt":
            yield kind, QueryPrint(excerpt(rng, made[source], 15)), source + 1
        else:
            yield kind, QueryPrint(original(rng, frames, np.zeros((0, 0), np.uint32))), None
