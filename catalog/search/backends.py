"""Vendor dispatch: the SQL of the search expressions is chosen when a query compiles.

The rest of the code builds querysets with these expressions and never asks
which database it runs on.
"""

from django.db.models import Expression, F, FloatField, IntegerField

from . import postgres, sqlite

BACKENDS = {"sqlite": sqlite, "postgresql": postgres}


def backend(connection):
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"full-text search on {connection.vendor}") from None


class ClipsMatching(Expression):
    """The ids of clips where a term occurs (title, tags, channel, description, transcript).

    Use as `pk__in=ClipsMatching(term)`; not correlated, so it survives re-aliasing.
    """

    output_field = IntegerField()

    def __init__(self, term):
        super().__init__()
        self.term = term

    def as_sql(self, compiler, connection):
        sql, params = backend(connection).clips_matching_sql(self.term)
        return f"({sql})", params


class SearchRank(Expression):
    """How well a clip matches the terms: higher is better, 0 for transcript-only hits."""

    output_field = FloatField()

    def __init__(self, terms, clip=None):
        super().__init__()
        self.terms = terms
        self.clip = clip or F("pk")

    def get_source_expressions(self):
        return [self.clip]

    def set_source_expressions(self, exprs):
        (self.clip,) = exprs

    def as_sql(self, compiler, connection):
        clip_sql, clip_params = compiler.compile(self.clip)
        if clip_params:  # rank_sql may repeat the column: it must be a plain column
            raise ValueError("SearchRank needs a column, not an expression with parameters")
        return backend(connection).rank_sql(self.terms, clip_sql)
