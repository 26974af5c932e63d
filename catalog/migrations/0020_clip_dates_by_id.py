"""PostgreSQL: each clip's date beside its id in an index of its own.

The relevance window of common words (catalog.search.by_relevance: the newest 200
of, say, 11,000 clips that hold three common words) looks every match up by id to
read its date. From the table that is a heap visit per match; from this index an
index-only read (1 M clips: 70 -> 62 ms for the window's query,
bench/results/pages-6-session-8.md).
The newest-first index cannot serve it: it is ordered by date, not by id. SQLite
looks rows up by their rowid, which is already this. Built in ~2 s at 1 M clips.
"""

from django.db import migrations

INDEX = "clip_id_date_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_clip (id) INCLUDE (published_at)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0019_clip_document"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
