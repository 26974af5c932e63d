"""SQLite: FTS5 tables kept in sync by triggers.

- catalog_clipsearch (rowid = clip id): a clip's one row: title, channel name,
  description minus channel boilerplate, and since migration 0016 the text of its
  moments and claims (columns `moments`, `claims`), so that one FTS5 `a AND b`
  query finds the clips that hold several words in any of those, as PostgreSQL's
  document does; and `transcribed`, a mark for the clips that have a transcript;
- catalog_tagsearch (rowid = tag id): each tag once, so tagging a clip writes
  nothing to the index (clips are found through catalog_cliptag's tag index);
- catalog_segmentsearch (rowid = clip id * 2^32 + segment id, so that a hit's clip
  is read from the index alone, not looked up: SEGMENT_ROWID; since migration 0016,
  before it rowid = segment id): one row per transcript segment. Not
  in the clip's row: a segment added or removed would rewrite the whole row, so
  storing a transcript of a thousand segments would take seconds, not milliseconds
  (catalog.search.conjunction intersects the clips that have one apart).

They hold stemmed words: the triggers call newsclips_index() and newsclips_part()
(catalog.search.row_parts),
Python functions every connection registers (catalog.apps), because FTS5 has no
German stemmer and Python's sqlite3 cannot add a tokenizer. Writing to the
catalogue from outside Django (the sqlite3 shell) therefore fails with "no such
function" instead of leaving the index stale.

Rows are written once and rarely rewritten: FTS5 merges its segments as it goes
(`optimize()` merges them all after a bulk load), and a fragmented index makes
every lookup slower. A new moment or claim appends its part to its clip's column;
an edit or a deletion re-reads the column from its table (a clip has a few).
"""

import json
from contextlib import nullcontext

from catalog.boilerplate_lines import strip_boilerplate

from . import row_parts
from .stemming import STEMMED_LANGUAGES, index_text

TOKENIZE = "unicode61 remove_diacritics 2"
# A tag has no language: it is indexed plain and by every stemmer.
TAG_COLUMNS = ("plain", *STEMMED_LANGUAGES)
CLIP_COLUMNS = ("title", "channel", "description", "moments", "claims", "transcribed")
TABLES = {
    "catalog_clipsearch": ", ".join(CLIP_COLUMNS),
    "catalog_tagsearch": ", ".join(TAG_COLUMNS),
    "catalog_segmentsearch": "text",
}
# Weights of a hit in the relevance score; a hit elsewhere (channel, description,
# claims, transcript) only decides between equal scores by date.
TITLE, TAGS, MOMENTS = 10, 4, 2

# `transcribed` of a clip that has a transcript: another such token, alone.
_TRANSCRIBED_SQL = "char(57345)"
TRANSCRIBED_MATCH = 'transcribed : "\ue001"'


_CLIP_VALUES = """SELECT c.id, newsclips_index(c.title, c.language),
       newsclips_index(coalesce(ch.name, ''), c.language),
       newsclips_description(c.description, bp.lines, c.language){parts}
FROM catalog_clip c
LEFT JOIN catalog_channel ch ON ch.id = c.channel_id
LEFT JOIN catalog_channelboilerplate bp ON bp.channel_id = c.channel_id
WHERE {where}"""


def fill_sql(where, parts=None):
    """SQL: index the clips that `where` picks from catalog_clip c, replacing their rows;
    `parts`: column -> SQL of its text for clip c.id (a new clip has none)."""
    parts = parts or {}
    columns = ", ".join(["rowid", "title", "channel", "description", *parts])
    values = _CLIP_VALUES.format(
        parts="".join(f",\n       {sql}" for sql in parts.values()), where=where
    )
    return [
        "DELETE FROM catalog_clipsearch WHERE rowid IN "
        f"(SELECT c.id FROM catalog_clip c WHERE {where})",
        f"INSERT INTO catalog_clipsearch ({columns})\n{values}",
    ]


_TAG_VALUES = ", ".join(
    f"newsclips_index(replace({{slug}}, '-', ' '), '{language if language != 'plain' else ''}')"
    for language in TAG_COLUMNS
)
_INDEX_TAG = (
    f"INSERT INTO catalog_tagsearch (rowid, {', '.join(TAG_COLUMNS)}) "
    f"VALUES (NEW.id, {_TAG_VALUES.format(slug='NEW.slug')});"
)

_BOILERPLATE_CHANGED = """UPDATE catalog_clipsearch SET description = newsclips_description(
    (SELECT description FROM catalog_clip WHERE id = catalog_clipsearch.rowid), {lines},
    (SELECT language FROM catalog_clip WHERE id = catalog_clipsearch.rowid))
WHERE rowid IN (SELECT id FROM catalog_clip WHERE channel_id = {channel});"""
# A segment's row, and its clip's id from the row's (segment ids stay below 2^32).
SEGMENT_ROWID = "(({segment}.clip_id << 32) + {segment}.id)"
_CLIP_OF_SEGMENT = "(rowid >> 32)"
_INDEX_SEGMENT = f"""INSERT INTO catalog_segmentsearch (rowid, text)
    VALUES ({SEGMENT_ROWID.format(segment="NEW")}, newsclips_index(NEW.text, NEW.language));
UPDATE catalog_clipsearch SET transcribed = {_TRANSCRIBED_SQL}
    WHERE rowid = NEW.clip_id AND transcribed IS NULL;"""
_UNINDEX_SEGMENT = f"""DELETE FROM catalog_segmentsearch
    WHERE rowid = {SEGMENT_ROWID.format(segment="OLD")};
UPDATE catalog_clipsearch SET transcribed = NULL WHERE rowid = OLD.clip_id
    AND NOT EXISTS (SELECT 1 FROM catalog_transcriptsegment WHERE clip_id = OLD.clip_id);"""

TRIGGERS = {
    "catalog_clip_search_insert": (
        "AFTER INSERT ON catalog_clip",
        "".join(f"{statement};" for statement in fill_sql("c.id = NEW.id")),
    ),
    # Its moments and claims follow a change of language by their own triggers
    # (catalog.search.claim_index); its segments have a language of their own.
    "catalog_clip_search_update": (
        "AFTER UPDATE OF title, description, language, channel_id ON catalog_clip",
        """UPDATE catalog_clipsearch SET title = newsclips_index(NEW.title, NEW.language),
          channel = newsclips_index(coalesce(
            (SELECT name FROM catalog_channel WHERE id = NEW.channel_id), ''), NEW.language),
          description = newsclips_description(NEW.description,
            (SELECT lines FROM catalog_channelboilerplate WHERE channel_id = NEW.channel_id),
            NEW.language)
        WHERE rowid = NEW.id;""",
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
        _UNINDEX_SEGMENT + _INDEX_SEGMENT,
    ),
    "catalog_segment_search_delete": (
        "AFTER DELETE ON catalog_transcriptsegment",
        _UNINDEX_SEGMENT,
    ),
}


# The search index's own version: row 2 of the catalogue version's table, raised by
# every write the index follows (a trigger beside each of the index's own, the
# moments' and the claims' too, on the same event) and by tagging a clip, but not by
# the rest of the catalogue (an availability check, a capture, a confirmed relation,
# a thread), which raises only the catalogue's version. What the index alone decides
# is read once per version of the index (catalog.search.conjunction: each word's clips
# off its text, ~35 ms a common word at 1 M clips), not again after each such write.
VERSION_TABLE = "catalog_catalogueversion"
INDEX_VERSION_ROW = 2
_TAGGING = {
    f"catalog_cliptag_search_{event.lower()}": (f"AFTER {event} ON catalog_cliptag", "")
    for event in ("INSERT", "UPDATE", "DELETE")
}


def index_version_triggers(*more_sets):
    """{name: (when, body)}: a trigger that raises the index's version on the event of
    each index trigger (TRIGGERS and `more_sets`: the moments', the claims'), and on
    tagging a clip."""
    bump = f"UPDATE {VERSION_TABLE} SET version = version + 1 WHERE id = {INDEX_VERSION_ROW};"
    triggers = {}
    for trigger_set in (TRIGGERS, *more_sets, _TAGGING):
        for name, (when, _body) in trigger_set.items():
            triggers[f"{name}_version"] = (when, bump)
    return triggers


def ensure_index_version(cursor, *more_sets):
    """The index version's row and triggers (index_version_triggers()), once the
    version's table exists (a migrate or flush: post_migrate)."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [VERSION_TABLE])
    if not cursor.fetchone():
        return
    cursor.execute(
        f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, version) "
        f"VALUES ({INDEX_VERSION_ROW}, abs(random() % 1000000000000))"
    )
    ensure_triggers(cursor, "catalog_clipsearch", index_version_triggers(*more_sets))


def index_version(connection):
    """The search index's version (None before it has one: the catalogue's decides)."""
    with connection.cursor() as cursor:
        # A fixed statement: the table and row are the constants above.
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = {INDEX_VERSION_ROW}")
        row = cursor.fetchone()
    return row[0] if row else None


def register_functions(dbapi_connection):
    """The Python functions the triggers call; on every new SQLite connection."""
    dbapi_connection.create_function("newsclips_index", 2, _index, deterministic=True)
    dbapi_connection.create_function("newsclips_part", -1, row_parts.part, deterministic=True)
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


def install(cursor, parts=None):
    """The tables, their triggers, and what is already catalogued (a no-op on a fresh
    database); `parts`: the moments' and claims' columns' SQL once those tables exist."""
    for table, columns in TABLES.items():
        cursor.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, tokenize = '{TOKENIZE}')"
        )
    for name in TRIGGERS:
        cursor.execute(trigger_sql(name))
    transcribed = (
        f"CASE WHEN EXISTS (SELECT 1 FROM catalog_transcriptsegment WHERE clip_id = c.id) "
        f"THEN {_TRANSCRIBED_SQL} END"
    )
    for statement in fill_sql("1", {**(parts or {}), "transcribed": transcribed}):
        cursor.execute(statement)
    cursor.execute(
        f"INSERT INTO catalog_tagsearch (rowid, {', '.join(TAG_COLUMNS)}) "
        f"SELECT id, {_TAG_VALUES.format(slug='slug')} FROM catalog_tag"
    )
    cursor.execute(
        f"INSERT INTO catalog_segmentsearch (rowid, text) "
        f"SELECT {SEGMENT_ROWID.format(segment='s')}, newsclips_index(text, language) "
        "FROM catalog_transcriptsegment s"
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


def bulk_load(cursor):
    """Nothing to hold during a bulk load: the FTS rows are written per clip by
    triggers that read only that clip's row (postgres_schema.bulk_load differs)."""
    return nullcontext()


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


_IN_TEXT = "SELECT rowid FROM catalog_clipsearch WHERE catalog_clipsearch MATCH %s"
_TAGGED = (
    "SELECT clip_id FROM catalog_cliptag WHERE tag_id IN "
    "(SELECT rowid FROM catalog_tagsearch WHERE catalog_tagsearch MATCH %s)"
)
_SAID = (
    f"SELECT {_CLIP_OF_SEGMENT} AS clip_id FROM catalog_segmentsearch "
    "WHERE catalog_segmentsearch MATCH %s"
)


def clips_matching_sql(term):
    """SQL (and params) for the ids of clips where the term occurs, anywhere."""
    return f"{_IN_TEXT} UNION {_TAGGED} UNION {_SAID}", [match_string([term])] * 3


def text_conjunction_sql(terms):
    """SQL (and params) for the ids of clips whose row (their own text, moments and
    claims) holds every term: one FTS5 query, its AND done by the index."""
    match = " AND ".join(f"({match_string([term])})" for term in terms)
    return _IN_TEXT, [match]


def off_text_sql(term, limit):
    """SQL (and params) for rows (clip id, kind), each kind up to `limit` rows:
    'said': the clips whose transcript has the term; the clips that match it only by
    a tag, 'x' if the clip has a transcript, else 'rest'; and 'text': the clips with
    a transcript whose row holds it (FTS5 intersects the row's hits with the
    `transcribed` mark: no list of the clips with a transcript is read). The row's
    hits are read for the tags' clips only if the term has some (NOT IN, not EXCEPT)."""
    match = match_string([term])
    limit = int(limit)
    sql = (
        f"SELECT clip_id, 'said' FROM (SELECT DISTINCT clip_id FROM ({_SAID}) LIMIT {limit}) "
        "UNION ALL SELECT clip_id, CASE WHEN EXISTS (SELECT 1 FROM catalog_transcriptsegment s "
        f"WHERE s.clip_id = o.clip_id) THEN 'x' ELSE 'rest' END "
        f"FROM (SELECT DISTINCT clip_id FROM ({_TAGGED}) WHERE clip_id NOT IN ({_IN_TEXT}) "
        f"LIMIT {limit}) AS o "
        f"UNION ALL SELECT rowid, 'text' FROM ({_IN_TEXT} LIMIT {limit})"
    )
    return sql, [match, match, match, f"({match}) AND {TRANSCRIBED_MATCH}"]


def id_set_sql(sql):
    """The ids of `sql` for `id IN (...)`: SQLite reads a subquery's rows once."""
    return sql


# among_sql() walks the list's own index for many matches (conjunction.WALK_ABOVE).
WALKS = True


def among_sql(clip_id_sql, ids_sql, walk):
    """SQL: is the clip among the ids of `ids_sql` (in brackets)? Walking a list's own
    index when the ids are many (`+` keeps SQLite from driving the query with them):
    sorting tens of thousands of looked-up rows by date costs ten times more than a
    page's walk."""
    return f"{'+' if walk else ''}{clip_id_sql} IN {ids_sql}"


def ids_sql(ids):
    """SQL (and params) for a list of ids as rows of one column `value`."""
    return "SELECT value FROM json_each(%s)", [json.dumps([int(pk) for pk in ids])]


# Above this many clips a term's hits are looked up per clip (rowid =): reading them
# all into a lookup table costs more than the rows a page walks.
VERY_COMMON = 50_000


def _in_row(clip_id_sql, per_clip):
    """SQL: is the clip among the rows a MATCH (a parameter) finds? Looked up per clip,
    or against the matches read once (`+` keeps SQLite from driving the query with
    them, so it walks the list's own index)."""
    if per_clip:
        return f"EXISTS ({_IN_TEXT} AND rowid = {clip_id_sql})"
    return f"+{clip_id_sql} IN ({_IN_TEXT})"


def clip_matches_sql(term, clip_id_sql, estimate):
    """SQL (and params): does the clip match the term? For a common term: its row's
    hits read once, or for a very common term looked up per clip; its tags checked
    per clip on catalog_cliptag's index, the cheapest check, first; its transcript
    hits (few) read once."""
    sql = (
        f"(EXISTS (SELECT 1 FROM catalog_cliptag t WHERE t.clip_id = {clip_id_sql} "
        f"AND t.tag_id IN (SELECT rowid FROM catalog_tagsearch WHERE catalog_tagsearch MATCH %s)) "
        f"OR {_in_row(clip_id_sql, estimate > VERY_COMMON)} OR +{clip_id_sql} IN ({_SAID}))"
    )
    return sql, [match_string([term])] * 3


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
    """A relevance score for the clip: a hit in its title, in a tag, in a moment.

    The title's and moments' hits are read once (a lookup per ranked clip costs
    more, above all for phrases) unless the words are common: then their hits are
    many and the ranked clips few (COMMON_RELEVANCE_WINDOW), and one lookup per
    clip is less. The tags are looked up per clip. Not bm25(): it counts each
    phrase's matches over the whole table, again for every ranked row.
    """
    match = f"({match_string(terms)})"
    hit = _in_row(clip_id_sql, common)
    sql = (
        f"((CASE WHEN {hit} THEN {TITLE} ELSE 0 END) + (CASE WHEN EXISTS (SELECT 1 "
        f"FROM catalog_cliptag t WHERE t.clip_id = {clip_id_sql} AND t.tag_id IN (SELECT rowid "
        f"FROM catalog_tagsearch WHERE catalog_tagsearch MATCH %s)) THEN {TAGS} ELSE 0 END) "
        f"+ (CASE WHEN {hit} THEN {MOMENTS} ELSE 0 END))"
    )
    return sql, [f"title : {match}", match, f"moments : {match}"]
