"""The index's keys: PDQ hashes cut into chunks, a sample of Chromaprint values as they are.

A key is one integer: source (2 bits) | chunk position (6 bits) | value (32 bits).
PDQ's 256 bits are 12 chunks (four of 22 bits, eight of 21): about log2 of the
number of indexed frames, so that a chunk value is shared by few unrelated frames
while a re-encoded frame keeps several chunks exactly. A lookup for one hash may
also ask for every chunk value one bit away (`neighbours=True`, used for the single
hash of a thumbnail): then every hash within 23 bits is found for certain.

Audio values are sampled by content: only those whose mixed bits fall in one
AUDIO_SAMPLE-th of the range are keys (`sampled_audio`), at index time and at
query time alike. A value two copies share exactly is then kept in both or in
neither, so a copy keeps about 1/AUDIO_SAMPLE of its shared values while a query
looks up AUDIO_SAMPLE times fewer audio keys (each a random probe of a big
B-tree: what a query costs when the index is not in memory). Alignment still
compares every stored value (catalog.matching.align); only the index is sampled.
A query may also look up only every k-th of its distinct frames (print_keys'
frame_stride, catalog.matching.lookup.QUERY_FRAME_STRIDE): the index keeps every
frame.
"""

import numpy as np

THUMBNAIL, FRAME, AUDIO = 1, 2, 3
CHUNK_BITS = (22, 22, 22, 22, 21, 21, 21, 21, 21, 21, 21, 21)
CHUNK_STARTS = tuple(int(sum(CHUNK_BITS[:i])) for i in range(len(CHUNK_BITS)))
# Frames closer than this to the last indexed frame of a run add nothing: a shot's
# seconds are indexed once (re-encoded copies of a frame differ by more than 8 bits
# only rarely, and the next shot by far more).
SAME_SHOT_BITS = 8
MIN_QUALITY = 50  # PDQ's own threshold: black, blank and static cards score below
STATIC_RUN = 8  # the same Chromaprint value for a second: silence or a held tone
# One audio value in AUDIO_SAMPLE is a key (a power of two). 8 by measurement
# (bench/match_sampling.py on the tests' media): a re-encode, crop, logo or the sound
# under a still picture keeps 45 of the 295 values it shares with its 40 s original; a
# copy 3 % faster or slower shares only 36-40 values (5-7 kept) and a 30 s excerpt 30
# (4 kept), their frames another 115-246 keys; unrelated clips share none. A query at
# the bench's size then looks up ~60 audio keys instead of ~480.
AUDIO_SAMPLE = 8
# Knuth's multiplicative constant: the top bits of value * MIX depend on every bit of the
# value. Chromaprint's low bits are one classifier's output and far from uniform.
AUDIO_MIX = 0x9E3779B1
# What the index's keys are made of: IndexedClip's signature carries it, so that a clip
# indexed by older key functions is indexed again by `manage.py match --reindex`.
KEYS_VERSION = 2


def _key(source, position, value):
    return (source << 38) | (position << 32) | value


def as_array(hashes):
    """PDQ hashes (bytes of N * 32, or an array) as an (N, 32) uint8 array."""
    if isinstance(hashes, bytes | bytearray | memoryview):
        hashes = np.frombuffer(hashes, dtype=np.uint8)
    return np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, 32)


def as_words(hashes):
    """PDQ hashes as (N, 4) big-endian uint64 words, for XOR and popcount."""
    return as_array(hashes).view(">u8").astype(np.uint64)


def distances(a, b):
    """Hamming distances between every hash of `a` and of `b` (as_words), an (N, M) array."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)), dtype=np.int32)
    return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=2, dtype=np.int32)


def chunk_values(hashes):
    """(N, 12) int64 chunk values of PDQ hashes (as_array's input), computed on the
    hashes' four 64-bit words at once (a million thumbnails in about a second)."""
    words = as_words(hashes)
    values = np.empty((len(words), len(CHUNK_BITS)), dtype=np.int64)
    for position, (start, bits) in enumerate(zip(CHUNK_STARTS, CHUNK_BITS, strict=True)):
        word, offset = divmod(start, 64)
        mask = np.uint64((1 << bits) - 1)
        if offset + bits <= 64:
            value = words[:, word] >> np.uint64(64 - offset - bits)
        else:  # the chunk's high bits end one word, its low bits begin the next
            spill = offset + bits - 64
            value = (words[:, word] << np.uint64(spill)) | (
                words[:, word + 1] >> np.uint64(64 - spill)
            )
        values[:, position] = (value & mask).astype(np.int64)
    return values


def key_array(hashes, source):
    """The chunk keys of PDQ hashes as an (N, 12) int64 array: row i holds hash i's."""
    positions = np.arange(len(CHUNK_BITS), dtype=np.int64)
    return (source << 38) | (positions << 32) | chunk_values(hashes)


def hash_keys(hashes, source, *, neighbours=False):
    """The keys of PDQ hashes (an (N, 32) uint8 array or 32-byte strings), a set."""
    keys = key_array(hashes, source)
    if neighbours:
        flips = [
            keys[:, position : position + 1] ^ (1 << np.arange(bits, dtype=np.int64))
            for position, bits in enumerate(CHUNK_BITS)
        ]
        keys = np.concatenate([keys, *flips], axis=1)
    return set(keys.ravel().tolist())


def distinct_frames(hashes, qualities):
    """The frames worth indexing: good quality, and the first of a run of near-identical
    ones (a static shot, a still image: once)."""
    frames = as_array(hashes)
    data = frames.tobytes()
    kept, last = [], None
    for i, quality in enumerate(qualities):
        if quality < MIN_QUALITY:
            continue
        # As Python integers: a few dozen frames a clip, far cheaper than numpy calls.
        value = int.from_bytes(data[i * 32 : i * 32 + 32], "big")
        if last is not None and (value ^ last).bit_count() <= SAME_SHOT_BITS:
            continue
        kept.append(i)
        last = value
    return frames[kept]


def informative_audio(values):
    """False for values in a run of STATIC_RUN or more equal ones (silence: Chromaprint
    gives one value for it, shared by every clip with a silent intro)."""
    values = np.asarray(values)
    if not len(values):
        return np.zeros(0, dtype=bool)
    starts = np.r_[True, values[1:] != values[:-1]]
    run_id = np.cumsum(starts) - 1
    lengths = np.bincount(run_id)
    return lengths[run_id] < STATIC_RUN


def sampled_audio(values, sample=AUDIO_SAMPLE):
    """True for the Chromaprint values (uint32) that are index keys: those whose mixed
    value's top bits are zero, one in `sample` (a power of two). A property of the value
    alone, so the same value is always in or always out, whatever clip or query it
    comes from."""
    values = np.asarray(values, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    mixed = (values * np.uint64(AUDIO_MIX)) & np.uint64(0xFFFFFFFF)
    return (mixed >> np.uint64(33 - sample.bit_length())) == 0  # the top log2(sample) bits


def audio_keys(values, sample=AUDIO_SAMPLE):
    """Chromaprint raw values (uint32) as keys: those of silence left out, one value in
    `sample` kept (sampled_audio)."""
    values = np.asarray(values, dtype=np.int64)
    kept = np.unique(values[informative_audio(values)])
    kept = kept[sampled_audio(kept, sample)]
    return set(((AUDIO << 38) | kept).tolist())  # _key(AUDIO, 0, value)


def print_keys(frame_hashes, frame_quality, audio_values, *, frame_stride=1):
    """Every key of a media fingerprint; with `frame_stride` k, only every k-th distinct
    frame's (for a query: the index holds every frame of the catalogued clips, so any
    frame of a copy finds them)."""
    frames = distinct_frames(frame_hashes, frame_quality)[::frame_stride]
    return hash_keys(frames, FRAME) | audio_keys(audio_values)
