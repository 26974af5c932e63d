"""SQLite: the parts of a clip's row in catalog_clipsearch (catalog.search.sqlite).

The `moments` and `claims` columns hold one part per moment or claim of the clip
(since migration 0016), stemmed in its language. Their triggers
(catalog.search.moment_index, .claim_index) append a new row's part, and read the
whole column again from its table after an edit or a deletion: a clip has a few.
"""

from .stemming import index_text

# The parts of a column (a clip's segments, moments or claims; a moment's title and
# its description) are joined by a token FTS5 indexes and no query holds (a
# private-use character: token text to unicode61, no word to stemming.WORD_RE), so
# a phrase never spans two parts, as when each had a row of its own.
SEPARATOR = " \ue000 "
_SEPARATOR_SQL = "' ' || char(57344) || ' '"


def part(language, *texts):
    """newsclips_part(): one part, its texts (a moment's title and description) stemmed
    in `language`, apart."""
    return SEPARATOR.join(index_text(text or "", language or "") for text in texts)


def language_sql(row):
    """SQL: the language of a moment or claim `row`: its own, else its clip's."""
    return (
        f"coalesce(nullif({row}.language, ''), "
        f"(SELECT language FROM catalog_clip WHERE id = {row}.clip_id))"
    )


def parts_sql(table, part, clip):
    """SQL: a clip's parts joined: `part` of each row `r` of `table` whose clip is `clip`."""
    return (
        f"(SELECT group_concat(p, {_SEPARATOR_SQL}) FROM (SELECT {part} AS p "
        f"FROM {table} r WHERE r.clip_id = {clip} ORDER BY r.id))"
    )


def append_part_sql(column, clip, part):
    """SQL: one more part (a new row's) at the end of the clip's column."""
    return (
        f"UPDATE catalog_clipsearch SET {column} = CASE WHEN coalesce({column}, '') = '' "
        f"THEN {part} ELSE {column} || {_SEPARATOR_SQL} || {part} END WHERE rowid = {clip};"
    )


def reread_parts_sql(column, clips, table, part):
    """SQL: the column of the clips `clips` (an SQL list or subquery) again from `table`."""
    value = parts_sql(table, part, "catalog_clipsearch.rowid")
    return f"UPDATE catalog_clipsearch SET {column} = {value} WHERE rowid IN ({clips});"
