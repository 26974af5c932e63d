"""Moments in the full-text index, installed by migration 0009_moments.

SQLite: a clip's moments' titles and descriptions are the `moments` column of its
row in catalog_clipsearch (catalog.search.sqlite; since migration 0016, before it
they had an FTS5 table of their own, catalog_momentsearch), kept by triggers,
stemmed by the moment's language or else its clip's.
PostgreSQL: the moments' titles and descriptions join the clip's `transcript`
tsvector at weight B (after the title, A; before the description, C, and what is
said, D), so the one GIN index finds them and ts_rank weighs them; their triggers
re-read the clip's part as transcript segments' do.

Apart from catalog.search.sqlite/.postgres because migration 0002 installs
those before catalog_moment exists.
"""

from . import postgres_schema, row_parts, sqlite
from .postgres_schema import RETRANSCRIBE, retranscribe_triggers

LEGACY_TABLE = "catalog_momentsearch"
_TABLE = "catalog_moment"
PART = f"newsclips_part({row_parts.language_sql('r')}, r.title, r.description)"
_NEW_PART = f"newsclips_part({row_parts.language_sql('NEW')}, NEW.title, NEW.description)"


def reread_sql(clips):
    """SQL: the `moments` column of the clips `clips` (an SQL list or subquery) again."""
    return row_parts.reread_parts_sql("moments", clips, _TABLE, PART)


SQLITE_TRIGGERS = {
    "catalog_moment_search_insert": (
        "AFTER INSERT ON catalog_moment",
        row_parts.append_part_sql("moments", "NEW.clip_id", _NEW_PART),
    ),
    "catalog_moment_search_update": (
        "AFTER UPDATE OF title, description, language, clip_id ON catalog_moment",
        reread_sql("OLD.clip_id, NEW.clip_id"),
    ),
    "catalog_moment_search_delete": ("AFTER DELETE ON catalog_moment", reread_sql("OLD.clip_id")),
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


def transcript_function(more=""):
    """SQL: newsclips_clip_transcript() with the moments, and `more` parts after them
    (catalog.search.postgres_parts adds tags and claims)."""
    return _TRANSCRIPT.format(moments=_MOMENTS + more)


POSTGRES_TRIGGERS = retranscribe_triggers(
    "catalog_moment_search", _TABLE, "title, description, language, clip_id"
)


def install(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.register_on(connection)
            for name in SQLITE_TRIGGERS:
                cursor.execute(sqlite.trigger_sql(name, SQLITE_TRIGGERS))
            cursor.execute(reread_sql("SELECT clip_id FROM catalog_moment"))
        else:
            cursor.execute(transcript_function())
            postgres_schema.create_triggers(cursor, POSTGRES_TRIGGERS)
            cursor.execute(RETRANSCRIBE.format(clips="SELECT DISTINCT clip_id FROM catalog_moment"))


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.drop_triggers(cursor, SQLITE_TRIGGERS)
            cursor.execute(f"DROP TABLE IF EXISTS {LEGACY_TABLE}")
            cursor.execute(
                "UPDATE catalog_clipsearch SET moments = NULL "
                "WHERE rowid IN (SELECT clip_id FROM catalog_moment)"
            )
        else:
            postgres_schema.drop_triggers(cursor, POSTGRES_TRIGGERS)
            cursor.execute(_TRANSCRIPT.format(moments=""))
            cursor.execute(RETRANSCRIBE.format(clips="SELECT DISTINCT clip_id FROM catalog_moment"))


def ensure_triggers(cursor):
    """Re-create triggers a later migration dropped (SQLite rebuilds a table to alter it)."""
    sqlite.ensure_triggers(cursor, "catalog_clipsearch", SQLITE_TRIGGERS)
