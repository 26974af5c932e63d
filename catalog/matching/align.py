"""Aligning two fingerprints: where in the other clip is each second of this one?

Both kinds of sample (a PDQ hash a second, a Chromaprint value every 0.124 s)
are aligned the same way. Pairs of samples that are near each other vote for a
line `other_time = slope * query_time + offset`; the slope allows a copy played
up to 5 % faster or slower. Along the best line, every sample of the query is
compared with the other clip's sample at the time the line gives (or its
neighbour: the two may be sampled half a step apart); the longest stretch of
matching samples, with gaps of a few seconds allowed, is the shared part. A
re-encode keeps PDQ frames within a few bits and most Chromaprint values
exactly; a crop or a logo moves frames by 20-40 bits, and the audio then still
matches.
"""

from dataclasses import dataclass

import numpy as np

from .keys import MIN_QUALITY, as_words, distances, informative_audio

SLOPES = tuple(1 + k / 200 for k in range(-10, 11))  # 0.95 ... 1.05
FRAME_PAIR_BITS = 32  # frames this close vote for a line
FRAME_MATCH_BITS = 45  # and match on it (unrelated frames differ by ~128 of 256)
AUDIO_PAIR_BITS = 2  # Chromaprint values this close vote
AUDIO_MATCH_BITS = 9  # and match on the line (unrelated values differ by ~16 of 32)
GAP_SECONDS = 6.0  # a stretch of matches goes on over gaps up to this long
MIN_FRAMES = 3
MIN_AUDIO = 24  # about 3 seconds
TOP_PER_SLOPE, TOP_LINES = 3, 12
UNUSABLE = 1 << 20


@dataclass(frozen=True)
class Alignment:
    """The shared part of two fingerprints: seconds in the query and in the other."""

    source: str  # "frames" or "audio"
    score: float  # matching samples / samples in the shared part
    matched: int
    slope: float
    offset: float
    query_start: float
    query_end: float
    other_start: float
    other_end: float

    @property
    def seconds(self):
        return self.query_end - self.query_start


def _lines(query_times, other_times, tolerance):
    """Candidate (slope, offset) lines, the most voted first: a few per slope."""
    lines = []
    for slope in SLOPES:
        bins = np.round((other_times - slope * query_times) / tolerance).astype(np.int64)
        values, counts = np.unique(bins, return_counts=True)
        for k in np.argsort(counts)[::-1][:TOP_PER_SLOPE]:
            lines.append((int(counts[k]), -abs(slope - 1), slope, values[k] * tolerance))
    lines.sort(reverse=True)
    result = []
    for _votes, _nearness, slope, offset in lines[:TOP_LINES]:
        inliers = np.abs(other_times - (slope * query_times + offset)) <= tolerance
        offsets = other_times[inliers] - slope * query_times[inliers]
        result.append((slope, float(np.median(offsets))))
    return result


def _along(slope, offset, query_times, other_count, other_step, nearest):
    """For each query sample: the distance to the other's sample the line points at (or
    its neighbour), -1 where the line leaves the other clip or meets no usable sample."""
    position = (slope * query_times + offset) / other_step
    centre = np.rint(position).astype(np.int64)
    query_index = np.arange(len(query_times))
    best = np.full(len(query_times), UNUSABLE, dtype=np.int64)
    for shift in (-1, 0, 1):
        other = centre + shift
        inside = (other >= 0) & (other < other_count)
        found = np.full(len(query_times), UNUSABLE, dtype=np.int64)
        found[inside] = nearest(query_index[inside], other[inside])
        best = np.minimum(best, found)
    best[(position < -0.5) | (position > other_count - 0.5) | (best == UNUSABLE)] = -1
    return best


def _stretch(query_times, found, match_bits):
    """The longest run of matches (gaps up to GAP_SECONDS) as [first, last, matched,
    samples, -total distance of the matches], or None. Runs compare by their matches,
    then by closeness: a slowly changing picture matches its neighbour seconds too."""
    best, run, pending = None, None, 0
    for t, distance in zip(query_times.tolist(), found.tolist(), strict=True):
        if distance < 0:
            continue
        if distance > match_bits:
            pending += run is not None
            continue
        if run is not None and t - run[1] > GAP_SECONDS:
            best = max(best or run, run, key=_rank)
            run = None
        if run is None:
            run, pending = [t, t, 0, 0, 0], 0
        run[1], run[2], run[3], pending = t, run[2] + 1, run[3] + pending + 1, 0
        run[4] -= distance
    return max(best or run, run, key=_rank) if run is not None else best


def _rank(run):
    return (run[2], run[4])


def _align(source, query_times, other_count, other_step, pairs, nearest, match_bits, minimum):
    query_index, other_index = pairs
    if len(query_index) < 2:
        return None
    step = max(query_times[1] - query_times[0] if len(query_times) > 1 else 1.0, other_step)
    found_best = None
    for slope, offset in _lines(query_times[query_index], other_index * other_step, step):
        found = _along(slope, offset, query_times, other_count, other_step, nearest)
        run = _stretch(query_times, found, match_bits)
        if run is not None and (found_best is None or _rank(run) > _rank(found_best[0])):
            found_best = (run, slope, offset)
    if found_best is None or found_best[0][2] < minimum:
        return None
    (start, last, matched, samples, _closeness), slope, offset = found_best
    end = last + step
    return Alignment(
        source=source,
        score=round(matched / max(samples, 1), 3),
        matched=matched,
        slope=slope,
        offset=round(offset, 2),
        query_start=round(float(start), 2),
        query_end=round(float(end), 2),
        other_start=round(max(0.0, slope * start + offset), 2),
        other_end=round(float(slope * end + offset), 2),
    )


def align_frames(query, other):
    """Align the PDQ frames of two prints (objects with frame_hashes, frame_quality,
    frame_step: MediaPrint or MediaFingerprint); None when they share none."""
    q_good = _good(query)
    o_good = _good(other)
    if not len(q_good) or not len(o_good):
        return None
    q_words, o_words = as_words(bytes(query.frame_hashes)), as_words(bytes(other.frame_hashes))
    table = distances(q_words[q_good], o_words[o_good])
    rows, cols = np.nonzero(table <= FRAME_PAIR_BITS)
    o_ok = np.zeros(len(o_words), dtype=bool)
    o_ok[o_good] = True
    q_times = q_good * query.frame_step

    def nearest(i, j):
        bits = np.bitwise_count(q_words[q_good[i]] ^ o_words[j]).sum(axis=1, dtype=np.int64)
        return np.where(o_ok[j], bits, UNUSABLE)

    return _align(
        "frames", q_times, len(o_words), other.frame_step, (rows, o_good[cols]), nearest,
        FRAME_MATCH_BITS, MIN_FRAMES,
    )  # fmt: skip


def align_audio(query, other):
    """Align the Chromaprint values of two prints (audio, audio_step); None when they
    share no sound."""
    q_values, o_values = _audio(query), _audio(other)
    q_ok, o_ok = informative_audio(q_values), informative_audio(o_values)
    if q_ok.sum() < MIN_AUDIO or o_ok.sum() < MIN_AUDIO:
        return None
    table = np.bitwise_count(q_values[:, None] ^ o_values[None, :])
    rows, cols = np.nonzero((table <= AUDIO_PAIR_BITS) & q_ok[:, None] & o_ok[None, :])
    q_times = np.arange(len(q_values)) * query.audio_step

    def nearest(i, j):
        return np.where(q_ok[i] & o_ok[j], table[i, j].astype(np.int64), UNUSABLE)

    return _align(
        "audio", q_times, len(o_values), other.audio_step, (rows, cols), nearest,
        AUDIO_MATCH_BITS, MIN_AUDIO,
    )  # fmt: skip


def _good(fingerprint):
    quality = np.frombuffer(bytes(fingerprint.frame_quality), dtype=np.uint8)
    return np.nonzero(quality >= MIN_QUALITY)[0]


def _audio(fingerprint):
    if not fingerprint.audio_step:
        return np.zeros(0, dtype=np.uint32)
    return np.frombuffer(bytes(fingerprint.audio), dtype="<u4").astype(np.uint32)
