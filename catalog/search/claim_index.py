"""Claims in the full-text index, installed by migration 0014_claim_search.

A claim is found by its text and its claimant: on the claims page, its feed and
the API (search() of a Claim queryset), and its clip through it, as through a
moment. SQLite: catalog_claimsearch (FTS5, rowid = claim id: text, claimant,
clip_id) for the claims, and the `claims` column of the clip's row in
catalog_clipsearch (since migration 0016) for its clip, kept by the same
triggers as the moments' column. PostgreSQL: catalog_claimsearch
(one tsvector per claim, text at A, claimant at B; GIN), kept by triggers.

A claim or moment without a language of its own is stemmed by its clip's
language, so a change of that language re-indexes them (the triggers on
catalog_clip here; before 0011 nothing did).
"""

from . import moment_index, postgres_schema, row_parts, sqlite
from .postgres_schema import RETRANSCRIBE

TABLE = "catalog_claimsearch"
# --- SQLite ------------------------------------------------------------------------

_SQLITE_VALUES = (
    "SELECT {row}.id, newsclips_index({row}.text, {language}), "
    "newsclips_index({row}.claimant, {language}), {row}.clip_id"
)
_SQLITE_INSERT = f"INSERT INTO {TABLE} (rowid, text, claimant, clip_id) "
_INDEX_CLAIM = (
    _SQLITE_INSERT + _SQLITE_VALUES.format(row="NEW", language=row_parts.language_sql("NEW")) + ";"
)
_UNINDEX = f"DELETE FROM {TABLE} WHERE rowid = OLD.id;"
# Its clip's `claims` column: each claim's text and claimant.
_PART = "newsclips_part({language}, {row}.text, {row}.claimant)"
PART = _PART.format(row="r", language=row_parts.language_sql("r"))


def _reread(clips):
    return row_parts.reread_parts_sql("claims", clips, "catalog_claim", PART)


# The claims and moments of the clip that take its language, indexed again in the new one.
_RESTEM = (
    f"""DELETE FROM {TABLE} WHERE rowid IN
  (SELECT id FROM catalog_claim WHERE clip_id = NEW.id AND language = '');
{_SQLITE_INSERT}{_SQLITE_VALUES.format(row="c", language="NEW.language")}
  FROM catalog_claim c WHERE c.clip_id = NEW.id AND c.language = '';"""
    + _reread("NEW.id")
    + moment_index.reread_sql("NEW.id")
)
SQLITE_TRIGGERS = {
    "catalog_claim_search_insert": (
        "AFTER INSERT ON catalog_claim",
        _INDEX_CLAIM
        + row_parts.append_part_sql(
            "claims", "NEW.clip_id", _PART.format(row="NEW", language=row_parts.language_sql("NEW"))
        ),
    ),
    "catalog_claim_search_update": (
        "AFTER UPDATE OF text, claimant, language, clip_id ON catalog_claim",
        _UNINDEX + _INDEX_CLAIM + _reread("OLD.clip_id, NEW.clip_id"),
    ),
    "catalog_claim_search_delete": (
        "AFTER DELETE ON catalog_claim",
        _UNINDEX + _reread("OLD.clip_id"),
    ),
    "catalog_clip_language_restem": (
        "AFTER UPDATE OF language ON catalog_clip WHEN OLD.language IS NOT NEW.language",
        _RESTEM,
    ),
}

# --- PostgreSQL --------------------------------------------------------------------

_FUNCTION = """
CREATE FUNCTION newsclips_claim_document(text text, claimant text, language text, clip bigint)
RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector(newsclips_regconfig(l), text), 'A')
      || setweight(to_tsvector(newsclips_regconfig(l), claimant), 'B')
  FROM (SELECT coalesce(nullif(language, ''),
                        (SELECT c.language FROM catalog_clip c WHERE c.id = clip)) AS l) AS lang
$$;
CREATE TABLE catalog_claimsearch (
  claim_id bigint PRIMARY KEY,
  clip_id bigint NOT NULL,
  document tsvector NOT NULL
);
CREATE INDEX catalog_claimsearch_document_idx ON catalog_claimsearch USING gin (document);
CREATE INDEX catalog_claimsearch_clip_idx ON catalog_claimsearch (clip_id);
"""
_DOCUMENT = "newsclips_claim_document({row}.text, {row}.claimant, {row}.language, {row}.clip_id)"
_UPSERT = f"""INSERT INTO {TABLE} (claim_id, clip_id, document)
  SELECT c.id, c.clip_id, {_DOCUMENT.format(row="c")} FROM {{rows}} c
  ON CONFLICT (claim_id) DO UPDATE
  SET clip_id = EXCLUDED.clip_id, document = EXCLUDED.document;"""
POSTGRES_TRIGGERS = {
    "catalog_claim_search_insert": (
        "AFTER INSERT ON catalog_claim REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        _UPSERT.format(rows="changed"),
    ),
    "catalog_claim_search_update": (
        "AFTER UPDATE OF text, claimant, language, clip_id ON catalog_claim FOR EACH ROW",
        f"""UPDATE {TABLE} SET clip_id = NEW.clip_id, document = {_DOCUMENT.format(row="NEW")}
        WHERE claim_id = NEW.id;""",
    ),
    "catalog_claim_search_delete": (
        "AFTER DELETE ON catalog_claim REFERENCING OLD TABLE AS changed FOR EACH STATEMENT",
        f"DELETE FROM {TABLE} WHERE claim_id IN (SELECT id FROM changed);",
    ),
    "catalog_clip_language_restem": (
        "AFTER UPDATE OF language ON catalog_clip FOR EACH ROW "
        "WHEN (OLD.language IS DISTINCT FROM NEW.language)",
        f"""UPDATE {TABLE} s SET document = {_DOCUMENT.format(row="c")}
        FROM catalog_claim c WHERE c.id = s.claim_id AND c.clip_id = NEW.id AND c.language = '';
        """
        + RETRANSCRIBE.format(
            clips="SELECT clip_id FROM catalog_moment WHERE clip_id = NEW.id AND language = ''"
        ),
    ),
}


def install(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.register_on(connection)
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, claimant, clip_id UNINDEXED, "
                f"tokenize = '{sqlite.TOKENIZE}')"
            )
            for name in SQLITE_TRIGGERS:
                cursor.execute(sqlite.trigger_sql(name, SQLITE_TRIGGERS, if_not_exists=True))
            language = row_parts.language_sql("c")
            cursor.execute(
                _SQLITE_INSERT
                + _SQLITE_VALUES.format(row="c", language=language)
                + " FROM catalog_claim c"
            )
            cursor.execute(_reread("SELECT clip_id FROM catalog_claim"))
        else:
            cursor.execute(_FUNCTION)
            postgres_schema.create_triggers(cursor, POSTGRES_TRIGGERS)
            cursor.execute(_UPSERT.format(rows="catalog_claim"))


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.drop_triggers(cursor, SQLITE_TRIGGERS)
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(
                "UPDATE catalog_clipsearch SET claims = NULL "
                "WHERE rowid IN (SELECT clip_id FROM catalog_claim)"
            )
            return
        postgres_schema.drop_triggers(cursor, POSTGRES_TRIGGERS)
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute("DROP FUNCTION IF EXISTS newsclips_claim_document(text, text, text, bigint)")


def ensure_triggers(cursor):
    """Re-create triggers a later migration dropped (SQLite rebuilds a table to alter it)."""
    sqlite.ensure_triggers(cursor, TABLE, SQLITE_TRIGGERS)


def optimize(cursor):
    """After a bulk load (SQLite): one segment for the claims' index too."""
    cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")


# --- Queries -----------------------------------------------------------------------


def claims_matching_sql(vendor, term):
    """SQL (and params) for the ids of claims whose text or claimant has the term."""
    if vendor == "sqlite":
        return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [sqlite.match_string([term])]
    return f"SELECT claim_id FROM {TABLE} WHERE document @@ newsclips_tsquery(%s)", [term.text]
