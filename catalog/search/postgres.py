"""PostgreSQL: tsvector tables with GIN indexes, kept in sync by triggers.

catalog_clipsearch holds per clip `meta` (title A, channel B, description
without channel boilerplate C) and `tags` (B) apart, so that a tag change
re-reads only the tags; the GIN index is on meta || tags. catalog_segmentsearch
holds one tsvector per transcript segment. Each is stemmed by the clip's (the
segment's) language: German and English Snowball dictionaries without stop
words (so "the election" still needs both words, as on SQLite), 'simple' for
all other languages. Bulk inserts are indexed per statement (transition tables).
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

CREATE FUNCTION newsclips_tsquery(words text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT phraseto_tsquery('simple', words) || phraseto_tsquery('newsclips_german', words)
      || phraseto_tsquery('newsclips_english', words)
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

CREATE FUNCTION newsclips_clip_tags(clip bigint, language text) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector(newsclips_regconfig(language),
           coalesce(string_agg(replace(t.slug, '-', ' '), ' '), '')), 'B')
  FROM catalog_cliptag ct JOIN catalog_tag t ON t.id = ct.tag_id WHERE ct.clip_id = clip
$$;
"""

_TABLES = """
CREATE TABLE catalog_clipsearch (
  clip_id bigint PRIMARY KEY,
  meta tsvector NOT NULL,
  tags tsvector NOT NULL DEFAULT ''
);
CREATE INDEX catalog_clipsearch_document_idx ON catalog_clipsearch USING gin ((meta || tags));
CREATE TABLE catalog_segmentsearch (
  segment_id bigint PRIMARY KEY,
  clip_id bigint NOT NULL,
  document tsvector NOT NULL
);
CREATE INDEX catalog_segmentsearch_document_idx ON catalog_segmentsearch USING gin (document);
CREATE INDEX catalog_segmentsearch_clip_idx ON catalog_segmentsearch (clip_id);
"""

# name -> (trigger definition after the name, plpgsql body)
_TRIGGERS = {
    "catalog_clip_search_insert": (
        "AFTER INSERT ON catalog_clip REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        """INSERT INTO catalog_clipsearch (clip_id, meta, tags)
        SELECT id, newsclips_clip_meta(title, description, language, channel_id),
               newsclips_clip_tags(id, language) FROM changed
        ON CONFLICT (clip_id) DO UPDATE SET meta = EXCLUDED.meta, tags = EXCLUDED.tags;""",
    ),
    "catalog_clip_search_update": (
        """AFTER UPDATE OF title, description, language, channel_id ON catalog_clip FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM
              NEW.description OR OLD.language IS DISTINCT FROM NEW.language
              OR OLD.channel_id IS DISTINCT FROM NEW.channel_id)""",
        """UPDATE catalog_clipsearch SET
          meta = newsclips_clip_meta(NEW.title, NEW.description, NEW.language, NEW.channel_id),
          tags = newsclips_clip_tags(NEW.id, NEW.language)
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
    "catalog_cliptag_search_insert": (
        "AFTER INSERT ON catalog_cliptag REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        """UPDATE catalog_clipsearch s SET tags = newsclips_clip_tags(s.clip_id, c.language)
        FROM catalog_clip c WHERE c.id = s.clip_id
          AND s.clip_id IN (SELECT clip_id FROM changed);""",
    ),
    "catalog_cliptag_search_delete": (
        "AFTER DELETE ON catalog_cliptag REFERENCING OLD TABLE AS changed FOR EACH STATEMENT",
        """UPDATE catalog_clipsearch s SET tags = newsclips_clip_tags(s.clip_id, c.language)
        FROM catalog_clip c WHERE c.id = s.clip_id
          AND s.clip_id IN (SELECT clip_id FROM changed);""",
    ),
    "catalog_cliptag_search_update": (
        "AFTER UPDATE OF clip_id, tag_id ON catalog_cliptag FOR EACH ROW",
        """UPDATE catalog_clipsearch s SET tags = newsclips_clip_tags(s.clip_id, c.language)
        FROM catalog_clip c WHERE c.id = s.clip_id AND s.clip_id IN (OLD.clip_id, NEW.clip_id);""",
    ),
    "catalog_tag_search_update": (
        "AFTER UPDATE OF slug ON catalog_tag FOR EACH ROW "
        "WHEN (OLD.slug IS DISTINCT FROM NEW.slug)",
        """UPDATE catalog_clipsearch s SET tags = newsclips_clip_tags(s.clip_id, c.language)
        FROM catalog_clip c WHERE c.id = s.clip_id
          AND s.clip_id IN (SELECT clip_id FROM catalog_cliptag WHERE tag_id = NEW.id);""",
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
        """INSERT INTO catalog_segmentsearch (segment_id, clip_id, document)
        SELECT id, clip_id, to_tsvector(newsclips_regconfig(language), text) FROM changed
        ON CONFLICT (segment_id) DO UPDATE
        SET clip_id = EXCLUDED.clip_id, document = EXCLUDED.document;""",
    ),
    "catalog_segment_search_update": (
        "AFTER UPDATE OF text, language, clip_id ON catalog_transcriptsegment FOR EACH ROW",
        """UPDATE catalog_segmentsearch SET clip_id = NEW.clip_id,
          document = to_tsvector(newsclips_regconfig(NEW.language), NEW.text)
        WHERE segment_id = NEW.id;""",
    ),
    "catalog_segment_search_delete": (
        "AFTER DELETE ON catalog_transcriptsegment REFERENCING OLD TABLE AS changed "
        "FOR EACH STATEMENT",
        "DELETE FROM catalog_segmentsearch WHERE segment_id IN (SELECT id FROM changed);",
    ),
    "catalog_segment_search_truncate": (
        "AFTER TRUNCATE ON catalog_transcriptsegment FOR EACH STATEMENT",
        "TRUNCATE catalog_segmentsearch;",
    ),
}

_TABLE_OF_TRIGGER = {
    name: definition.split(" ON ", 1)[1].split()[0] for name, (definition, _b) in _TRIGGERS.items()
}


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
    cursor.execute(_TABLES)
    for name, (definition, body) in _TRIGGERS.items():
        cursor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        cursor.execute(f"CREATE TRIGGER {name} {definition} EXECUTE FUNCTION {name}()")
    # What is already catalogued (a no-op on a fresh database).
    cursor.execute(
        """INSERT INTO catalog_clipsearch (clip_id, meta, tags)
        SELECT id, newsclips_clip_meta(title, description, language, channel_id),
               newsclips_clip_tags(id, language) FROM catalog_clip"""
    )
    cursor.execute(
        """INSERT INTO catalog_segmentsearch (segment_id, clip_id, document)
        SELECT id, clip_id, to_tsvector(newsclips_regconfig(language), text)
        FROM catalog_transcriptsegment"""
    )


def uninstall(cursor):
    for name, table in _TABLE_OF_TRIGGER.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
    cursor.execute("DROP TABLE IF EXISTS catalog_clipsearch, catalog_segmentsearch")
    cursor.execute(
        "DROP FUNCTION IF EXISTS newsclips_clip_tags(bigint, text), "
        "newsclips_clip_meta(text, text, text, bigint), "
        "newsclips_strip_boilerplate(text, jsonb), newsclips_tsquery(text), "
        "newsclips_regconfig(text)"
    )
    for config in _CONFIGS.values():
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}")
        cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {config}_stem")


def optimize(cursor):
    """Fresh planner statistics for the search tables after a bulk load."""
    cursor.execute("ANALYZE catalog_clipsearch, catalog_segmentsearch")


# Queries: a term reaches PostgreSQL as plain text, a parameter of
# phraseto_tsquery() (inside newsclips_tsquery), never as tsquery syntax.


def _tsquery(terms):
    return " || ".join(["newsclips_tsquery(%s)"] * len(terms)), [term.text for term in terms]


def clips_matching_sql(term):
    """SQL (and params) for the ids of clips where the term occurs, text or transcript."""
    query, params = _tsquery([term])
    sql = (
        f"SELECT clip_id FROM catalog_clipsearch WHERE (meta || tags) @@ {query} "
        f"UNION SELECT clip_id FROM catalog_segmentsearch WHERE document @@ {query}"
    )
    return sql, params * 2


def rank_sql(terms, clip_id_sql):
    """ts_rank over title (A), tags and channel (B), description (C); 0 for transcript-only hits."""
    query, params = _tsquery(terms)
    sql = (
        f"coalesce((SELECT ts_rank(meta || tags, {query}) FROM catalog_clipsearch "
        f"WHERE clip_id = {clip_id_sql}), 0)"
    )
    return sql, params
