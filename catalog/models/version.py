"""One number that changes whenever anything a public page shows changes."""

from django.db import connections, models


class CatalogueVersionQuerySet(models.QuerySet):
    def current(self):
        """The catalogue's version now; 0 for a catalogue nothing was written to yet.

        Read on every public request, a 304 included, where building the ORM query
        cost four times the read itself: one fixed statement instead.
        """
        table = self.model._meta.db_table
        with connections[self.db].cursor() as cursor:
            # A fixed statement: the table name is the model's own.
            cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0


class CatalogueVersion(models.Model):
    """A single row whose `version` the database bumps in every transaction that
    writes clips, channels, tags or what hangs off them (catalog.versioning has
    the triggers). Pages use it as their validator (ETag) and in the keys of
    their cached fragments: a new version is a new page, and nothing cached under
    an old one is read again. That is row 1; on SQLite row 2 is the search index's
    own version, raised only by the writes the index follows (catalog.search.sqlite).
    """

    # Not in the admin and never shown to anyone: no texts to translate.
    version = models.BigIntegerField(default=0)

    objects = CatalogueVersionQuerySet.as_manager()

    def __str__(self):
        return str(self.version)
