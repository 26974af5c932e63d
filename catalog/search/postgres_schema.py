"""PostgreSQL's search schema: one tsvector row per clip with a GIN index, kept in
sync by triggers; installed by migrations (catalog.search.postgres has the queries).

catalog_clipsearch holds per clip `meta` (title A, channel B, description
without channel boilerplate C) and `transcript` (D) apart, so that a transcript
change re-reads only that part; the GIN index is on their concatenation (a
stored generated column). The `transcript` part also holds the clip's moments
(catalog.search.moment_index) and, since migration 0019, its tags and claims
(catalog.search.postgres_parts): each tag's words from catalog_tagsearch (plain and
by every stemmer), each claim's from catalog_claimsearch.
Each part is stemmed by the clip's (a transcript's) language: German and
English Snowball dictionaries without stop words (so "the election" still needs
both words, as on SQLite), 'simple' for all other languages. Bulk inserts are
indexed per statement (transition tables), so a clip's transcript is read once
per bulk_create, not once per segment.
"""

from contextlib import contextmanager

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
DOCUMENT = "document"

RETRANSCRIBE = """UPDATE catalog_clipsearch SET transcript = newsclips_clip_transcript(clip_id)
WHERE clip_id IN ({clips});"""


def retranscribe_triggers(name, table, update_of=None):
    """The three triggers (as for create_triggers) that re-read the `transcript` part of
    the clips whose rows of `table` (with a clip_id) were inserted, updated or deleted:
    `name`_insert and `name`_delete once per statement (a bulk write reads each clip
    once), `name`_update per row, on the columns `update_of` (else on any)."""
    columns = f" OF {update_of}" if update_of else ""
    return {
        f"{name}_insert": (
            f"AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
            RETRANSCRIBE.format(clips="SELECT clip_id FROM changed"),
        ),
        f"{name}_update": (
            f"AFTER UPDATE{columns} ON {table} FOR EACH ROW",
            RETRANSCRIBE.format(clips="OLD.clip_id, NEW.clip_id"),
        ),
        f"{name}_delete": (
            f"AFTER DELETE ON {table} REFERENCING OLD TABLE AS changed FOR EACH STATEMENT",
            RETRANSCRIBE.format(clips="SELECT clip_id FROM changed"),
        ),
    }


# The documents of `clips` (a table or transition table of catalog_clip rows), written
# whole: when a clip is inserted, and after a bulk load (bulk_load()).
WRITE_DOCUMENTS = """INSERT INTO catalog_clipsearch (clip_id, meta, transcript)
SELECT id, newsclips_clip_meta(title, description, language, channel_id),
       newsclips_clip_transcript(id) FROM {clips}
ON CONFLICT (clip_id) DO UPDATE SET meta = EXCLUDED.meta, transcript = EXCLUDED.transcript"""

# name -> (trigger definition after the name, plpgsql body)
_TRIGGERS = {
    "catalog_clip_search_insert": (
        "AFTER INSERT ON catalog_clip REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        WRITE_DOCUMENTS.format(clips="changed") + ";",
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
    **retranscribe_triggers(
        "catalog_segment_search", "catalog_transcriptsegment", "text, language, clip_id"
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
    cursor.execute(WRITE_DOCUMENTS.format(clips="catalog_clip"))
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


# The triggers that write a new clip's document, and re-read it as each of its parts
# arrives (its row, then its tags, transcript and moments: four times per clip).
DOCUMENT_TRIGGERS = {
    "catalog_clip": "catalog_clip_search_insert",
    "catalog_cliptag": "catalog_cliptag_search_insert",
    "catalog_transcriptsegment": "catalog_segment_search_insert",
    "catalog_moment": "catalog_moment_search_insert",
}
# What newsclips_clip_transcript() and WRITE_DOCUMENTS read.
DOCUMENT_SOURCES = [
    *DOCUMENT_TRIGGERS,
    "catalog_clipsearch",
    "catalog_tagsearch",
    "catalog_claimsearch",
    "catalog_channel",
    "catalog_channelboilerplate",
]


@contextmanager
def bulk_load(cursor):
    """Inside one transaction that adds clips with their parts in bulk: hold the
    DOCUMENT_TRIGGERS and write the documents of the clips added (those with ids
    above every clip's before) once at the end.

    With them, a load of a million clips in batches re-read every clip's parts once
    per table and batch, each statement slower than the last within the one long
    transaction (a 1 M corpus: 400,000 clips in its first hour, and slowing). A part
    added meanwhile to a clip that was there before is not seen. ALTER TABLE is
    transactional: a failed load rolls the triggers back on with everything else.
    """
    if not cursor.db.in_atomic_block:
        raise RuntimeError("bulk_load() belongs inside the load's transaction")
    cursor.execute("SELECT coalesce(max(id), 0) FROM catalog_clip")
    (before,) = cursor.fetchone()
    for table, trigger in DOCUMENT_TRIGGERS.items():
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    yield
    for table, trigger in DOCUMENT_TRIGGERS.items():
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    # The planner's figures for the tables as the load left them (ANALYZE counts this
    # transaction's own rows): from a fresh database's it reckons them empty, and
    # scans a table per clip where an index finds the row.
    cursor.execute(f"ANALYZE {', '.join(DOCUMENT_SOURCES)}")
    # Not "the clips without a document": that plan scans the table it is filling
    # once per clip.
    cursor.execute(WRITE_DOCUMENTS.format(clips="catalog_clip WHERE id > %s"), [before])


def optimize(cursor):
    """Fresh planner statistics for the search tables after a bulk load."""
    cursor.execute("ANALYZE catalog_clipsearch, catalog_tagsearch")
