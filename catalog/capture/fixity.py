"""Fixity: re-hash stored files and record what was found, as an archive's audit does.

Storage fails quietly (bit rot, a restore from the wrong backup, a hand edit), so
every stored file is re-read and re-hashed now and then: NEWSCLIPS_FIXITY_PERCENT
of all files per day, the longest unchecked first, through `manage.py check_due`.
Each re-hash is a FixityCheck row and a custody event on every clip whose captures
use the file; a mismatch or a missing file is logged as an error and shows on the
clip's admin page (`failing_checks`).
"""

import hashlib
import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import CaptureFile, CustodyEvent, FixityCheck, StoredFile

from .storage import HASH_CHUNK, open_stored

logger = logging.getLogger("catalog.capture.fixity")

MAX_FILES_PER_RUN = 200  # check_due runs every few minutes; a backlog spreads over the day


def rehash(stored_file):
    """(sha256 hex, size, reason) of the stored bytes; reason is "" unless they cannot be read."""
    digest, size = hashlib.sha256(), 0
    try:
        with open_stored(stored_file) as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return "", 0, "missing from storage"
    except OSError as error:
        return "", 0, f"cannot be read: {error}"
    return digest.hexdigest(), size, ""


def check_file(stored_file, *, custody=True):
    """Re-hash one stored file, record a FixityCheck (and custody events); the check.

    `custody=False` for callers that write their own event (verify).
    """
    actual, _size, reason = rehash(stored_file)
    if not reason and actual != stored_file.sha256:
        reason = f"content changed: its SHA-256 is now {actual}"
    check = FixityCheck.objects.create(
        stored_file=stored_file, ok=not reason, actual_sha256=actual, reason=reason
    )
    uses = CaptureFile.objects.filter(stored_file=stored_file).select_related("capture")
    if reason:
        names = ", ".join(sorted({use.name for use in uses})) or "(no capture uses it)"
        logger.error("fixity mismatch: stored file %s (%s) %s", stored_file.name, names, reason)
    if custody:
        CustodyEvent.objects.bulk_create(
            CustodyEvent(
                clip_id=use.capture.clip_id,
                capture=use.capture,
                action=CustodyEvent.Action.FIXITY,
                detail=f"{use.name}: {reason or 'unchanged'} (sha256 {stored_file.sha256})",
            )
            for use in uses
        )
    return check


def due_files(now=None):
    """Stored files whose last check (or creation) is older than one full round."""
    now = now or timezone.now()
    percent = settings.NEWSCLIPS_FIXITY_PERCENT
    if percent <= 0:
        return StoredFile.objects.none()
    round_length = timedelta(days=100 / percent)
    return (
        StoredFile.objects.annotate(
            last_checked=Coalesce(Max("fixity_checks__checked_at"), "created_at")
        )
        .filter(last_checked__lte=now - round_length)
        .order_by("last_checked", "id")
    )


def run_due_checks(now=None):
    """Check today's share of the stored files not yet checked in the last day; the checks."""
    now = now or timezone.now()
    total = StoredFile.objects.count()
    share = math.ceil(total * settings.NEWSCLIPS_FIXITY_PERCENT / 100)
    done_today = FixityCheck.objects.filter(checked_at__gt=now - timedelta(days=1)).count()
    budget = min(share - done_today, MAX_FILES_PER_RUN)
    if budget <= 0:
        return []
    return [check_file(stored_file) for stored_file in due_files(now)[:budget]]


def failing_checks(clip):
    """The latest check of each of `clip`'s stored files, where that check failed."""
    latest = FixityCheck.objects.filter(stored_file=OuterRef("stored_file")).order_by(
        "-checked_at", "-id"
    )
    return (
        FixityCheck.objects.filter(
            Exists(
                CaptureFile.objects.filter(capture__clip=clip, stored_file=OuterRef("stored_file"))
            ),
            ok=False,
            pk=latest.values("pk")[:1],
        )
        .select_related("stored_file")
        .order_by("-checked_at")
    )
