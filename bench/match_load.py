"""Bulk loading for bench/match.py: fingerprint rows and the matching index, fast.

The index is loaded the way a bulk load should be: rows sorted by key, the
secondary indexes (and on PostgreSQL the primary key) dropped before and built
once after, PostgreSQL rows through binary COPY straight from numpy, SQLite
without a journal (the load is one transaction into a new file) and with a big
page cache; the connection is closed afterwards, so the queries run with the
app's own settings. Foreign keys are not checked: the clips' other columns play
no part in matching.
"""

import os
import time

import numpy as np

from bench.match_data import AUDIO_STEP, QueryPrint

SOURCES = {1: "thumbnail", 2: "frame", 3: "audio"}


def load_average():
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
PG_TRAILER = (-1).to_bytes(2, "big", signed=True)
PG_ROW = np.dtype([("n", ">i2"), ("l1", ">i4"), ("key", ">i8"), ("l2", ">i4"), ("clip", ">i8")])
BLOCK = 1_000_000
SQLITE_BATCH = 50_000


def prepare(cursor, vendor):
    if vendor == "sqlite":
        for pragma in ("foreign_keys = OFF", "journal_mode = OFF", "synchronous = OFF",
                       "cache_size = -1000000", "temp_store = MEMORY"):  # fmt: skip
            cursor.execute(f"PRAGMA {pragma}")
    else:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers
        cursor.execute("SET maintenance_work_mem = '1GB'")


def finish(cursor, vendor):
    if vendor == "sqlite":
        cursor.execute("PRAGMA journal_mode = WAL")  # as the app runs it


def insert(cursor, vendor, table, columns, rows):
    """Rows (an iterable of lists) into `table`: COPY on PostgreSQL, executemany on SQLite."""
    names = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("%s" for _ in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (this script's names)
    buffer = []
    for row in rows:
        buffer.append(row)
        if len(buffer) >= SQLITE_BATCH:
            cursor.executemany(sql, buffer)
            buffer = []
    if buffer:
        cursor.executemany(sql, buffer)


def load_index(cursor, vendor, keys, owners):
    """Sorted (key, clip) arrays into catalog_matchkey, its indexes dropped and built
    again; returns {"insert_seconds", "index_seconds"}."""
    dropped = _drop_indexes(cursor, vendor)
    started = time.perf_counter()
    if vendor == "postgresql":
        with cursor.cursor.copy(
            'COPY catalog_matchkey ("key", "clip_id") FROM STDIN BINARY'
        ) as copy:
            copy.write(PG_HEADER)
            for start in range(0, len(keys), BLOCK):
                part = np.empty(min(BLOCK, len(keys) - start), dtype=PG_ROW)
                part["n"], part["l1"], part["l2"] = 2, 8, 8
                part["key"], part["clip"] = (
                    keys[start : start + BLOCK],
                    owners[start : start + BLOCK],
                )
                copy.write(part.tobytes())
            copy.write(PG_TRAILER)
    else:
        sql = 'INSERT INTO catalog_matchkey ("key", "clip_id") VALUES (%s, %s)'
        for start in range(0, len(keys), BLOCK):
            block = slice(start, start + BLOCK)
            cursor.executemany(sql, zip(keys[block].tolist(), owners[block].tolist(), strict=True))
    inserted = time.perf_counter()
    for statement in dropped:
        cursor.execute(statement)
    return {
        "insert_seconds": round(inserted - started, 1),
        "index_seconds": round(time.perf_counter() - inserted, 1),
    }


def _drop_indexes(cursor, vendor):
    """Drop catalog_matchkey's indexes but SQLite's primary key (part of the table; the
    sorted rows append to it); returns the statements that build them again."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'catalog_matchkey' AND sql IS NOT NULL"
        )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in found]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'catalog_matchkey'::regclass AND contype = 'p'"
    )
    [(primary, definition)] = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalog_matchkey' "
        "AND indexname <> %s",
        [primary],
    )
    found = cursor.fetchall()
    cursor.execute(f'ALTER TABLE catalog_matchkey DROP CONSTRAINT "{primary}"')
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [
        f'ALTER TABLE catalog_matchkey ADD CONSTRAINT "{primary}" {definition}',
        *(definition for _name, definition in found),
    ]


def analyze(cursor, vendor):
    """Statistics for the planner. PostgreSQL: VACUUM too, so that the visibility map lets
    counting the keys (the stop keys) read the primary key's index alone, in key order."""
    if vendor == "sqlite":
        cursor.execute("PRAGMA analysis_limit = 1000")  # sampled: a full pass reads every row
        cursor.execute("ANALYZE")
    else:
        cursor.execute("VACUUM ANALYZE catalog_matchkey")
        cursor.execute("ANALYZE")


def size(cursor, vendor, index_only=False):
    """Bytes of the database, or of catalog_matchkey with its indexes (and stop keys)."""
    if vendor == "postgresql":
        if index_only:
            cursor.execute(
                "SELECT pg_total_relation_size('catalog_matchkey') "
                "+ pg_total_relation_size('catalog_stopkey')"
            )
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]
    if index_only:
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                "WHERE tbl_name IN ('catalog_matchkey', 'catalog_stopkey'))"
            )
            return cursor.fetchone()[0]
        except Exception:  # dbstat is not compiled into every SQLite
            return None
    cursor.execute("PRAGMA page_count")
    pages = cursor.fetchone()[0]
    cursor.execute("PRAGMA page_size")
    return pages * cursor.fetchone()[0]


def build(connection, thumbs, clips, progress):
    """Store the fingerprint rows, compute the index's keys with catalog.matching's own
    functions, load them and count the stop keys; returns the figures of each step."""
    from django.db import transaction

    from catalog.matching.index import KEY_CAP, keys_of, refresh_stop_keys
    from catalog.matching.keys import THUMBNAIL, key_array

    vendor = connection.vendor
    result = {"load_before_build": load_average(), "build_nice": os.getpriority(os.PRIO_PROCESS, 0)}
    cursor = connection.cursor()
    prepare(cursor, vendor)

    started = time.perf_counter()
    with transaction.atomic():
        insert(cursor, vendor, "catalog_thumbnailhash",
                ["clip_id", "thumbnail_url", "status", "reason", "pdq", "quality",
                 "tool_versions", "computed_at"],
                ([i + 1, "https://i.example.com/t.jpg", "ok", "", t.tobytes(), 90, "{}",
                  "2026-01-01T00:00:00Z"] for i, t in enumerate(thumbs)))  # fmt: skip
        insert(cursor, vendor, "catalog_mediafingerprint",
                ["clip_id", "stored_file_id", "status", "reason", "duration", "frame_step",
                 "frame_hashes", "frame_quality", "audio_step", "audio", "tool_versions",
                 "computed_at"],
                ([i + 1, i + 1, "ok", "", float(len(c.quality)), 1.0, c.frames.tobytes(),
                  c.quality.tobytes(), AUDIO_STEP, c.audio.astype("<u4").tobytes(),
                  "{}", "2026-01-01T00:00:00Z"] for i, c in enumerate(clips)))  # fmt: skip
    result["fingerprint_rows_seconds"] = round(time.perf_counter() - started, 1)
    progress("fingerprint rows stored")

    size_before = size(cursor, vendor)
    started = time.perf_counter()
    keys = [key_array(thumbs, THUMBNAIL).ravel()]
    owners = [np.repeat(np.arange(1, len(thumbs) + 1, dtype=np.int64), keys[0].size // len(thumbs))]
    for i, clip in enumerate(clips):
        keys.append(np.fromiter(keys_of(QueryPrint(clip)), dtype=np.int64))
        owners.append(np.full(len(keys[-1]), i + 1, dtype=np.int64))
    keys, owners = np.concatenate(keys), np.concatenate(owners)
    order = np.lexsort((owners, keys))  # in key order: the B-tree fills page by page
    keys, owners = keys[order], owners[order]
    del order
    result["keys_seconds"] = round(time.perf_counter() - started, 1)
    progress("keys computed and sorted")
    sources, counts = np.unique(keys >> 38, return_counts=True)
    result["rows_by_source"] = {
        SOURCES[int(s)]: int(n) for s, n in zip(sources, counts, strict=True)
    }
    with transaction.atomic():
        result.update(load_index(cursor, vendor, keys, owners))
    progress("index loaded")
    step = time.perf_counter()
    analyze(cursor, vendor)
    result["analyze_seconds"] = round(time.perf_counter() - step, 1)
    step = time.perf_counter()
    result["stop_keys"] = refresh_stop_keys()
    result["key_cap"] = KEY_CAP
    result["stop_keys_seconds"] = round(time.perf_counter() - step, 1)
    finish(cursor, vendor)
    result["index_rows"] = len(keys)
    result["build_seconds"] = round(time.perf_counter() - started, 1)
    result["index_bytes"] = size(cursor, vendor, index_only=True) or (
        size(cursor, vendor) - size_before
    )
    result["load_after_build"] = load_average()
    progress("index built")
    del keys, owners
    cursor.close()
    connection.close()  # the queries run on a new connection, with the app's settings
    return result
