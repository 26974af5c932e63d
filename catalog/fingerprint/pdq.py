"""PDQ hashes of images and of video frames (Meta's PDQ, through the `pdqhash` package).

PDQ reduces any picture to 64x64 luminance before its DCT, so frames are
scaled down by the decoder (area averaging, which is the anti-aliasing PDQ's
own Jarosz filter would do) to SCALE x SCALE before they reach the hasher:
hashing a 1080p frame at full size costs far more and gives the same bits
within PDQ's noise (measured: 10-28 of 256 bits, well under the ~31 bits at
which PDQ calls two images the same).
"""

import io

import av
import numpy as np
import pdqhash

from .mediaprint import FingerprintError

SCALE = 64
MAX_IMAGE_PIXELS = 40_000_000  # a thumbnail larger than this is refused, not decoded


def hash_rgb(rgb):
    """The PDQ hash (32 bytes, PDQ's usual bit order) and quality (0-100) of an RGB array."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    return np.packbits(bits.astype(np.uint8)).tobytes(), int(quality)


def hash_frame(frame):
    """Hash a decoded PyAV video frame, scaled down by swscale first."""
    rgb = frame.to_ndarray(format="rgb24", width=SCALE, height=SCALE, interpolation="AREA")
    return hash_rgb(rgb)


def hash_image(data):
    """(pdq bytes, quality) of an image given as bytes (JPEG, PNG, WebP, ...).

    Raises FingerprintError when the bytes are not an image or the image is
    larger than MAX_IMAGE_PIXELS.
    """
    if not data:
        raise FingerprintError("the image is empty")
    try:
        with av.open(io.BytesIO(bytes(data))) as container:
            if not container.streams.video:
                raise FingerprintError("not an image")
            stream = container.streams.video[0]
            pixels = stream.codec_context.width * stream.codec_context.height
            if pixels > MAX_IMAGE_PIXELS:
                raise FingerprintError(
                    f"the image is too large ({stream.codec_context.width}x"
                    f"{stream.codec_context.height} pixels)"
                )
            for frame in container.decode(stream):
                return hash_frame(frame)
    except av.FFmpegError as error:
        raise FingerprintError(f"not an image ({error.strerror or error})") from error
    raise FingerprintError("not an image (no picture could be decoded)")
