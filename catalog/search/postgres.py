"""PostgreSQL: one tsvector row per clip with a GIN index, kept in sync by triggers.

catalog_clipsearch holds per clip `meta` (title A, channel B, description
without channel boilerplate C) and `transcript` (D) apart, so that a transcript
change re-reads only that part; the GIN index is on their concatenation (a
stored generated column). Tags are indexed once per tag (catalog_tagsearch,
plain and by every stemmer): tagging a clip rewrites no tsvector, and clips are
found through catalog_cliptag's tag index.
Each part is stemmed by the clip's (a transcript's) language: German and
English Snowball dictionaries without stop words (so "the election" still needs
both words, as on SQLite), 'simple' for all other languages. Bulk inserts are
indexed per statement (transition tables), so a clip's transcript is read once
per bulk_create, not once per segment.
"""

_CONFIGS = {"german": "newsclips_german", "english": "newsclips_english"}
_WORD_TYPES = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

_FUNCTIONS = r"""
CREATE FUNCTION newsclips_regconfig(language text) RETURNS regconfig
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (CASE lower(split_part(split_part(coalesce(language, ''), '-', 1), '_', 1))
    WHEN 'de' THEN 'newsclips_german' WHEN 'en' THEN 'newsclips_english' ELSE 'simple'
  END)::regconfig
$$;

CREATE FUNCTION newsclips_strip_boilerplate(description text, lines jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN lines IS NULL OR jsonb_array_length(lines) = 0 THEN description ELSE
    coalesce((
      SELECT string_agg(line, E'\n' ORDER BY n)
      FROM regexp_split_to_table(description, E'\n') WITH ORDINALITY AS l(line, n)
      WHERE NOT lines ? btrim(regexp_replace(line, '\s+', ' ', 'g'))
    ), '')
  END
$$;

CREATE FUNCTION newsclips_clip_meta(
  title text, description text, language text, channel bigint
) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector(newsclips_regconfig(language), title), 'A')
    || setweight(to_tsvector(newsclips_regconfig(language), coalesce(
         (SELECT name FROM catalog_channel WHERE id = channel), '')), 'B')
    || setweight(to_tsvector(newsclips_regconfig(language), newsclips_strip_boilerplate(
         description, (SELECT lines FROM catalog_channelboilerplate WHERE channel_id = channel)
       )), 'C')
$$;

CREATE AGGREGATE newsclips_tsvector_agg(tsvector) (
  SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
);

CREATE FUNCTION newsclips_clip_transcript(clip bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT setweight(coalesce(newsclips_tsvector_agg(part), ''), 'D') FROM (
    SELECT to_tsvector(newsclips_regconfig(language), string_agg(text, ' ' ORDER BY start, id))
    FROM catalog_transcriptsegment WHERE clip_id = clip GROUP BY language
  ) AS tracks(part)
$$;
"""

# A term's tsquery: its words as a phrase under each stemming, each distinct variant
# once. `'berlin' | 'berlin' | 'berlin'` finds what 'berlin' does, but the planner
# counted it thrice (two common words at 1 M clips: 100,715 clips estimated, 15,977
# found) and so did the GIN scan (44 ms, now 15). One expression (no FROM): PostgreSQL
# inlines the function and folds it for a constant term, as the planner needs.
_SIMPLE, _GERMAN, _ENGLISH = (
    f"phraseto_tsquery('{config}', words)"
    for config in ("simple", "newsclips_german", "newsclips_english")
)
_SIMPLE_GERMAN = f"CASE WHEN {_GERMAN} = {_SIMPLE} THEN {_SIMPLE} ELSE {_SIMPLE} || {_GERMAN} END"
TSQUERY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION newsclips_tsquery(words text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN {_ENGLISH} IN ({_SIMPLE}, {_GERMAN}) THEN ({_SIMPLE_GERMAN})
    ELSE ({_SIMPLE_GERMAN}) || {_ENGLISH} END
$$;
"""

_TABLES = """
CREATE TABLE catalog_clipsearch (
  clip_id bigint PRIMARY KEY,
  meta tsvector NOT NULL,
  transcript tsvector NOT NULL DEFAULT '',
  -- Stored: a search that reads many rows must not concatenate each.
  document tsvector GENERATED ALWAYS AS (meta || transcript) STORED
);
CREATE INDEX catalog_clipsearch_document_idx ON catalog_clipsearch USING gin (document);
CREATE TABLE catalog_tagsearch (tag_id bigint PRIMARY KEY, document tsvector NOT NULL);
CREATE INDEX catalog_tagsearch_document_idx ON catalog_tagsearch USING gin (document);
"""
_TAG_DOCUMENT = """to_tsvector('simple', replace(slug, '-', ' '))
  || to_tsvector('newsclips_german', replace(slug, '-', ' '))
  || to_tsvector('newsclips_english', replace(slug, '-', ' '))"""
_DOCUMENT = "document"

RETRANSCRIBE = """UPDATE catalog_clipsearch SET transcript = newsclips_clip_transcript(clip_id)
WHERE clip_id IN ({clips});"""

# name -> (trigger definition after the name, plpgsql body)
_TRIGGERS = {
    "catalog_clip_search_insert": (
        "AFTER INSERT ON catalog_clip REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        """INSERT INTO catalog_clipsearch (clip_id, meta, transcript)
        SELECT id, newsclips_clip_meta(title, description, language, channel_id),
               newsclips_clip_transcript(id) FROM changed
        ON CONFLICT (clip_id) DO UPDATE
        SET meta = EXCLUDED.meta, transcript = EXCLUDED.transcript;""",
    ),
    "catalog_clip_search_update": (
        """AFTER UPDATE OF title, description, language, channel_id ON catalog_clip FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM
              NEW.description OR OLD.language IS DISTINCT FROM NEW.language
              OR OLD.channel_id IS DISTINCT FROM NEW.channel_id)""",
        """UPDATE catalog_clipsearch SET
          meta = newsclips_clip_meta(NEW.title, NEW.description, NEW.language, NEW.channel_id)
        WHERE clip_id = NEW.id;""",
    ),
    "catalog_clip_search_delete": (
        "AFTER DELETE ON catalog_clip REFERENCING OLD TABLE AS changed FOR EACH STATEMENT",
        "DELETE FROM catalog_clipsearch WHERE clip_id IN (SELECT id FROM changed);",
    ),
    "catalog_clip_search_truncate": (
        "AFTER TRUNCATE ON catalog_clip FOR EACH STATEMENT",
        "TRUNCATE catalog_clipsearch;",
    ),
    "catalog_tag_search_insert": (
        "AFTER INSERT ON catalog_tag REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        f"""INSERT INTO catalog_tagsearch (tag_id, document)
        SELECT id, {_TAG_DOCUMENT} FROM changed
        ON CONFLICT (tag_id) DO UPDATE SET document = EXCLUDED.document;""",
    ),
    "catalog_tag_search_update": (
        "AFTER UPDATE OF slug ON catalog_tag FOR EACH ROW",
        f"""UPDATE catalog_tagsearch SET document = (SELECT {_TAG_DOCUMENT}
          FROM catalog_tag WHERE id = NEW.id) WHERE tag_id = NEW.id;""",
    ),
    "catalog_tag_search_delete": (
        "AFTER DELETE ON catalog_tag REFERENCING OLD TABLE AS changed FOR EACH STATEMENT",
        "DELETE FROM catalog_tagsearch WHERE tag_id IN (SELECT id FROM changed);",
    ),
    "catalog_tag_search_truncate": (
        "AFTER TRUNCATE ON catalog_tag FOR EACH STATEMENT",
        "TRUNCATE catalog_tagsearch;",
    ),
    "catalog_channel_search_update": (
        "AFTER UPDATE OF name ON catalog_channel FOR EACH ROW "
        "WHEN (OLD.name IS DISTINCT FROM NEW.name)",
        """UPDATE catalog_clipsearch s
        SET meta = newsclips_clip_meta(c.title, c.description, c.language, c.channel_id)
        FROM catalog_clip c WHERE c.id = s.clip_id AND c.channel_id = NEW.id;""",
    ),
    "catalog_boilerplate_search_change": (
        "AFTER INSERT OR UPDATE OR DELETE ON catalog_channelboilerplate FOR EACH ROW",
        """IF TG_OP = 'UPDATE' AND OLD.lines IS NOT DISTINCT FROM NEW.lines THEN
          RETURN NULL;
        END IF;
        UPDATE catalog_clipsearch s
        SET meta = newsclips_clip_meta(c.title, c.description, c.language, c.channel_id)
        FROM catalog_clip c WHERE c.id = s.clip_id
          AND c.channel_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.channel_id
                              ELSE NEW.channel_id END);""",
    ),
    "catalog_segment_search_insert": (
        "AFTER INSERT ON catalog_transcriptsegment REFERENCING NEW TABLE AS changed "
        "FOR EACH STATEMENT",
        RETRANSCRIBE.format(clips="SELECT clip_id FROM changed"),
    ),
    "catalog_segment_search_update": (
        "AFTER UPDATE OF text, language, clip_id ON catalog_transcriptsegment FOR EACH ROW",
        RETRANSCRIBE.format(clips="OLD.clip_id, NEW.clip_id"),
    ),
    "catalog_segment_search_delete": (
        "AFTER DELETE ON catalog_transcriptsegment REFERENCING OLD TABLE AS changed "
        "FOR EACH STATEMENT",
        RETRANSCRIBE.format(clips="SELECT clip_id FROM changed"),
    ),
    "catalog_segment_search_truncate": (
        "AFTER TRUNCATE ON catalog_transcriptsegment FOR EACH STATEMENT",
        "UPDATE catalog_clipsearch SET transcript = '' WHERE transcript <> '';",
    ),
}


def create_triggers(cursor, triggers):
    """Each trigger of `triggers` (name -> (definition after the name, plpgsql body)) with
    its function of the same name: these, the moments' or the claims'."""
    for name, (definition, body) in triggers.items():
        cursor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        cursor.execute(f"CREATE TRIGGER {name} {definition} EXECUTE FUNCTION {name}()")


def install(cursor):
    for name, config in _CONFIGS.items():
        cursor.execute(
            f"CREATE TEXT SEARCH DICTIONARY {config}_stem (TEMPLATE = snowball, LANGUAGE = {name})"
        )
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.{name})")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {config} "
            f"ALTER MAPPING FOR {_WORD_TYPES} WITH {config}_stem"
        )
    cursor.execute(_FUNCTIONS)
    cursor.execute(TSQUERY_FUNCTION)
    cursor.execute(_TABLES)
    create_triggers(cursor, _TRIGGERS)
    # What is already catalogued (a no-op on a fresh database).
    cursor.execute(
        """INSERT INTO catalog_clipsearch (clip_id, meta, transcript)
        SELECT id, newsclips_clip_meta(title, description, language, channel_id),
               newsclips_clip_transcript(id)
        FROM catalog_clip"""
    )
    cursor.execute(
        f"INSERT INTO catalog_tagsearch (tag_id, document) SELECT id, {_TAG_DOCUMENT} "
        "FROM catalog_tag"
    )


def drop_triggers(cursor, triggers):
    """Drop each trigger of `triggers` (as for create_triggers) and its function."""
    for name, (definition, _body) in triggers.items():
        table = definition.split(" ON ", 1)[1].split()[0]
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def uninstall(cursor):
    drop_triggers(cursor, _TRIGGERS)
    cursor.execute("DROP TABLE IF EXISTS catalog_clipsearch, catalog_tagsearch")
    cursor.execute("DROP AGGREGATE IF EXISTS newsclips_tsvector_agg(tsvector)")
    cursor.execute(
        "DROP FUNCTION IF EXISTS newsclips_clip_transcript(bigint), "
        "newsclips_clip_meta(text, text, text, bigint), "
        "newsclips_strip_boilerplate(text, jsonb), newsclips_tsquery(text), "
        "newsclips_regconfig(text)"
    )
    for config in _CONFIGS.values():
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}")
        cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {config}_stem")


def optimize(cursor):
    """Fresh planner statistics for the search tables after a bulk load."""
    cursor.execute("ANALYZE catalog_clipsearch, catalog_tagsearch")


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
    return f"SELECT clip_id FROM catalog_clipsearch WHERE {_DOCUMENT} @@ {query}"


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
        f"AND s.{_DOCUMENT} @@ {query} OFFSET 0) LIMIT {int(limit)}"
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
        f"AND s.{_DOCUMENT} @@ {query} OFFSET 0) OR EXISTS (SELECT 1 FROM catalog_cliptag t "
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
        f"AND tablename = 'catalog_clipsearch' AND attname = '{_DOCUMENT}'"
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
        f"(coalesce((SELECT ts_rank({_DOCUMENT}, {query}) FROM catalog_clipsearch "
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
