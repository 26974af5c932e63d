"""An index declaration that gives each database the DDL it needs (NullsLastIndex)."""

from django.db import models
from django.db.models import OrderBy


class NullsLastIndex(models.Index):
    """An index whose descending columns put NULLs last, as ClipQuerySet.newest() sorts.

    PostgreSQL needs NULLS LAST spelled out in the index for an ORDER BY ... DESC
    NULLS LAST to use it; SQLite's DESC already sorts NULLs last and rejects the
    words in an index. One declaration, the right DDL per database.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":

            def nullable(expression):
                name = getattr(expression, "name", None)
                return bool(name) and model._meta.get_field(name).null

            # Only nullable columns: ORDER BY id DESC means NULLS FIRST to PostgreSQL,
            # and an index saying otherwise would not serve it.
            index = self.clone()
            index.expressions = [
                OrderBy(e.expression, descending=True, nulls_last=True)
                if isinstance(e, OrderBy) and e.descending and nullable(e.expression)
                else e
                for e in self.expressions
            ]
            return super(NullsLastIndex, index).create_sql(model, schema_editor, using, **kwargs)
        return super().create_sql(model, schema_editor, using, **kwargs)
