import os
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to FILE while the site keeps running (SQLite's online "
        "backup API: a consistent snapshot, writers are not stopped), then check the copy. "
        "On PostgreSQL use pg_dump instead (docs/deploy.md)."
    )

    # The system checks open an IMMEDIATE transaction (the JSONField probe), which would wait
    # for a running import's write lock: the backup must not.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="Where the copy goes (replaced).")

    def handle(self, *args, file, **options):
        if connection.vendor != "sqlite":
            raise CommandError(
                f"backup_sqlite copies a SQLite database; this one is {connection.vendor}: "
                "use pg_dump (see docs/deploy.md)"
            )
        target = Path(file)
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder")
        # Into a temporary name first: an interrupted backup never looks like a good one.
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        connection.ensure_connection()
        copy = sqlite3.connect(partial)
        try:
            # Pages in steps, so a long copy lets the app's writers in between steps.
            connection.connection.backup(copy, pages=1024)
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            clips = copy.execute("SELECT count(*) FROM catalog_clip").fetchone()[0]
        finally:
            copy.close()
        if result != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"the copy failed its integrity check: {result}")
        os.replace(partial, target)
        size = target.stat().st_size / 1024 / 1024
        self.stdout.write(f"backed up {clips} clips to {target} ({size:.1f} MiB, integrity ok)")
