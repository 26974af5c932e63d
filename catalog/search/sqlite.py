"""SQLite: FTS5 tables kept in sync by triggers.

- catalog_clipsearch (rowid = clip id): title, channel name, description minus
  channel boilerplate; written when a clip is stored, changed or its channel renamed;
- catalog_tagsearch (rowid = tag id): each tag once, so tagging a clip writes
  nothing to the index (clips are found through catalog_cliptag's tag index);
- catalog_segmentsearch (rowid = segment id): one row per transcript segment.

They hold stemmed words: the triggers call newsclips_index(), a Python function
every connection registers (catalog.apps), because FTS5 has no German stemmer
and Python's sqlite3 cannot add a tokenizer. Writing to the catalogue from
outside Django (the sqlite3 shell) therefore fails with "no such function"
instead of leaving the index stale.

Rows are written once and rarely rewritten: FTS5 merges its segments as it goes
(`optimize()` merges them all after a bulk load), and a fragmented index makes
every lookup slower.
"""

import json

from catalog.boilerplate_lines import strip_boilerplate

from .stemming import STEMMED_LANGUAGES, index_text

TOKENIZE = "unicode61 remove_diacritics 2"
# A tag has no language: it is indexed plain and by every stemmer.
TAG_COLUMNS = ("plain", *STEMMED_LANGUAGES)
TABLES = {
    "catalog_clipsearch": "title, channel, description",
    "catalog_tagsearch": ", ".join(TAG_COLUMNS),
    "catalog_segmentsearch": "text, clip_id UNINDEXED",
}
# Weights of a hit in the relevance score; a hit elsewhere (channel, description,
# transcript) only decides between equal scores by date.
TITLE, TAGS, MOMENTS = 10, 4, 2
# Moments' and claims' own indexes (catalog.search.moment_index, .claim_index),
# searched as transcripts are.
_MOMENT_HITS = "SELECT clip_id FROM catalog_momentsearch WHERE catalog_momentsearch MATCH %s"
_CLAIM_HITS = "SELECT clip_id FROM catalog_claimsearch WHERE catalog_claimsearch MATCH %s"

# Re-index whole clips: {where} picks them from catalog_clip c.
_REINDEX = (
    "DELETE FROM catalog_clipsearch WHERE rowid IN (SELECT c.id FROM catalog_clip c WHERE {where})",
    """INSERT INTO catalog_clipsearch (rowid, title, channel, description)
SELECT c.id, newsclips_index(c.title, c.language),
       newsclips_index(coalesce(ch.name, ''), c.language),
       newsclips_description(c.description, bp.lines, c.language)
FROM catalog_clip c
LEFT JOIN catalog_channel ch ON ch.id = c.channel_id
LEFT JOIN catalog_channelboilerplate bp ON bp.channel_id = c.channel_id
WHERE {where}""",
)


def _reindex_statements(where):
    return [statement.format(where=where) for statement in _REINDEX]


def _reindex(where):
    return "".join(f"{statement};" for statement in _reindex_statements(where))


_TAG_VALUES = ", ".join(
    f"newsclips_index(replace({{slug}}, '-', ' '), '{language if language != 'plain' else ''}')"
    for language in TAG_COLUMNS
)
_INDEX_TAG = (
    f"INSERT INTO catalog_tagsearch (rowid, {', '.join(TAG_COLUMNS)}) "
    f"VALUES (NEW.id, {_TAG_VALUES.format(slug='NEW.slug')});"
)
_INDEX_SEGMENT = """INSERT INTO catalog_segmentsearch (rowid, text, clip_id)
    VALUES (NEW.id, newsclips_index(NEW.text, NEW.language), NEW.clip_id);"""

_BOILERPLATE_CHANGED = """UPDATE catalog_clipsearch SET description = newsclips_description(
    (SELECT description FROM catalog_clip WHERE id = catalog_clipsearch.rowid), {lines},
    (SELECT language FROM catalog_clip WHERE id = catalog_clipsearch.rowid))
WHERE rowid IN (SELECT id FROM catalog_clip WHERE channel_id = {channel});"""

TRIGGERS = {
    "catalog_clip_search_insert": (
        "AFTER INSERT ON catalog_clip",
        _reindex("c.id = NEW.id"),
    ),
    "catalog_clip_search_update": (
        "AFTER UPDATE OF title, description, language, channel_id ON catalog_clip",
        _reindex("c.id = NEW.id"),
    ),
    "catalog_clip_search_delete": (
        "AFTER DELETE ON catalog_clip",
        "DELETE FROM catalog_clipsearch WHERE rowid = OLD.id;",
    ),
    "catalog_tag_search_insert": ("AFTER INSERT ON catalog_tag", _INDEX_TAG),
    "catalog_tag_search_update": (
        "AFTER UPDATE OF slug ON catalog_tag",
        "DELETE FROM catalog_tagsearch WHERE rowid = OLD.id;" + _INDEX_TAG,
    ),
    "catalog_tag_search_delete": (
        "AFTER DELETE ON catalog_tag",
        "DELETE FROM catalog_tagsearch WHERE rowid = OLD.id;",
    ),
    "catalog_channel_search_update": (
        "AFTER UPDATE OF name ON catalog_channel WHEN OLD.name IS NOT NEW.name",
        """UPDATE catalog_clipsearch SET channel = newsclips_index(NEW.name,
            (SELECT language FROM catalog_clip WHERE id = catalog_clipsearch.rowid))
        WHERE rowid IN (SELECT id FROM catalog_clip WHERE channel_id = NEW.id);""",
    ),
    "catalog_boilerplate_search_insert": (
        "AFTER INSERT ON catalog_channelboilerplate",
        _BOILERPLATE_CHANGED.format(lines="NEW.lines", channel="NEW.channel_id"),
    ),
    "catalog_boilerplate_search_update": (
        "AFTER UPDATE ON catalog_channelboilerplate WHEN OLD.lines IS NOT NEW.lines",
        _BOILERPLATE_CHANGED.format(lines="NEW.lines", channel="NEW.channel_id"),
    ),
    "catalog_boilerplate_search_delete": (
        "AFTER DELETE ON catalog_channelboilerplate",
        _BOILERPLATE_CHANGED.format(lines="NULL", channel="OLD.channel_id"),
    ),
    "catalog_segment_search_insert": ("AFTER INSERT ON catalog_transcriptsegment", _INDEX_SEGMENT),
    "catalog_segment_search_update": (
        "AFTER UPDATE OF text, language, clip_id ON catalog_transcriptsegment",
        "DELETE FROM catalog_segmentsearch WHERE rowid = OLD.id;" + _INDEX_SEGMENT,
    ),
    "catalog_segment_search_delete": (
        "AFTER DELETE ON catalog_transcriptsegment",
        "DELETE FROM catalog_segmentsearch WHERE rowid = OLD.id;",
    ),
}


def register_functions(dbapi_connection):
    """The Python functions the triggers call; on every new SQLite connection."""
    dbapi_connection.create_function("newsclips_index", 2, _index, deterministic=True)
    dbapi_connection.create_function("newsclips_description", 3, _description, deterministic=True)


def register_on(connection):
    """The functions on a Django connection about to install triggers (a migration's)."""
    connection.ensure_connection()
    register_functions(connection.connection)


def _index(text, language):
    return index_text(text or "", language or "")


def _description(description, stored_lines, language):
    return index_text(strip_boilerplate(description, stored_lines), language or "")


def trigger_sql(name, triggers=TRIGGERS, if_not_exists=False):
    """CREATE TRIGGER for `name` of `triggers` (name -> (when, body)): these, or the moments'."""
    when, body = triggers[name]
    guard = "IF NOT EXISTS " if if_not_exists else ""
    return f"CREATE TRIGGER {guard}{name} {when} BEGIN {body} END"


def install(cursor):
    for table, columns in TABLES.items():
        cursor.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, tokenize = '{TOKENIZE}')"
        )
    for name in TRIGGERS:
        cursor.execute(trigger_sql(name))
    # What is already catalogued (a no-op on a fresh database).
    for statement in _reindex_statements("1"):
        cursor.execute(statement)
    cursor.execute(
        f"INSERT INTO catalog_tagsearch (rowid, {', '.join(TAG_COLUMNS)}) "
        f"SELECT id, {_TAG_VALUES.format(slug='slug')} FROM catalog_tag"
    )
    cursor.execute(
        "INSERT INTO catalog_segmentsearch (rowid, text, clip_id) "
        "SELECT id, newsclips_index(text, language), clip_id FROM catalog_transcriptsegment"
    )


def drop_triggers(cursor, triggers=TRIGGERS):
    """Drop each trigger of `triggers` (the clips', the moments' or the claims')."""
    for name in triggers:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def uninstall(cursor):
    drop_triggers(cursor)
    for table in TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def ensure_triggers(cursor, table="catalog_clipsearch", triggers=TRIGGERS):
    """Re-create triggers a later migration dropped (SQLite rebuilds a table to alter it),
    once their index `table` exists."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [table])
    if cursor.fetchone():
        for name in triggers:
            cursor.execute(trigger_sql(name, triggers, if_not_exists=True))


def optimize(cursor):
    """Merge each index into one segment: fast lookups after a bulk load."""
    for table in TABLES:
        cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


# Queries: every MATCH string is built here from a Term's words, which are
# letters and digits only (text.WORD_RE), each quoted; it is passed as a parameter.


def _quoted(variant):
    return '"' + " ".join(variant).replace('"', '""') + '"'


def match_string(terms):
    """An FTS5 query matching any of the terms (each: any of its stem sequences)."""
    return " OR ".join(_quoted(variant) for term in terms for variant in term.variants)


_TAGGED = (
    "SELECT clip_id FROM catalog_cliptag WHERE tag_id IN "
    "(SELECT rowid FROM catalog_tagsearch WHERE catalog_tagsearch MATCH %s)"
)


def clips_matching_sql(term):
    """SQL (and params) for the ids of clips where the term occurs, anywhere."""
    match = match_string([term])
    sql = (
        "SELECT rowid FROM catalog_clipsearch WHERE catalog_clipsearch MATCH %s "
        f"UNION {_TAGGED} "
        "UNION SELECT clip_id FROM catalog_segmentsearch WHERE catalog_segmentsearch MATCH %s "
        f"UNION {_MOMENT_HITS} UNION {_CLAIM_HITS}"
    )
    return sql, [match] * 5


def text_conjunction_sql(terms):
    """SQL (and params) for the ids of clips whose own text (title, channel,
    description) holds every term: one FTS5 query, its AND done by the index."""
    match = " AND ".join(f"({match_string([term])})" for term in terms)
    return "SELECT rowid FROM catalog_clipsearch WHERE catalog_clipsearch MATCH %s", [match]


# The clips with a transcript, a moment or a claim: their words are indexed apart.
_SPOKEN = (
    "SELECT clip_id FROM catalog_transcriptsegment UNION SELECT clip_id FROM catalog_moment "
    "UNION SELECT clip_id FROM catalog_claim"
)


def off_text_sql(term, limit):
    """SQL (and params) for rows (clip id, kind): up to `limit` clips that match the
    term only elsewhere than in their own text (by a tag, a transcript, a moment or a
    claim), 'x' if the clip has a transcript, moment or claim, else 'rest'; and 'text':
    the clips with a transcript, moment or claim whose text holds the term."""
    match = match_string([term])
    sql = (
        f"WITH x AS MATERIALIZED ({_SPOKEN}) "
        "SELECT clip_id, CASE WHEN clip_id IN x THEN 'x' ELSE 'rest' END FROM ("
        f"{_TAGGED} "
        "UNION SELECT clip_id FROM catalog_segmentsearch WHERE catalog_segmentsearch MATCH %s "
        f"UNION {_MOMENT_HITS} UNION {_CLAIM_HITS} "
        "EXCEPT SELECT rowid FROM catalog_clipsearch WHERE catalog_clipsearch MATCH %s "
        f"LIMIT {int(limit)}) "
        "UNION ALL SELECT rowid, 'text' FROM catalog_clipsearch WHERE catalog_clipsearch "
        "MATCH %s AND rowid IN x"
    )
    return sql, [match] * 6


def id_set_sql(sql):
    """The ids of `sql` for `id IN (...)`: SQLite reads a subquery's rows once."""
    return sql


def ids_sql(ids):
    """SQL (and params) for a list of ids as rows of one column `value`."""
    return "SELECT value FROM json_each(%s)", [json.dumps([int(pk) for pk in ids])]


# Above this many clips a term's metadata hits are looked up per clip (rowid =):
# reading them all into a lookup table costs more than the rows a page walks.
VERY_COMMON = 50_000


def clip_matches_sql(term, clip_id_sql, estimate):
    """SQL (and params): does the clip match the term? For a common term.

    The title/description hits are read once into a lookup table (`+` keeps
    SQLite from driving the query with them, so it walks the list's own index),
    or for a very common term looked up per clip; the transcript hits (few) are
    read once; the tags are checked per clip on catalog_cliptag's index.
    """
    match = match_string([term])
    if estimate > VERY_COMMON:
        clip = (
            f"EXISTS (SELECT 1 FROM catalog_clipsearch WHERE catalog_clipsearch MATCH %s "
            f"AND rowid = {clip_id_sql})"
        )
    else:
        clip = (
            f"+{clip_id_sql} IN (SELECT rowid FROM catalog_clipsearch WHERE catalog_clipsearch "
            "MATCH %s)"
        )
    # The cheapest check first: a clip that carries one of the term's tags is done.
    sql = (
        f"(EXISTS (SELECT 1 FROM catalog_cliptag t WHERE t.clip_id = {clip_id_sql} "
        f"AND t.tag_id IN (SELECT rowid FROM catalog_tagsearch WHERE catalog_tagsearch MATCH %s)) "
        f"OR {clip} OR +{clip_id_sql} IN (SELECT clip_id FROM catalog_segmentsearch WHERE "
        f"catalog_segmentsearch MATCH %s) OR +{clip_id_sql} IN ({_MOMENT_HITS}) "
        f"OR +{clip_id_sql} IN ({_CLAIM_HITS}))"
    )
    return sql, [match] * 5


def matches_estimate(cursor, terms, limit=VERY_COMMON):
    """Per term: its clip hits counted up to `limit`, plus the clips of its tags."""
    columns = (
        f"(SELECT count(*) FROM (SELECT 1 FROM catalog_clipsearch WHERE catalog_clipsearch "
        f"MATCH %s LIMIT {int(limit) + 1})) + (SELECT coalesce(sum(clip_count), 0) "
        "FROM catalog_tag WHERE id IN (SELECT rowid FROM catalog_tagsearch "
        "WHERE catalog_tagsearch MATCH %s))"
    )
    params = [match for term in terms for match in [match_string([term])] * 2]
    cursor.execute("SELECT " + ", ".join([columns] * len(terms)), params)
    return list(cursor.fetchone())


def rank_sql(terms, clip_id_sql, common):
    """A relevance score for the clip: a hit in the title, a hit in a tag.

    The title hits are read once (a lookup per ranked clip costs more, above all
    for phrases) unless the words are common: then their hits are many and the
    ranked clips few (COMMON_RELEVANCE_WINDOW), and one lookup per clip is less.
    The tags are looked up per clip. Not bm25(): it counts each phrase's matches
    over the whole table, again for every ranked row.
    """
    match = f"({match_string(terms)})"
    if common:
        title = (
            f"coalesce((SELECT {TITLE} FROM catalog_clipsearch WHERE catalog_clipsearch "
            f"MATCH %s AND rowid = {clip_id_sql}), 0)"
        )
    else:
        title = (
            f"(CASE WHEN +{clip_id_sql} IN (SELECT rowid FROM catalog_clipsearch WHERE "
            f"catalog_clipsearch MATCH %s) THEN {TITLE} ELSE 0 END)"
        )
    sql = (
        f"({title} + (CASE WHEN EXISTS (SELECT 1 FROM catalog_cliptag t "
        f"WHERE t.clip_id = {clip_id_sql} AND t.tag_id IN (SELECT rowid FROM catalog_tagsearch "
        f"WHERE catalog_tagsearch MATCH %s)) THEN {TAGS} ELSE 0 END) "
        f"+ (CASE WHEN +{clip_id_sql} IN ({_MOMENT_HITS}) THEN {MOMENTS} ELSE 0 END))"
    )
    return sql, [f"title : {match}", match, match]
