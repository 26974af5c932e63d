"""The audio fingerprint: Chromaprint's raw values, from Debian's `fpcalc -raw`.

fpcalc decodes the audio itself (with Debian's FFmpeg), so it runs as a
separate process beside the video decoding and the two passes use two cores.
Chromaprint works on 11025 Hz mono with a 4096-sample window moved by a third
of itself, so one raw value covers 1365 / 11025 s (about 0.124 s).
"""

import json
import shutil
import subprocess

import numpy as np

from .mediaprint import FingerprintError

FPCALC = "fpcalc"
AUDIO_STEP = 1365 / 11025


def start(path):
    """Start fpcalc on `path` (every second of it: -length 0); `finish` collects the print."""
    if shutil.which(FPCALC) is None:
        raise FingerprintError("fpcalc is not installed (Debian: libchromaprint-tools)")
    # A fixed argument list, no shell: the path is one argument, never parsed.
    return subprocess.Popen(  # noqa: S603
        [FPCALC, "-raw", "-json", "-length", "0", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )


def finish(process, *, timeout):
    """The raw fingerprint as little-endian uint32 bytes, and the audio's duration."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise FingerprintError(f"fpcalc took longer than {timeout:.0f} s") from None
    # fpcalc 1.5.1 with FFmpeg 5 exits with 3 after "Error decoding audio frame
    # (End of file)" at the regular end of the audio: its JSON is what counts.
    try:
        result = json.loads(out)
    except ValueError:
        message = err.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1].removeprefix("ERROR: ") if message else "fpcalc failed"
        raise FingerprintError(f"audio: {reason}") from None
    values = np.array(result.get("fingerprint") or [], dtype=np.int64) & 0xFFFFFFFF
    return values.astype("<u4").tobytes(), float(result.get("duration") or 0)


def version():
    """fpcalc's version ("" when it is not installed: a print then fails with the reason)."""
    if shutil.which(FPCALC) is None:
        return ""
    out = subprocess.run(  # noqa: S603 (a fixed argument list)
        [FPCALC, "-version"], capture_output=True, text=True, check=False
    )
    # "fpcalc version 1.5.1 (FFmpeg Lavc59.18.100 ...)"
    return out.stdout.strip().removeprefix("fpcalc version ")
