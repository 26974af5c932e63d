"""Text on frames, read by Tesseract (Debian's tesseract-ocr with German and English).

Tesseract runs as a subprocess, once for a whole batch of frames (a list file:
its language models load once, not once per frame), with hOCR output, which
carries per word a confidence. (The language it names per paragraph is not
reliable: catalog.analysis.onscreen tells the languages apart.)
pytesseract would run one process per image and need Pillow for what is one
command line here.

A frame Tesseract cannot read stops its batch: the frames after it are read in
a new batch and that frame is skipped, counted by its reason. The hOCR is
Tesseract's output from our own frames (the words it read are escaped in
it), parsed as XML; expat fetches no external entity and refuses entity
expansion bombs.
"""

import functools
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

LANGUAGES = "deu+eng"
MIN_WORD_CONFIDENCE = 60  # a word Tesseract is less sure of is noise (shapes, textures)
MIN_LINE_CONFIDENCE = 75  # the mean over a line's kept words
MIN_LINE_LETTERS = 3
SECONDS_PER_FRAME = 20  # time limit per frame of a batch, and at least one minute

LINE_CLASSES = ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat")
_TITLE_IMAGE_RE = re.compile(r'image "([^"]*)"')
_CONFIDENCE_RE = re.compile(r"x_wconf (\d+)")
_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass
class Reading:
    """What a batch of frames showed: lines per image path, and skipped frames by reason."""

    lines: dict = field(default_factory=dict)  # path -> [line text, ...]
    skipped: Counter = field(default_factory=Counter)


@functools.cache
def tesseract_version():
    """Tesseract's version as it reports itself, e.g. "5.3.0"."""
    result = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=True, timeout=30
    )
    first = (result.stdout or result.stderr).split("\n", 1)[0]
    return first.removeprefix("tesseract ").strip()[:100]


def read_frames(paths, folder):
    """Read the text on each image; a frame Tesseract cannot read is skipped and counted.

    `folder` holds the batch's list file.
    """
    reading = Reading()
    pending = [str(path) for path in paths]
    while pending:
        listing = folder / "frames.txt"
        listing.write_text("".join(f"{path}\n" for path in pending), encoding="utf-8")
        status, output, error = _tesseract(str(listing), len(pending))
        pages = _parse_hocr(output) if output else {}
        reading.lines.update((path, lines) for path, lines in pages.items() if path in pending)
        unread = [path for path in pending if path not in pages]
        if not unread:
            break
        if status == "timeout" and len(pending) > 1:
            # Read them one by one: only the frame that hangs is lost.
            for path in unread:
                single = read_frames([path], folder)
                reading.lines.update(single.lines)
                reading.skipped.update(single.skipped)
            break
        # Tesseract stops at the first frame it cannot read: skip it, go on after it.
        reading.skipped[_reason(status, error)] += 1
        pending = unread[1:]
    return reading


def _tesseract(source, frames):
    try:
        result = subprocess.run(
            ["tesseract", source, "stdout", "-l", LANGUAGES, "hocr"],
            capture_output=True,
            text=True,
            timeout=max(60, SECONDS_PER_FRAME * frames),
            check=False,
            # One thread per process: on a busy machine OpenMP's threads only contend.
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or b""
        return "timeout", output.decode() if isinstance(output, bytes) else output, ""
    return result.returncode, result.stdout, result.stderr


def _reason(status, error):
    if status == "timeout":
        return "tesseract took too long"
    if "cannot be read" in error:
        return "the frame cannot be read as an image"
    return f"tesseract failed (exit status {status})"


def _parse_hocr(output):
    """{image path: [line text, ...]} of each page in Tesseract's hOCR."""
    # A killed run's output ends mid-page: keep the pages that are complete.
    end = output.rfind("</div>")
    try:
        root = ET.fromstring(output)  # noqa: S314 - Tesseract's output, see above
    except ET.ParseError:
        try:
            root = ET.fromstring(output[: end + 6] + "</body></html>") if end > 0 else None  # noqa: S314
        except ET.ParseError:
            root = None
    if root is None:
        return {}
    pages = {}
    for page in _having_class(root, "ocr_page"):
        match = _TITLE_IMAGE_RE.search(page.get("title", ""))
        if not match:
            continue
        lines = (_line_text(line) for line in _having_class(page, *LINE_CLASSES))
        pages[match.group(1)] = [text for text in lines if text]
    return pages


def _having_class(element, *classes):
    return [node for node in element.iter() if node.get("class") in classes]


def _line_text(line):
    """The line's words Tesseract is sure of, or "" when it is noise."""
    words, confidences = [], []
    for word in _having_class(line, "ocrx_word"):
        text = "".join(word.itertext()).strip()
        match = _CONFIDENCE_RE.search(word.get("title", ""))
        confidence = int(match.group(1)) if match else 0
        if text and confidence >= MIN_WORD_CONFIDENCE:
            words.append(text)
            confidences.append(confidence)
    text = " ".join(words)
    if not words or sum(confidences) / len(confidences) < MIN_LINE_CONFIDENCE:
        return ""
    if len(_LETTER_RE.findall(text)) < MIN_LINE_LETTERS:
        return ""
    return text
