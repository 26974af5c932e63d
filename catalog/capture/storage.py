"""Content-addressed storage of capture files in STORAGES["captures"].

A file is downloaded to a temporary name in the capture's work folder, hashed,
and only then put into the storage under `sha256/ab/cd/<hex>`: on a local
folder by an atomic rename (a copy to a hidden temporary name first when the
work folder is on another file system), on object storage by one upload that
becomes visible only when complete. The same bytes are stored once; the
StoredFile row is written only after the file is in place.

The per-file limit and the total quota are settings; a file over either is
refused with the reason, and nothing is left behind.
"""

import hashlib
import mimetypes
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Sum

from catalog.models import StoredFile

MAX_FILE_BYTES = 2 * 1024**3
HASH_CHUNK = 1024 * 1024


class StorageRefused(Exception):
    """A file the capture storage will not take (too large, over quota); `reason` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def captures_storage():
    return storages["captures"]


def max_file_bytes():
    return int(getattr(settings, "NEWSCLIPS_CAPTURE_MAX_FILE_BYTES", 0) or MAX_FILE_BYTES)


def quota_bytes():
    """The total the captures storage may hold; 0 means no quota."""
    return int(getattr(settings, "NEWSCLIPS_CAPTURE_QUOTA_BYTES", 0) or 0)


def used_bytes():
    return StoredFile.objects.aggregate(total=Sum("size"))["total"] or 0


def room_left():
    """Bytes one more file may have: the per-file limit, or less when the quota is nearly used."""
    quota = quota_bytes()
    if not quota:
        return max_file_bytes()
    return max(0, min(max_file_bytes(), quota - used_bytes()))


def storage_name(sha256):
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_sha256(path):
    """Hex SHA-256 and size of a file, read in 1 MiB chunks (memory stays flat)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb", buffering=0) as handle:
        buffer = bytearray(HASH_CHUNK)
        view = memoryview(buffer)
        while count := handle.readinto(buffer):
            digest.update(view[:count])
            size += count
    return digest.hexdigest(), size


def guess_mime_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def store_file(path, *, mime_type=""):
    """Put the finished file at `path` into the captures storage; return its StoredFile.

    The file at `path` is consumed (moved or deleted). Raises StorageRefused when
    the file is over the per-file limit or would take the storage over its quota.
    """
    path = Path(path)
    sha256, size = file_sha256(path)
    existing = StoredFile.objects.filter(sha256=sha256).first()
    storage = captures_storage()
    if existing is not None and storage.exists(existing.name):
        path.unlink()
        return existing
    try:
        _check_limits(size, reusing=existing is not None)
        name = storage_name(sha256)
        _put(storage, name, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if existing is not None:  # the row outlived its file (restored database): put back
        return existing
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=sha256,
                size=size,
                name=name,
                mime_type=mime_type or guess_mime_type(path.name),
            )
    except IntegrityError:  # another worker stored the same bytes just now
        return StoredFile.objects.get(sha256=sha256)


def check_room(total):
    """Raise StorageRefused if `total` more bytes would take the storage over its quota."""
    _check_limits(0, reusing=False, total=total)


def _check_limits(size, *, reusing, total=None):
    limit = max_file_bytes()
    if size > limit:
        raise StorageRefused(f"file too large: {size:,} bytes, the limit is {limit:,}")
    quota = quota_bytes()
    size = size if total is None else total
    if quota and not reusing:
        used = used_bytes()
        if used + size > quota:
            raise StorageRefused(
                f"storage quota exceeded: {size:,} more bytes would make {used + size:,}, "
                f"the quota is {quota:,}"
            )


def _put(storage, name, path):
    try:
        target = Path(storage.path(name))
    except NotImplementedError:
        target = None
    if target is None:  # object storage: one upload, visible only when complete
        if storage.exists(name):
            storage.delete(name)
        with open(path, "rb") as handle:
            saved = storage.save(name, File(handle, name=path.name))
        path.unlink()
        if saved != name:  # the storage renamed it: refuse to lose track of it
            storage.delete(saved)
            raise OSError(f"the captures storage saved {name} as {saved}")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(path, target)  # same file system: atomic, no copy
        return
    except OSError:
        pass
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(path, "rb") as source, open(temporary, "xb") as copy:
            while chunk := source.read(HASH_CHUNK):
                copy.write(chunk)
            copy.flush()
            os.fsync(copy.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    path.unlink()


def open_stored(stored_file):
    """The stored bytes, opened for reading (binary)."""
    return captures_storage().open(stored_file.name, "rb")


def delete_unused(stored_files):
    """Delete the given stored files that no capture or keyframe uses any more, rows and bytes."""
    storage = captures_storage()
    for stored in stored_files:
        with transaction.atomic():
            if stored.uses.exists() or stored.keyframes.exists():
                continue
            stored.delete()
            transaction.on_commit(lambda name=stored.name: storage.delete(name))
