"""PostgreSQL: the search's queries over the tsvector rows and GIN indexes that
catalog.search.postgres_schema installs and keeps in sync.
"""

from .postgres_schema import DOCUMENT, install, optimize, uninstall

# The backend's schema verbs (catalog.search.backends: one module per database).
__all__ = ["install", "optimize", "uninstall"]


# Queries: a term reaches PostgreSQL as plain text, a parameter of
# phraseto_tsquery() (inside newsclips_tsquery), never as tsquery syntax.


def _tsquery(terms):
    sql = " || ".join(["newsclips_tsquery(%s)"] * len(terms))
    return f"({sql})", [term.text for term in terms]


def _tagged(query):
    return (
        "SELECT clip_id FROM catalog_cliptag WHERE tag_id IN "
        f"(SELECT tag_id FROM catalog_tagsearch WHERE document @@ {query})"
    )


def _tag_ids(query):
    return f"ARRAY(SELECT tag_id FROM catalog_tagsearch WHERE document @@ {query})"


def _in_document(query):
    return f"SELECT clip_id FROM catalog_clipsearch WHERE {DOCUMENT} @@ {query}"


# Claims' own index (catalog.search.claim_index): a claim's words find its clip.
_CLAIM_HITS = "SELECT clip_id FROM catalog_claimsearch WHERE document @@ {query}"


def clips_matching_sql(term):
    """SQL (and params) for the ids of clips where the term occurs, anywhere."""
    query, params = _tsquery([term])
    sql = (
        f"{_in_document(query)} UNION ALL {_tagged(query)} "
        f"UNION ALL {_CLAIM_HITS.format(query=query)}"
    )
    return sql, params * 3


def text_conjunction_sql(terms):
    """SQL (and params) for the ids of clips whose document (metadata, transcript,
    moments) holds every term: one tsquery, its AND done by the GIN index."""
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
    """SQL (and params) for rows (clip id, 'rest'): up to `limit` clips that match the
    term only by a tag or a claim, not in their document (which holds transcripts and
    moments).

    Each such clip is looked up (NOT EXISTS, kept per row by OFFSET 0): reading every
    clip of a common word's document costs ten times more."""
    query, params = _tsquery([term])
    sql = (
        f"SELECT o.clip_id, 'rest' FROM (SELECT t.clip_id FROM catalog_cliptag t "
        f"WHERE t.tag_id = ANY({_tag_ids(query)}) UNION {_CLAIM_HITS.format(query=query)}) AS o "
        f"WHERE NOT EXISTS (SELECT 1 FROM catalog_clipsearch s WHERE s.clip_id = o.clip_id "
        f"AND s.{DOCUMENT} @@ {query} OFFSET 0) LIMIT {int(limit)}"
    )
    return sql, params * 3


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

    OFFSET 0 keeps PostgreSQL from turning each EXISTS into a hash of all the
    matches (the read this avoids); the term's tags are looked up once (ARRAY).
    """
    query, params = _tsquery([term])
    sql = (
        f"(EXISTS (SELECT 1 FROM catalog_clipsearch s WHERE s.clip_id = {clip_id_sql} "
        f"AND s.{DOCUMENT} @@ {query} OFFSET 0) OR EXISTS (SELECT 1 FROM catalog_cliptag t "
        f"WHERE t.clip_id = {clip_id_sql} AND t.tag_id = ANY({_tag_ids(query)}) OFFSET 0) "
        f"OR EXISTS (SELECT 1 FROM catalog_claimsearch c WHERE c.clip_id = {clip_id_sql} "
        f"AND c.document @@ {query} OFFSET 0))"
    )
    return sql, params * 3


def matches_estimate(cursor, terms):
    """Per term: its clips by the planner's statistics of the index (ANALYZE's most
    common lexemes; a lexeme not among them is rare), plus the clips of its tags.

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
        estimates.append(int(share * max(rows or 0, 0)) + clips)
    return estimates


TAG_WEIGHT = 0.4  # ts_rank's default weight of B


def rank_sql(terms, clip_id_sql, common):
    """ts_rank: title (A) > channel (B) > description (C) > transcript (D); a tag adds B."""
    query, params = _tsquery(terms)
    # The terms' tags are looked up once (ARRAY), not once per ranked clip, and
    # OFFSET 0 keeps the tag check per clip, not a hash of every clip of the tags.
    sql = (
        f"(coalesce((SELECT ts_rank({DOCUMENT}, {query}) FROM catalog_clipsearch "
        f"WHERE clip_id = {clip_id_sql}), 0) + (CASE WHEN EXISTS (SELECT 1 FROM "
        f"catalog_cliptag t WHERE t.clip_id = {clip_id_sql} AND t.tag_id = ANY({_tag_ids(query)}) "
        f"OFFSET 0) THEN {TAG_WEIGHT} ELSE 0 END))"
    )
    return sql, params * 2


def dense_conjunction_sql(clip_sql, text_sql, text_params, others_sql, others_params):
    """SQL (and params): is the clip in the text conjunction or among the others (the
    clips decided or checked apart; may be '')? For a page of terms each common.

    Under OR each IN stays a hashed subplan, read once: the list is walked by its own
    index (newest first, a channel's) and each clip looked up in the hash until the
    page is full. Two common words at 1 M clips (16,000 matches): the 200 newest in
    ~40 ms; read into an array (id_set_sql), every match is looked up for its date
    (150 ms). A sparse conjunction would walk the whole list, hence common terms only.
    """
    if not others_sql:  # the OR is what keeps the planner from a join
        others_sql, others_params = ids_sql([])
    sql = f"({clip_sql} IN ({text_sql}) OR {clip_sql} IN ({others_sql}))"
    return sql, [*text_params, *others_params]
