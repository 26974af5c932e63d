"""PostgreSQL: the search's queries over the tsvector rows and GIN indexes that
catalog.search.postgres_schema installs and keeps in sync.
"""

from .postgres_schema import DOCUMENT, bulk_load, install, optimize, uninstall

# The backend's schema verbs (catalog.search.backends: one module per database).
__all__ = ["bulk_load", "install", "optimize", "uninstall"]


# Queries: a term reaches PostgreSQL as plain text, a parameter of
# phraseto_tsquery() (inside newsclips_tsquery), never as tsquery syntax.


def _tsquery(terms):
    sql = " || ".join(["newsclips_tsquery(%s)"] * len(terms))
    return f"({sql})", [term.text for term in terms]


def _in_document(query):
    return f"SELECT clip_id FROM catalog_clipsearch WHERE {DOCUMENT} @@ {query}"


def clips_matching_sql(term):
    """SQL (and params) for the ids of clips where the term occurs, anywhere: the
    document holds the clip's tags and claims too (catalog.search.postgres_parts)."""
    query, params = _tsquery([term])
    return _in_document(query), params


def text_conjunction_sql(terms):
    """SQL (and params) for the ids of clips whose document (metadata, transcript,
    moments, tags, claims) holds every term: one tsquery, its AND done by the GIN index."""
    every = " && ".join(["newsclips_tsquery(%s)"] * len(terms))
    return _in_document(f"({every})"), [term.text for term in terms]


def id_set_sql(sql):
    """The ids of `sql` for `id IN (...)`, read once into an array: the planner then
    looks each clip up, work in proportion to the matches, instead of walking the
    newest-first index testing every clip's document (12,000 clips for the relevance
    window of two common words at 1 M clips, a whole channel for the facets' exact
    count). Pages of common words: dense_conjunction_sql (catalog.search.conjunction)."""
    return f"SELECT unnest(ARRAY({sql}))"


def off_text_sql(term, limit):
    """None: no clip matches a term off its document, which holds its transcripts,
    moments, tags and claims (catalog.search.postgres_parts)."""
    return None


def index_version(connection):
    """None: nothing is read per version of the index apart (off_text_sql() is None and
    the lists do not walk); fragments follow the catalogue's version."""
    return None


# among_sql() leaves the way to the planner: no count of the matches is needed.
WALKS = False


def among_sql(clip_id_sql, ids_sql, walk):
    """SQL: is the clip among the ids of `ids_sql` (in brackets: id_set_sql())? The planner
    picks its way by itself (`walk` is SQLite's)."""
    return f"{clip_id_sql} IN {ids_sql}"


def ids_sql(ids):
    """SQL (and params) for a list of ids as rows of one column `value`."""
    return "SELECT value FROM unnest(%s::bigint[]) AS value", [[int(pk) for pk in ids]]


def clip_matches_sql(term, clip_id_sql, estimate):
    """SQL (and params): does the clip match the term? For a common term: one
    primary-key lookup per clip instead of reading every match from the GIN
    index and the heap (a common word: a hundred thousand rows).

    OFFSET 0 keeps PostgreSQL from turning the EXISTS into a hash of all the
    matches (the read this avoids).
    """
    query, params = _tsquery([term])
    sql = (
        f"EXISTS (SELECT 1 FROM catalog_clipsearch s WHERE s.clip_id = {clip_id_sql} "
        f"AND s.{DOCUMENT} @@ {query} OFFSET 0)"
    )
    return sql, params


def matches_estimate(cursor, terms):
    """Per term: its clips by the planner's statistics of the index (ANALYZE's most
    common lexemes; a lexeme not among them is rare), at least the clips of its tags
    (which the document holds, but a tag's word may be too rare for the statistics).

    A phrase is as common as its rarest word, a term as all its stem variants.
    """
    tags = (
        "(SELECT coalesce(sum(clip_count), 0) FROM catalog_tag WHERE id IN "
        "(SELECT tag_id FROM catalog_tagsearch WHERE document @@ newsclips_tsquery(%s)))"
    )
    stats = (
        "FROM pg_stats WHERE schemaname = current_schema() "
        f"AND tablename = 'catalog_clipsearch' AND attname = '{DOCUMENT}'"
    )
    cursor.execute(
        f"SELECT (SELECT most_common_elems::text::text[] {stats}), "
        f"(SELECT most_common_elem_freqs {stats}), "
        "(SELECT reltuples FROM pg_class WHERE oid = 'catalog_clipsearch'::regclass)"
        + "".join(f", {tags}" for _term in terms),
        [term.text for term in terms],
    )
    lexemes, freqs, rows, *tagged = cursor.fetchone()
    frequency = dict(zip(lexemes or [], freqs or [], strict=False))
    estimates = []
    for term, clips in zip(terms, tagged, strict=True):
        share = sum(min(frequency.get(word, 0) for word in variant) for variant in term.variants)
        estimates.append(max(int(share * max(rows or 0, 0)), clips))
    return estimates


def rank_sql(terms, clip_id_sql, common):
    """ts_rank: title (A) > channel, moments and tags (B) > description (C) > transcript (D)."""
    query, params = _tsquery(terms)
    sql = (
        f"coalesce((SELECT ts_rank({DOCUMENT}, {query}) FROM catalog_clipsearch "
        f"WHERE clip_id = {clip_id_sql}), 0)"
    )
    return sql, params


def dense_conjunction_sql(clip_sql, text_sql, text_params, others_sql, others_params):
    """SQL (and params): is the clip in the text conjunction (or among the others, which
    PostgreSQL never has: postgres_parts)? For a page of terms each common.

    A plain IN, which the planner may turn into a walk of the list's own index
    (newest first, a channel's) looking each clip up in the document until the
    page is full: two common words at 1 M clips meet in 38,000 clips (moments and
    tags in the document), a page of 25 in ~500 lookups (8 ms), where hashing every
    match reads 35,000 heap pages (300 ms). Where they rarely meet, its estimate
    says so and it reads the matches instead.
    """
    if others_sql:  # under OR each IN stays a hashed subplan, read once
        sql = f"({clip_sql} IN ({text_sql}) OR {clip_sql} IN ({others_sql}))"
        return sql, [*text_params, *others_params]
    return f"{clip_sql} IN ({text_sql})", list(text_params)
