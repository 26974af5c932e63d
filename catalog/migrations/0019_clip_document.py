"""On PostgreSQL a clip's tags and claims join its search document
(catalog.search.postgres_parts says why); every clip with either has its document
rewritten once (1 M clips: ~3 minutes; VACUUM ANALYZE catalog_clipsearch afterwards,
or let autovacuum, before the old row versions slow the index). SQLite: nothing
changes.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Imported when the operation runs (see 0002_fulltext).
        from catalog.search import postgres_parts

        with schema_editor.connection.cursor() as cursor:
            postgres_parts.install(cursor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from catalog.search import postgres_parts

        with schema_editor.connection.cursor() as cursor:
            postgres_parts.uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0018_search_speed"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
