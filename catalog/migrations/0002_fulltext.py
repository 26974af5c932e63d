"""Full-text search: channel boilerplate, and the index the database keeps in sync.

SQLite: FTS5 tables and triggers (catalog.search.sqlite); PostgreSQL: tsvector
tables with GIN indexes and triggers (catalog.search.postgres_schema). Both are filled
from what is already catalogued, and dropped again when migrating back.
"""

import django.db.models.deletion
from django.db import migrations, models

# catalog.search is imported when the operations run, not when Django loads the
# migration graph: it imports the app's current models, which loading must not need.


def _backend(schema_editor):
    from catalog.search.backends import backend

    return backend(schema_editor.connection)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from catalog.search.sqlite import register_functions

        schema_editor.connection.ensure_connection()
        register_functions(schema_editor.connection.connection)
    with schema_editor.connection.cursor() as cursor:
        _backend(schema_editor).install(cursor)


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        _backend(schema_editor).uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChannelBoilerplate",
            fields=[
                (
                    "channel",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="boilerplate",
                        serialize=False,
                        to="catalog.channel",
                    ),
                ),
                (
                    "lines",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Whitespace-normalised lines that repeat across the channel's clips.",
                    ),
                ),
                (
                    "clip_count",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="How many clips the channel had when the lines were detected.",
                    ),
                ),
                ("detected_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "channel boilerplate",
                "verbose_name_plural": "channel boilerplate",
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
