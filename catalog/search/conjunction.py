"""Several words at once: the clips that match every word, without a walk per clip.

Checking each clip of a newest-first list for each word reads thousands of clips
per page when the words are common and rare together (two words each in a tenth
of the catalogue meet in a hundredth). Instead the index itself intersects: FTS5
`a AND b` (SQLite) or tsquery `a && b` (PostgreSQL) gives the clips whose text
holds every word. A clip may also match a word elsewhere: by a tag, and on SQLite
by a transcript or moment (indexed apart; PostgreSQL's document holds those). Per
word the clips it matches only there ("off text") are read once per catalogue
version, with, on SQLite, the word's text matches among the clips that have a
transcript or moment (`x`); a clip matches every word if its text holds them all,
or if for each word it is in that word's off-text or `x` text matches: decided
here for the clips that have a transcript or moment, checked per clip in SQL for
the rest (only tags bring those, a few per word).
"""

from django.db import connections
from django.db.models import BooleanField

from catalog.versioning import cached_fragment

from .backends import COMMON_TERM_CLIPS, PerClip, backend, matches_estimate

# A word with more off-text clips than this outside the transcripts and moments
# is searched the other way (search(): ClipMatches per clip of a list): each is
# checked per clip in SQL. The reads stop at OFF_TEXT_ROWS rows.
OFF_TEXT_LIMIT = 2000
OFF_TEXT_ROWS = 200_000
OFF_TEXT_SECONDS = 600
# An estimate above every other: the backends' per-clip form of clip_matches_sql().
PER_CLIP = float("inf")


class ClipsMatchingAll(PerClip):
    """Whether the clip matches every term: it is in the text conjunction, the
    `decided` ids, or those of `checked` that match every term per clip.

    Use as a filter: `queryset.filter(ClipsMatchingAll(terms, decided, checked))`.
    `dense`: every term is common, so they likely share many clips; in a page of an
    ordered list (ORDER BY and LIMIT), a backend with a form for that (PostgreSQL:
    dense_conjunction_sql) tests the list's clips in order against the matches, and
    stops when the page is full, instead of fetching every match. Any other read
    (counts, the facets' samples) fetches the matches.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, terms, decided=(), checked=(), *, dense=False, clip=None):
        super().__init__(clip)
        self.terms = terms
        self.decided = sorted(set(decided))
        self.checked = sorted(set(checked) - set(decided))
        self.dense = dense

    def as_sql(self, compiler, connection):
        query = compiler.query
        if self.dense and not (query.order_by and query.high_mark is not None):
            fetched = self.copy()
            fetched.dense = False
            return fetched.as_sql(compiler, connection)
        return super().as_sql(compiler, connection)

    def clip_sql(self, vendor, clip_sql):
        text, text_params = vendor.text_conjunction_sql(self.terms)
        others, params = [], []
        if self.decided:
            ids, params = vendor.ids_sql(self.decided)
            others.append(ids)
        if self.checked:
            ids, ids_params = vendor.ids_sql(self.checked)
            checks = [vendor.clip_matches_sql(term, "value", PER_CLIP) for term in self.terms]
            where = " AND ".join(check for check, _params in checks)
            # The backends' own SQL; the terms and ids are parameters.
            others.append(f"SELECT value FROM ({ids}) AS checked WHERE {where}")  # noqa: S608
            params = [*params, *ids_params, *(p for _check, ps in checks for p in ps)]
        if self.dense:
            others = " UNION ".join(others)
            return vendor.dense_conjunction_sql(clip_sql, text, text_params, others, params)
        sql = " UNION ".join([text, *others])
        return f"{clip_sql} IN ({vendor.id_set_sql(sql)})", [*text_params, *params]


def _off_text(term, using):
    """The term's clips, read once per catalogue version: {"x": off text, with a
    transcript or moment; "rest": off text, without (None if more than OFF_TEXT_LIMIT);
    "text": in the text, with a transcript or moment}."""
    connection = connections[using]

    def read():
        sql, params = backend(connection).off_text_sql(term, OFF_TEXT_ROWS)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = {"x": [], "rest": [], "text": []}
        for pk, kind in rows:
            found[kind].append(pk)
        if len(found["rest"]) > OFF_TEXT_LIMIT or len(rows) - len(found["text"]) >= OFF_TEXT_ROWS:
            found["rest"] = None
        return found

    return cached_fragment(("off-text", using, term.text), read, OFF_TEXT_SECONDS)


def clips_matching_all(terms, using):
    """ClipsMatchingAll for the terms, or None if a term has too many clips that
    match it off text outside the transcripts and moments (OFF_TEXT_LIMIT)."""
    found = [_off_text(term, using) for term in terms]
    if any(f["rest"] is None for f in found):
        return None
    # A clip with a transcript or moment that matches a word off text: its text
    # matches of every other word are known, so it is decided here.
    candidates = {pk for f in found for pk in f["x"]}
    for f in found:
        candidates &= {*f["x"], *f["text"]}
    # Only a backend with a dense form asks (one query for all the words, kept).
    dense = hasattr(backend(connections[using]), "dense_conjunction_sql") and (
        min(matches_estimate(terms, using)) > COMMON_TERM_CLIPS
    )
    rest = [pk for f in found for pk in f["rest"]]
    return ClipsMatchingAll(terms, candidates, rest, dense=dense)
