"""Fingerprints of clips, stored: `fingerprint_clip(clip)` and `hash_thumbnail(clip)`.

Both are plain functions returning a FingerprintResult (created, updated,
unchanged or failed, with the reason); the background task, the admin and
`manage.py fingerprint` only call them. A fingerprint belongs to the bytes
it was computed from (the StoredFile of the clip's latest complete capture)
and to the tools that computed it: the same bytes with the same tool versions
are not decoded again. A failure is stored with its reason, in one
transaction like a success, so nothing half-written remains.
"""

import contextlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from yt_dlp.networking.exceptions import RequestError

from catalog.capture.storage import captures_storage, open_stored
from catalog.ingest.netguard import fetch_bounded
from catalog.ingest.results import Outcome
from catalog.models import MediaFingerprint, ThumbnailHash
from catalog.models.fingerprints import FingerprintStatus

from .files import fingerprint_file, tool_versions
from .mediaprint import FingerprintError
from .pdq import hash_image
from .signals import fingerprint_changed
from .versions import image_tool_versions

logger = logging.getLogger(__name__)

MAX_THUMBNAIL_BYTES = 8 * 1024 * 1024  # YouTube's largest (maxresdefault) is ~0.3 MB
THUMBNAIL_TIMEOUT = 20  # seconds
MEDIA_FIELDS = (
    "duration",
    "frame_step",
    "frame_hashes",
    "frame_quality",
    "audio_step",
    "audio",
    "tool_versions",
)


@dataclass(frozen=True)
class FingerprintResult:
    clip_id: int
    kind: str  # "media" or "thumbnail"
    outcome: Outcome | None  # None: nothing to fingerprint (no media, no thumbnail)
    reason: str = ""

    @property
    def failed(self):
        return self.outcome == Outcome.FAILED

    def __str__(self):
        what = self.outcome or "skipped"
        return f"clip {self.clip_id}: {self.kind} {what}" + (
            f": {self.reason}" if self.reason else ""
        )


def media_to_fingerprint(clip):
    """The StoredFile of the media of the clip's latest complete capture, or None."""
    capture = clip.captures.complete().latest_first().with_files().first()
    media = capture.media_file() if capture is not None else None
    return media.stored_file if media is not None else None


def fingerprint_clip(clip, *, force=False):
    """Compute and store the fingerprint of the clip's captured media.

    Unchanged (nothing decoded) when it exists for the same StoredFile and
    tool versions, unless `force`. A file that cannot be fingerprinted is
    stored as failed with the reason; computing it again is tried each time.
    """
    stored_file = media_to_fingerprint(clip)
    if stored_file is None:
        return FingerprintResult(clip.pk, "media", None, "no complete capture with media")
    versions = tool_versions()
    existing = MediaFingerprint.objects.filter(clip=clip, stored_file=stored_file).first()
    if (
        existing is not None
        and not force
        and existing.status == FingerprintStatus.OK
        and existing.tool_versions == versions
    ):
        return FingerprintResult(clip.pk, "media", Outcome.UNCHANGED)
    try:
        with local_copy(stored_file) as path:
            media_print = fingerprint_file(path)
    except (FingerprintError, OSError) as error:
        reason = str(error)
        if isinstance(error, OSError):
            reason = f"the stored file cannot be read ({error.strerror or error})"
        # A failed row keeps no hashes: only the reason and the tools that gave it.
        values = {
            name: MediaFingerprint._meta.get_field(name).get_default() for name in MEDIA_FIELDS
        }
        values |= {"status": FingerprintStatus.FAILED, "reason": reason, "tool_versions": versions}
    else:
        values = {"status": FingerprintStatus.OK, "reason": ""}
        values |= {name: getattr(media_print, name) for name in MEDIA_FIELDS}
    outcome = _save(MediaFingerprint, existing, {"clip": clip, "stored_file": stored_file}, values)
    return FingerprintResult(clip.pk, "media", outcome, values["reason"])


def hash_thumbnail(clip, *, force=False):
    """Fetch the clip's thumbnail through the network guard and store its PDQ hash.

    A thumbnail that cannot be fetched, is larger than MAX_THUMBNAIL_BYTES or
    is not an image is stored as failed with the reason. A clip whose
    thumbnail URL was removed loses its hash.
    """
    existing = ThumbnailHash.objects.filter(clip=clip).first()
    url = clip.thumbnail_url
    if not url:
        if existing is not None:
            existing.delete()
            _changed(existing, "thumbnail")
            return FingerprintResult(clip.pk, "thumbnail", Outcome.UPDATED, "no thumbnail any more")
        return FingerprintResult(clip.pk, "thumbnail", None, "no thumbnail")
    versions = image_tool_versions()
    if (
        existing is not None
        and not force
        and existing.status == FingerprintStatus.OK
        and existing.thumbnail_url == url
        and existing.tool_versions == versions
    ):
        return FingerprintResult(clip.pk, "thumbnail", Outcome.UNCHANGED)
    values = {"thumbnail_url": url, "tool_versions": versions}
    try:
        pdq, quality = hash_image(fetch_thumbnail(url))
    except FingerprintError as error:
        values |= {
            "status": FingerprintStatus.FAILED,
            "reason": str(error),
            "pdq": b"",
            "quality": 0,
        }
    else:
        values |= {"status": FingerprintStatus.OK, "reason": "", "pdq": pdq, "quality": quality}
    outcome = _save(ThumbnailHash, existing, {"clip": clip}, values)
    return FingerprintResult(clip.pk, "thumbnail", outcome, values["reason"])


def fetch_thumbnail(url):
    """The thumbnail's bytes through the SSRF guard; FingerprintError saying why not."""
    try:
        data, _final_url = fetch_bounded(
            url, max_bytes=MAX_THUMBNAIL_BYTES, timeout=THUMBNAIL_TIMEOUT
        )
    except RequestError as error:
        raise FingerprintError(
            f"the thumbnail could not be fetched ({error.msg or error})"
        ) from None
    if len(data) > MAX_THUMBNAIL_BYTES:
        raise FingerprintError(f"the thumbnail is larger than {MAX_THUMBNAIL_BYTES // 2**20} MB")
    return data


@contextlib.contextmanager
def local_copy(stored_file):
    """A path to the stored bytes: the file itself where the storage has one, else a
    temporary copy in the capture work folder (object storage), removed afterwards."""
    try:
        path = Path(captures_storage().path(stored_file.name))
    except NotImplementedError:
        path = None
    if path is not None and path.is_file():
        yield path
        return
    work = Path(getattr(settings, "NEWSCLIPS_CAPTURE_WORK_DIR", "") or tempfile.gettempdir())
    work.mkdir(parents=True, exist_ok=True)
    with (
        open_stored(stored_file) as source,
        tempfile.NamedTemporaryFile(dir=work, prefix="fingerprint-") as copy,
    ):
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def _save(model, existing, lookup, values):
    """Create or update one row in a transaction; Outcome.UNCHANGED if nothing differs."""
    if existing is not None and all(
        _same(getattr(existing, name), value) for name, value in values.items()
    ):
        return Outcome.FAILED if values["status"] == FingerprintStatus.FAILED else Outcome.UNCHANGED
    with transaction.atomic():
        row, created = model.objects.update_or_create(
            **lookup, defaults={**values, "computed_at": timezone.now()}
        )
        transaction.on_commit(
            lambda: _changed(row, "media" if model is MediaFingerprint else "thumbnail")
        )
    if values["status"] == FingerprintStatus.FAILED:
        return Outcome.FAILED
    return Outcome.CREATED if created else Outcome.UPDATED


def _same(stored, value):
    if isinstance(stored, memoryview):
        stored = bytes(stored)
    return stored == value


def _changed(instance, kind):
    fingerprint_changed.send(
        sender=type(instance), instance=instance, clip_id=instance.clip_id, kind=kind
    )
