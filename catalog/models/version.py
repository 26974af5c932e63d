"""One number that changes whenever anything a public page shows changes."""

from django.db import models


class CatalogueVersionQuerySet(models.QuerySet):
    def current(self):
        """The catalogue's version now; 0 for a catalogue nothing was written to yet."""
        return next(iter(self.filter(pk=1).values_list("version", flat=True)), 0)


class CatalogueVersion(models.Model):
    """A single row whose `version` the database bumps in every transaction that
    writes clips, channels, tags or what hangs off them (catalog.versioning has
    the triggers). Pages use it as their validator (ETag) and in the keys of
    their cached fragments: a new version is a new page, and nothing cached under
    an old one is read again.
    """

    # Not in the admin and never shown to anyone: no texts to translate.
    version = models.BigIntegerField(default=0)

    objects = CatalogueVersionQuerySet.as_manager()

    def __str__(self):
        return str(self.version)
