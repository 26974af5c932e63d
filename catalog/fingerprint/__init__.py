"""Perceptual fingerprints of clips' media: PDQ frame hashes and Chromaprint audio prints.

`fingerprint_file(path)` returns a plain MediaPrint; `hash_image(bytes)` the
PDQ hash and quality of a picture. Matching (catalog.matching) uses both.
"""

from .files import fingerprint_file, tool_versions
from .mediaprint import MIN_QUALITY, PDQ_BYTES, FingerprintError, MediaPrint
from .pdq import hash_image

__all__ = [
    "MIN_QUALITY",
    "PDQ_BYTES",
    "FingerprintError",
    "MediaPrint",
    "fingerprint_file",
    "hash_image",
    "tool_versions",
]
