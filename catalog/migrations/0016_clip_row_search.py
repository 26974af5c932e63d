"""SQLite: a clip's moments and claims in its own row of catalog_clipsearch.

Before, each moment had a row of its own (and a claim its own in
catalog_claimsearch, which stays for the claims page), so several words were
intersected by reading each word's clips out of every index; the row also marks
the clips that have a transcript (its segments keep their own rows). The index
is rebuilt in the new layout (catalog.search.sqlite) in one pass over the clips;
PostgreSQL's document already held transcripts and moments: nothing to do.
Migrating back leaves the new layout, which the code of every earlier migration
installs too.
"""

from django.db import migrations

# catalog.search is imported when the operations run (see 0002_fulltext).


def rebuild(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    from catalog.search import claim_index, moment_index, row_parts, sqlite

    sqlite.register_on(connection)
    moments = row_parts.parts_sql("catalog_moment", moment_index.PART, "c.id")
    claims = row_parts.parts_sql("catalog_claim", claim_index.PART, "c.id")
    with connection.cursor() as cursor:
        for triggers in (claim_index.SQLITE_TRIGGERS, moment_index.SQLITE_TRIGGERS):
            sqlite.drop_triggers(cursor, triggers)
        sqlite.uninstall(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {moment_index.LEGACY_TABLE}")
        sqlite.install(cursor, {"moments": moments, "claims": claims})
        for triggers in (moment_index.SQLITE_TRIGGERS, claim_index.SQLITE_TRIGGERS):
            for name in triggers:
                cursor.execute(sqlite.trigger_sql(name, triggers))
        sqlite.optimize(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_media_analysis"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=False),
    ]
