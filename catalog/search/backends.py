"""Vendor dispatch: the SQL of the search expressions is chosen when a query compiles.

The rest of the code builds querysets with these expressions and never asks
which database it runs on.
"""

import hashlib

from django.core.cache import cache
from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, IntegerField

from . import claim_index, postgres, sqlite

# A term in more clips than this is checked per clip (ClipMatches), as a tag
# in more than COMMON_TAG_CLIPS is.
COMMON_TERM_CLIPS = 5000
ESTIMATE_SECONDS = 300

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


class ClaimsMatching(Expression):
    """The ids of claims whose text or claimant has the term (`pk__in=ClaimsMatching(term)`)."""

    output_field = IntegerField()

    def __init__(self, term):
        super().__init__()
        self.term = term

    def as_sql(self, compiler, connection):
        backend(connection)  # refuses a database without full-text search
        sql, params = claim_index.claims_matching_sql(connection.vendor, self.term)
        return f"({sql})", params


class PerClip(Expression):
    """An expression about one clip, given as a column (the SQL may repeat it)."""

    def __init__(self, clip=None):
        super().__init__()
        self.clip = clip or F("pk")

    def get_source_expressions(self):
        return [self.clip]

    def set_source_expressions(self, exprs):
        (self.clip,) = exprs

    def as_sql(self, compiler, connection):
        clip_sql, clip_params = compiler.compile(self.clip)
        if clip_params:  # the backend's SQL may repeat the column: it must be a plain column
            raise ValueError(f"{type(self).__name__} needs a column, not an expression")
        return self.clip_sql(backend(connection), clip_sql)


class ClipMatches(PerClip):
    """Whether the clip matches a term, checked per clip: for a common term.

    Walking the newest-first index and checking each clip finds a page of a term
    that half the catalogue matches without reading all its matches; a rare term
    is faster the other way round (`pk__in=ClipsMatching(term)`).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, term, estimate, clip=None):
        super().__init__(clip)
        self.term = term
        self.estimate = estimate  # matches_estimate(): the backend may pick its form by it

    def clip_sql(self, backend, clip_sql):
        return backend.clip_matches_sql(self.term, clip_sql, self.estimate)


class SearchRank(PerClip):
    """How well a clip matches the terms: higher is better, 0 for transcript-only hits."""

    output_field = FloatField()

    def __init__(self, terms, clip=None, *, common=False):
        super().__init__(clip)
        self.terms = terms
        self.common = common  # words of many clips: the backend may pick its form by it

    def clip_sql(self, backend, clip_sql):
        return backend.rank_sql(self.terms, clip_sql, self.common)


def matches_estimate(terms, using):
    """Roughly how many clips each term matches (more than COMMON_TERM_CLIPS or not
    is what counts): one cheap query for all the terms, kept ESTIMATE_SECONDS.

    An estimate only picks the query's form, never what it finds, so a stale one
    costs time at worst; a page asks twice (its list and its relevance window).
    """
    keys = {
        term: f"newsclips:search:{using}:" + hashlib.sha256(term.text.encode()).hexdigest()
        for term in terms
    }
    cached = cache.get_many(keys.values())
    missing = [term for term in terms if keys[term] not in cached]
    if missing:
        connection = connections[using]
        with connection.cursor() as cursor:
            found = backend(connection).matches_estimate(cursor, missing)
        fresh = {keys[term]: n for term, n in zip(missing, found, strict=True)}
        cache.set_many(fresh, ESTIMATE_SECONDS)
        cached |= fresh
    return [cached[keys[term]] for term in terms]
