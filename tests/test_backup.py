"""manage.py backup_sqlite: an online copy of the SQLite database that opens and has everything."""

import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.search.sqlite import register_functions

from .deployed import manage, production_env
from .factories import make_clip

INSERT_TAG = (
    "INSERT INTO catalog_tag (name, slug, clip_count, created_at) VALUES (?, ?, 0, '2024-01-01')"
)

# Committed rows: the backup reads the database as another process would.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backup API; PG uses pg_dump")
def test_the_copy_is_a_complete_database(tmp_path, capsys):
    make_clip("Kept in the backup", tags=["archive"])
    target = tmp_path / "backup.sqlite3"
    target.write_text("an older backup, replaced")
    call_command("backup_sqlite", str(target))
    assert "backed up 1 clips" in capsys.readouterr().out
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT title FROM catalog_clip").fetchall() == [("Kept in the backup",)]
    assert copy.execute("SELECT slug FROM catalog_tag").fetchall() == [("archive",)]
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the refusal on other databases")
def test_other_databases_are_refused_with_the_way_to_back_them_up(tmp_path):
    with pytest.raises(CommandError, match="use pg_dump"):
        call_command("backup_sqlite", str(tmp_path / "backup.sqlite3"))
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_is_a_clear_error(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("refused earlier on other databases")
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("backup_sqlite", str(tmp_path / "nowhere" / "backup.sqlite3"))


@pytest.mark.server
@pytest.mark.skipif(connection.vendor != "sqlite", reason="its own SQLite file; once is enough")
def test_the_backup_runs_while_an_import_holds_the_write_lock(tmp_path):
    """Online: a file database in WAL mode, a writer in the middle of a transaction."""
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite3'}")
    assert manage("migrate", "-v0", env=env).returncode == 0
    writer = sqlite3.connect(tmp_path / "live.sqlite3", isolation_level=None)
    register_functions(writer)  # the search index's triggers stem in Python
    writer.execute(INSERT_TAG, ("a", "a"))
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(INSERT_TAG, ("b", "b"))
    try:
        result = manage("backup_sqlite", str(tmp_path / "copy.sqlite3"), env=env)
    finally:
        writer.execute("COMMIT")
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    # The committed state at the moment of the copy: the open transaction is not in it.
    assert copy.execute("SELECT slug FROM catalog_tag").fetchall() == [("a",)]
