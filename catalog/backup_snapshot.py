"""The read view catalog.backup exports from: the whole catalogue as of one moment."""

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def snapshot():
    """One consistent view of the catalogue for the whole export, without blocking imports.

    Imports may run meanwhile: a clip stored after its channel's line was written
    must not appear with a channel the file lacks. PostgreSQL gives a read-only
    repeatable-read transaction; SQLite (WAL) a deferred read transaction, whose
    snapshot does not stop writers. Inside a caller's transaction, that one is used.
    """
    if not connection.get_autocommit():
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # Not atomic(): the settings make that BEGIN IMMEDIATE, which takes the write lock.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        yield
