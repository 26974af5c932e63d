"""What produced a fingerprint. A stored one from other versions is computed again."""

import functools
from importlib.metadata import version as package_version

import av

from . import audioprint, pdq


@functools.cache
def image_tool_versions():
    """The tools behind a PDQ hash of a picture (a thumbnail, a frame)."""
    return {
        "pdqhash": package_version("pdqhash"),
        "av": av.__version__,
        "libavcodec": ".".join(str(part) for part in av.library_versions["libavcodec"]),
        "frames": f"pdq {pdq.SCALE}x{pdq.SCALE} area",
    }


@functools.cache
def media_tool_versions(frame_step):
    """The tools behind a MediaPrint: the picture's, fpcalc's, and the frame step."""
    return {
        **image_tool_versions(),
        "frames": f"pdq {pdq.SCALE}x{pdq.SCALE} area every {frame_step:g} s",
        "fpcalc": audioprint.version(),
    }
