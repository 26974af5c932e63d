"""Moments in the full-text index, installed by migration 0009_moments.

SQLite: catalog_momentsearch (FTS5, rowid = moment id: title, description,
clip_id), kept by triggers like catalog_segmentsearch, and searched beside it
(catalog.search.sqlite). PostgreSQL: the moments' titles and descriptions join
the clip's `transcript` tsvector at weight B (after the title, A; before the
description, C, and what is said, D), so the one GIN index finds them and
ts_rank weighs them; their triggers re-read the clip's part as transcript
segments' do.

Apart from catalog.search.sqlite/.postgres because migration 0002 installs
those before catalog_moment exists.
"""

from . import postgres, sqlite
from .postgres import RETRANSCRIBE

SQLITE_TABLE = "catalog_momentsearch"
_LANGUAGE = (
    "coalesce(nullif(NEW.language, ''), (SELECT language FROM catalog_clip WHERE id = NEW.clip_id))"
)
_INDEX = f"""INSERT INTO {SQLITE_TABLE} (rowid, title, description, clip_id)
    VALUES (NEW.id, newsclips_index(NEW.title, {_LANGUAGE}),
            newsclips_index(NEW.description, {_LANGUAGE}), NEW.clip_id);"""
_UNINDEX = f"DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id;"
SQLITE_TRIGGERS = {
    "catalog_moment_search_insert": ("AFTER INSERT ON catalog_moment", _INDEX),
    "catalog_moment_search_update": (
        "AFTER UPDATE OF title, description, language, clip_id ON catalog_moment",
        _UNINDEX + _INDEX,
    ),
    "catalog_moment_search_delete": ("AFTER DELETE ON catalog_moment", _UNINDEX),
}

# PostgreSQL: the clip's transcript part (as migration 0002 defines it), and its moments.
_TRANSCRIPT = """
CREATE OR REPLACE FUNCTION newsclips_clip_transcript(clip bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT setweight(coalesce((SELECT newsclips_tsvector_agg(part) FROM (
    SELECT to_tsvector(newsclips_regconfig(language), string_agg(text, ' ' ORDER BY start, id))
    FROM catalog_transcriptsegment WHERE clip_id = clip GROUP BY language
  ) AS tracks(part)), ''), 'D'){moments}
$$;
"""
_MOMENTS = """
  || setweight(coalesce((SELECT newsclips_tsvector_agg(to_tsvector(
       newsclips_regconfig(coalesce(nullif(m.language, ''), c.language)),
       m.title || ' ' || m.description))
     FROM catalog_moment m JOIN catalog_clip c ON c.id = m.clip_id WHERE m.clip_id = clip
  ), ''), 'B')"""
POSTGRES_TRIGGERS = {
    "catalog_moment_search_insert": (
        "AFTER INSERT ON catalog_moment REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
        RETRANSCRIBE.format(clips="SELECT clip_id FROM changed"),
    ),
    "catalog_moment_search_update": (
        "AFTER UPDATE OF title, description, language, clip_id ON catalog_moment FOR EACH ROW",
        RETRANSCRIBE.format(clips="OLD.clip_id, NEW.clip_id"),
    ),
    "catalog_moment_search_delete": (
        "AFTER DELETE ON catalog_moment REFERENCING OLD TABLE AS changed FOR EACH STATEMENT",
        RETRANSCRIBE.format(clips="SELECT clip_id FROM changed"),
    ),
}


def install(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.register_on(connection)
            cursor.execute(
                f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(title, description, "
                f"clip_id UNINDEXED, tokenize = '{sqlite.TOKENIZE}')"
            )
            for name in SQLITE_TRIGGERS:
                cursor.execute(sqlite.trigger_sql(name, SQLITE_TRIGGERS))
            cursor.execute(
                f"INSERT INTO {SQLITE_TABLE} (rowid, title, description, clip_id) "
                "SELECT m.id, newsclips_index(m.title, coalesce(nullif(m.language, ''), "
                "c.language)), newsclips_index(m.description, coalesce(nullif(m.language, ''), "
                "c.language)), m.clip_id "
                "FROM catalog_moment m JOIN catalog_clip c ON c.id = m.clip_id"
            )
        else:
            cursor.execute(_TRANSCRIPT.format(moments=_MOMENTS))
            postgres.create_triggers(cursor, POSTGRES_TRIGGERS)
            cursor.execute(RETRANSCRIBE.format(clips="SELECT DISTINCT clip_id FROM catalog_moment"))


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.drop_triggers(cursor, SQLITE_TRIGGERS)
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
        else:
            postgres.drop_triggers(cursor, POSTGRES_TRIGGERS)
            cursor.execute(_TRANSCRIPT.format(moments=""))
            cursor.execute(RETRANSCRIBE.format(clips="SELECT DISTINCT clip_id FROM catalog_moment"))


def ensure_triggers(cursor):
    """Re-create triggers a later migration dropped (SQLite rebuilds a table to alter it)."""
    sqlite.ensure_triggers(cursor, SQLITE_TABLE, SQLITE_TRIGGERS)


def optimize(cursor):
    """After a bulk load (SQLite): one segment for the moments' index too."""
    cursor.execute(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}) VALUES ('optimize')")
