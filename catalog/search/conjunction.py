"""Several words at once: the clips that match every word, without a walk per clip.

Checking each clip of a newest-first list for each word reads thousands of clips
per page when the words are common and rare together (two words each in a tenth
of the catalogue meet in a hundredth). Instead the index itself intersects: FTS5
`a AND b` (SQLite) or tsquery `a && b` (PostgreSQL) gives the clips whose indexed
text (title, channel, description, transcript, moments; on SQLite claims too)
holds every word. A clip may also match a word elsewhere: by a tag (and on
PostgreSQL by a claim, indexed apart). Per word the few clips it matches only
there ("off text") are read once per catalogue version; each is checked per clip
in SQL for every word.
"""

from django.db import connections
from django.db.models import Expression, IntegerField

from catalog.versioning import cached_fragment

from .backends import backend

# A word with more off-text clips than this is searched the other way (search():
# ClipMatches per clip of a list).
OFF_TEXT_LIMIT = 2000
OFF_TEXT_SECONDS = 600
# An estimate above every other: the backends' per-clip form of clip_matches_sql().
PER_CLIP = float("inf")


class ClipsMatchingAll(Expression):
    """The ids of clips that match every term: the text conjunction, and those of
    `checked` that match every term per clip.

    Use as `pk__in=ClipsMatchingAll(terms, checked)`.
    """

    output_field = IntegerField()

    def __init__(self, terms, checked=()):
        super().__init__()
        self.terms = terms
        self.checked = sorted(set(checked))

    def as_sql(self, compiler, connection):
        vendor = backend(connection)
        sql, params = vendor.text_conjunction_sql(self.terms)
        if self.checked:
            ids, ids_params = vendor.ids_sql(self.checked)
            checks = [vendor.clip_matches_sql(term, "value", PER_CLIP) for term in self.terms]
            where = " AND ".join(check for check, _params in checks)
            # The backends' own SQL; the terms and ids are parameters.
            sql += f" UNION SELECT value FROM ({ids}) AS checked WHERE {where}"  # noqa: S608
            params = [*params, *ids_params, *(p for _check, ps in checks for p in ps)]
        return f"({vendor.id_set_sql(sql)})", params


def _off_text(term, using):
    """The ids of the term's off-text clips (None if more than OFF_TEXT_LIMIT), read
    once per catalogue version."""
    connection = connections[using]

    def read():
        sql, params = backend(connection).off_text_sql(term, OFF_TEXT_LIMIT + 1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [pk for (pk,) in cursor.fetchall()]
        # In a dict: the cache keeps no None.
        return {"ids": ids if len(ids) <= OFF_TEXT_LIMIT else None}

    return cached_fragment(("off-text-ids", using, term.text), read, OFF_TEXT_SECONDS)["ids"]


def clips_matching_all(terms, using):
    """ClipsMatchingAll for the terms, or None if a term has more than OFF_TEXT_LIMIT
    clips that match it off text."""
    found = [_off_text(term, using) for term in terms]
    if any(ids is None for ids in found):
        return None
    return ClipsMatchingAll(terms, [pk for ids in found for pk in ids])
