"""Several words at once: the clips that match every word, without a walk per clip.

Checking each clip of a newest-first list for each word reads thousands of clips
per page when the words are common and rare together (two words each in a tenth
of the catalogue meet in a hundredth). Instead the index itself intersects: FTS5
`a AND b` (SQLite) or tsquery `a && b` (PostgreSQL) gives the clips whose indexed
text holds every word: title, channel, description and moments, on SQLite claims
too, on PostgreSQL transcripts too.

A clip may also match a word elsewhere: by a tag, on SQLite by a transcript
(indexed per segment: catalog.search.sqlite says why), on PostgreSQL by a claim.
Per word these are read once per version of the search index (on SQLite its own,
raised only by writes the index follows; catalog.search.sqlite): the clips whose transcript
has it ("said"), the clips that match it only by a tag (with a transcript, "x",
or without, "rest"), and, on SQLite, its text matches among the clips that have a
transcript ("text"). A clip matches every word if its text holds them all, or if
for each word it is in that word's said, x or text clips: decided here for the
clips with a transcript (about one in twenty); the rest, which only tags bring
(a few per word), are checked per clip in SQL.

Many matches (two common words: tens of thousands of clips) are not looked up one
by one to be sorted by date: SQLite then walks the list's own newest-first index
and keeps the clips among them (a page needs a few hundred index entries, not tens
of thousands of table rows). How many the index finds is counted once per
version of the index, up to WALK_ABOVE. PostgreSQL, for words that are each common,
keeps the matches in a hash and walks the list's index against it
(dense_conjunction_sql).
"""

from django.db import connections
from django.db.models import BooleanField, Expression, F, IntegerField
from django.db.models.lookups import In

from catalog.versioning import cached_fragment

from .backends import COMMON_TERM_CLIPS, PerClip, backend, matches_estimate

# A word with more clips than this that match it only by a tag and have no
# transcript is searched the other way (search(): ClipMatches per clip of a list):
# each is checked per clip in SQL. Each kind's read stops at OFF_TEXT_ROWS rows, and
# a word that reaches it is searched the other way too.
OFF_TEXT_LIMIT = 2000
OFF_TEXT_ROWS = 200_000
OFF_TEXT_SECONDS = 600
# An estimate above every other: the backends' per-clip form of clip_matches_sql().
PER_CLIP = float("inf")
# With more text matches than this a list walks its own index (see above).
WALK_ABOVE = 2000


class ClipsMatchingAll(Expression):
    """The ids of clips that match every term: the text conjunction, the `decided`
    ids, and those of `checked` that match every term per clip.

    Use in AmongMatches or DenseMatches.
    """

    output_field = IntegerField()

    def __init__(self, terms, decided=(), checked=()):
        super().__init__()
        self.terms = terms
        self.decided = sorted(set(decided))
        self.checked = sorted(set(checked) - set(decided))

    def parts(self, vendor):
        """SQL (and params) of the text conjunction, and of the other ids apart (a
        list of SELECTs of one column `value`, and their params)."""
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
        return text, text_params, others, params

    def as_sql(self, compiler, connection):
        vendor = backend(connection)
        text, text_params, others, params = self.parts(vendor)
        return f"({vendor.id_set_sql(' UNION '.join([text, *others]))})", [*text_params, *params]


class AmongMatches(In):
    """`pk IN ClipsMatchingAll(...)`, walking the list's own index for many matches
    (`walk`: the backend's among_sql()).

    A lookup, so that Django puts it in the WHERE clause as it is: any other
    condition is compared `= 1` on SQLite (no boolean type), and the IN could no
    longer drive the query (a rare pair of words: 100 ms instead of 5 at 1 M clips).
    """

    def __init__(self, matches, *, walk):
        super().__init__(F("pk"), matches)
        self.walk = walk

    def as_sql(self, compiler, connection):
        clip_sql, clip_params = self.process_lhs(compiler, connection)
        ids_sql, ids_params = self.process_rhs(compiler, connection)
        sql = backend(connection).among_sql(clip_sql, ids_sql, self.walk)
        return sql, [*clip_params, *ids_params]


class DenseMatches(PerClip):
    """Whether the clip is among `matches` (a ClipsMatchingAll) whose terms are each
    common, so that they likely share many clips: in a page of an ordered list
    (ORDER BY and LIMIT), the backend's dense_conjunction_sql() (PostgreSQL) tests
    the list's clips in order against the matches and stops when the page is full,
    instead of fetching every match. So does a limited subquery, an EXISTS per clip
    of an outer query: the facets' sample asks it of a thousand clips, and fetching
    every match for it was nearly all of a search's first build after each catalogue
    change (two common words at 1 M clips: 620 ms, against 20 per clip). Any other
    read (counts, every match's id) fetches the matches. Only where the backend has a
    boolean type (see AmongMatches).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, matches, *, clip=None):
        super().__init__(clip)
        self.matches = matches

    def as_sql(self, compiler, connection):
        query = compiler.query
        if query.high_mark is not None and (query.order_by or query.subquery):
            return super().as_sql(compiler, connection)
        clip_sql, clip_params = compiler.compile(self.clip)
        ids_sql, ids_params = compiler.compile(self.matches)
        return backend(connection).among_sql(clip_sql, ids_sql, False), [*clip_params, *ids_params]

    def clip_sql(self, vendor, clip_sql):
        text, text_params, others, params = self.matches.parts(vendor)
        others = " UNION ".join(others)
        return vendor.dense_conjunction_sql(clip_sql, text, text_params, others, params)


def _off_text(term, using, index_version):
    """The term's clips off its text, read once per version of the search index (the
    backend's index_version(): a capture or an availability check leaves them as they
    were), else of the catalogue: {kind: ids} for the kinds said, x, rest and text, or
    None if rest has more than OFF_TEXT_LIMIT or a kind reached OFF_TEXT_ROWS. All
    empty where the backend's text holds everything (PostgreSQL: its off_text_sql() is
    None)."""
    connection = connections[using]
    off_text = backend(connection).off_text_sql(term, OFF_TEXT_ROWS)
    if off_text is None:
        return {"said": [], "x": [], "rest": [], "text": []}

    def read():
        with connection.cursor() as cursor:
            cursor.execute(*off_text)
            rows = cursor.fetchall()
        found = {"said": [], "x": [], "rest": [], "text": []}
        for pk, kind in rows:
            found[kind].append(pk)
        complete = (
            len(found["rest"]) <= OFF_TEXT_LIMIT
            and all(len(ids) < OFF_TEXT_ROWS for ids in (found["said"], found["text"]))
            and len(found["x"]) + len(found["rest"]) < OFF_TEXT_ROWS
        )
        # In a dict: the cache keeps no None.
        return {"found": found if complete else None}

    key = ("off-text", using, term.text)
    return cached_fragment(key, read, OFF_TEXT_SECONDS, index_version=index_version)["found"]


def _text_matches(terms, using, index_version):
    """How many clips the text conjunction finds, counted up to WALK_ABOVE + 1 (the
    index stops there), once per version of the index (as _off_text())."""
    connection = connections[using]

    def read():
        sql, params = backend(connection).text_conjunction_sql(terms)
        with connection.cursor() as cursor:
            # The backend's own SQL; the terms are parameters.
            cursor.execute(
                f"SELECT count(*) FROM ({sql} LIMIT {WALK_ABOVE + 1}) AS matches",  # noqa: S608
                params,
            )
            return cursor.fetchone()[0]

    texts = tuple(sorted(term.text for term in terms))
    key = ("text-matches", using, texts)
    return cached_fragment(key, read, OFF_TEXT_SECONDS, index_version=index_version)


def clips_matching_all(terms, using):
    """The condition that a clip matches every term (AmongMatches or DenseMatches), or
    None if a term has too many clips that match it off text (_off_text())."""
    vendor = backend(connections[using])
    index_version = vendor.index_version(connections[using])
    found = [_off_text(term, using, index_version) for term in terms]
    if any(f is None for f in found):
        return None
    # A clip with a transcript that matches a word off text: its matches of every
    # other word are known (said, x or text), so it is decided here.
    candidates = {pk for f in found for pk in (*f["said"], *f["x"])}
    for f in found:
        candidates &= {*f["said"], *f["x"], *f["text"]}
    rest = [pk for f in found for pk in f["rest"]]
    matches = ClipsMatchingAll(terms, candidates, rest)
    # Only a backend with a dense form asks (one query for all the words, kept).
    dense = hasattr(vendor, "dense_conjunction_sql") and (
        min(matches_estimate(terms, using)) > COMMON_TERM_CLIPS
    )
    if dense:
        return DenseMatches(matches)
    # Counted only for a backend that walks (a count of common words' matches costs
    # a first request tens of milliseconds).
    walk = vendor.WALKS and _text_matches(terms, using, index_version) > WALK_ABOVE
    return AmongMatches(matches, walk=walk)
