"""Perceptual fingerprints of clips' media: PDQ frame hashes and Chromaprint audio prints.

`fingerprint_file(path)` returns a plain MediaPrint; `hash_image(bytes)` the
PDQ hash and quality of a picture. Matching (catalog.matching) uses both.
"""

from .files import fingerprint_file, tool_versions
from .mediaprint import (
    MIN_QUALITY,
    PDQ_BYTES,
    FingerprintError,
    MediaPrint,
    audio_seconds,
    usable_frame_count,
)
from .pdq import hash_image

__all__ = [
    "MIN_QUALITY",
    "PDQ_BYTES",
    "FingerprintError",
    "MediaPrint",
    "audio_seconds",
    "fingerprint_file",
    "hash_image",
    "tool_versions",
    "usable_frame_count",
]
