"""Vendor dispatch: the SQL of the search expressions is chosen when a query compiles.

The rest of the code builds querysets with these expressions and never asks
which database it runs on.
"""

import hashlib

from django.core.cache import cache
from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, IntegerField

from catalog.versioning import cached_fragment

from . import postgres, sqlite

# A term in more clips than this is checked per clip (ClipMatches), as a tag
# in more than COMMON_TAG_CLIPS is.
COMMON_TERM_CLIPS = 5000
ESTIMATE_SECONDS = 300
# A clip that matches a term only by a tag, transcript or moment is checked per
# clip when several words must match (ClipsMatchingAll); a term with more such
# clips than this is searched the other way (ClipMatches per clip of a list).
OFF_TEXT_LIMIT = 2000
OFF_TEXT_SECONDS = 600
# An estimate above every other: the backends' per-clip form of ClipMatches.
PER_CLIP = float("inf")

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


class ClipsMatchingAll(Expression):
    """The ids of clips that match every term: those whose own text holds them all
    (one index query, however common each word is), and those of `elsewhere` (the
    clips that match a term only by a tag, transcript or moment: off_text_matches())
    that match every term, checked per clip.

    Use as `pk__in=ClipsMatchingAll(terms, elsewhere)`.
    """

    output_field = IntegerField()

    def __init__(self, terms, elsewhere):
        super().__init__()
        self.terms = terms
        self.elsewhere = sorted(set(elsewhere))

    def as_sql(self, compiler, connection):
        vendor = backend(connection)
        sql, params = vendor.text_conjunction_sql(self.terms)
        if self.elsewhere:
            ids, ids_params = vendor.ids_sql(self.elsewhere)
            checks = [vendor.clip_matches_sql(term, "value", PER_CLIP) for term in self.terms]
            where = " AND ".join(check for check, _params in checks)
            # The backends' own SQL; the terms and ids are parameters.
            sql += f" UNION SELECT value FROM ({ids}) AS elsewhere WHERE {where}"  # noqa: S608
            params = [*params, *ids_params, *(p for _check, ps in checks for p in ps)]
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


def off_text_matches(terms, using):
    """Per term, the ids of the clips that match it only elsewhere than in their own
    text (a tag, a transcript, a moment), or None if a term has more than
    OFF_TEXT_LIMIT of them. Read once per catalogue version (they decide what a
    search finds, so a stale set must never be used): one query per term.
    """
    connection = connections[using]

    def read(term):
        sql, params = backend(connection).off_text_sql(term, OFF_TEXT_LIMIT + 1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [pk for (pk,) in cursor.fetchall()]
        return {"ids": ids if len(ids) <= OFF_TEXT_LIMIT else None}

    found = []
    for term in terms:
        key = ("off-text", using, term.text)
        kept = cached_fragment(key, lambda term=term: read(term), OFF_TEXT_SECONDS)
        if kept["ids"] is None:
            return None
        found.append(kept["ids"])
    return found
