"""Search speed. The channel filter finds a typed name by an index
(channel_name_upper_idx). On PostgreSQL a term's tsquery holds each distinct stemming
variant once (catalog.search.postgres_schema.TSQUERY_FUNCTION): it finds the same clips and
ranks them the same, and the planner's estimates and the GIN scan no longer count a
word three times (SQLite has no such function).
"""

import django.db.models.functions.text
from django.db import migrations, models

# The definition this migration replaces, for migrating back.
PREVIOUS = r"""
CREATE OR REPLACE FUNCTION newsclips_tsquery(words text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT phraseto_tsquery('simple', words) || phraseto_tsquery('newsclips_german', words)
      || phraseto_tsquery('newsclips_english', words)
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Imported when the operation runs (see 0002_fulltext).
        from catalog.search.postgres_schema import TSQUERY_FUNCTION

        schema_editor.execute(TSQUERY_FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0017_stop_keys"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                django.db.models.functions.text.Upper("name"), name="channel_name_upper_idx"
            ),
        ),
    ]
