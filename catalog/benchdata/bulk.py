"""Row loading for the synthetic corpus: bulk inserts with ids assigned up front.

COPY on PostgreSQL, executemany on SQLite; foreign keys validated once per load
on PostgreSQL (see foreign_keys_checked_once). Used by catalog.benchdata.corpus
for clips and by catalog.benchdata.moments for their moments.
"""

from contextlib import contextmanager

from django.db import connection


def insert_rows(cursor, model, columns, rows):
    """Bulk-insert `rows` (tuples in `columns` order): COPY on PostgreSQL, else executemany."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


@contextmanager
def foreign_keys_checked_once(cursor, models):
    """On PostgreSQL, check the loaded rows' foreign keys in one pass per key at the end.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: row by row, millions of
    inserted rows would queue millions of checks (each locking the row it points to)
    for COMMIT, which then takes far longer than the load. Dropping the keys and
    adding them back inside the same transaction validates each key with one join
    instead, and nothing else ever sees the table without them. SQLite's deferred
    checks are a cheap counter; nothing to do there.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [tables],
    )
    keys = cursor.fetchall()
    quote = connection.ops.quote_name
    # Checks queued earlier in the transaction would block ALTER TABLE: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, name, _definition in keys:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    for table, name, definition in keys:
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1
