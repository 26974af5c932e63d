"""The plain record of a media file's fingerprints, and the error for media that has none.

A MediaPrint is what `fingerprint_file` returns and what `fingerprint_clip`
stores as a MediaFingerprint: one PDQ hash (32 bytes) and one quality byte per
`frame_step` seconds of video, and Chromaprint's raw values (uint32,
little-endian) one every `audio_step` seconds. Media without video (a podcast,
a radio clip) has an audio print and no frames; media without audio has frames
and no audio print (`audio_step` None). Media with neither is a
FingerprintError.
"""

from dataclasses import dataclass, field

PDQ_BYTES = 32
# PDQ's own threshold for a frame worth matching: black, blank and single-colour
# frames and static cards score below it (ThreatExchange uses 50 too).
MIN_QUALITY = 50


class FingerprintError(Exception):
    """The media cannot be fingerprinted; the message says why, for editors and logs."""


@dataclass(frozen=True)
class MediaPrint:
    duration: float
    frame_step: float
    frame_hashes: bytes
    frame_quality: bytes
    audio_step: float | None
    audio: bytes
    tool_versions: dict = field(default_factory=dict)

    @property
    def frame_count(self):
        return len(self.frame_hashes) // PDQ_BYTES


def usable_frame_count(frame_quality):
    """How many frames of a print are good enough to match on (quality >= MIN_QUALITY)."""
    return sum(1 for quality in bytes(frame_quality) if quality >= MIN_QUALITY)


def audio_seconds(audio_bytes, audio_step):
    """The seconds an audio print of `audio_bytes` bytes covers (None without one)."""
    values = audio_bytes // 4
    return values * audio_step if values and audio_step else None
