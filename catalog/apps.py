from django.apps import AppConfig
from django.apps import apps as installed
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# catalog.search is imported by the handlers, not here: it imports the models, which
# cannot be imported while Django is still loading this module (AppRegistryNotReady).


def _register_search_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        from catalog.search.sqlite import register_functions

        register_functions(connection.connection)


def _ensure_search_triggers(sender, using, **kwargs):
    connection = connections[using]
    if connection.vendor == "sqlite":
        from catalog.search import claim_index, moment_index
        from catalog.search.sqlite import ensure_index_version, ensure_triggers

        with connection.cursor() as cursor:
            ensure_triggers(cursor)
            moment_index.ensure_triggers(cursor)
            claim_index.ensure_triggers(cursor)
            ensure_index_version(cursor, moment_index.SQLITE_TRIGGERS, claim_index.SQLITE_TRIGGERS)


def _ensure_version_triggers(sender, using, apps=None, **kwargs):
    """The catalogue version's triggers, again after whatever a migration rebuilt
    (a flush sends no `apps`: the installed models then)."""
    from catalog.versioning import install_triggers

    apps = apps or installed
    try:
        apps.get_model("catalog", "CatalogueVersion")
    except LookupError:  # migrated back to before it exists
        return
    install_triggers(connections[using], apps)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        # SQLite's search triggers call Python (the stemmer) on every connection.
        connection_created.connect(_register_search_functions)
        post_migrate.connect(_ensure_search_triggers, sender=self)
        post_migrate.connect(_ensure_version_triggers, sender=self)
        # Connects the receiver that captures clips at risk of removal.
        from catalog.capture import rules  # noqa: F401

        # Connects the receiver that queues indexing a clip and suggesting its relations
        # after its fingerprint is stored (a light module: no numpy in web processes).
        from catalog.matching import tasks  # noqa: F401
