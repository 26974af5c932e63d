"""The catalogue's version: kept by database triggers, read by the HTTP cache.

Every transaction that writes a table a public page shows (WATCHED) bumps
CatalogueVersion.version, whoever writes: store(), bulk loads, the admin, a
cascading delete, raw SQL. So "same version" means "same catalogue", and a
page's ETag and its cached fragments can be keyed on it without anyone having
to remember to invalidate anything.

SQLite has only per-row triggers; its one writer at a time makes the update of
the single row cheap. PostgreSQL bumps once per transaction, at commit (a
statement trigger notes the transaction, a deferred constraint trigger bumps):
the row is locked last, when the transaction holds every other lock it will
take, so concurrent imports cannot deadlock on it nor wait for each other
mid-way, and the new number becomes visible together with the data it stands for.
"""

import hashlib
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from cachetools import LRUCache
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from catalog.models import CatalogueVersion

# The models whose rows appear on public pages (lists, clip pages, feeds, exports, API).
WATCHED = (
    "Clip",
    "ClipTag",
    "Tag",
    "Channel",
    "ChannelLink",
    "RelatedLink",
    "ClipRevision",
    "AvailabilityCheck",
    "TranscriptSegment",
    "ChannelBoilerplate",
    # The clip page says when a preserved copy was made and its media's SHA-256.
    "Capture",
    "CaptureFile",
    # Moments (with their tags), claims and fact-checks show on clip and tag pages.
    "Moment",
    "Moment_tags",
    "Claim",
    "ClaimReview",
    "MediaReview",
    # Confirmed relations ("Also seen as") and story threads show on clip and thread
    # pages (relations: only the rows of VISIBLE_ROWS).
    "ClipRelation",
    "StoryThread",
    "ThreadClip",
)
# Watched tables whose rows are not all public: a write bumps the version only when
# the row, before or after it, is one readers see. Matching suggests relations by
# the thousand and an editor rejects many; none of that reaches a public page, and a
# bump would throw away every kept page.
VISIBLE_ROWS = {"ClipRelation": "status = 'confirmed'"}
# A catalogue (re)created, e.g. after a flush, starts at a random version, never at
# one a cache may still hold for other contents.
_BUMP = (
    "INSERT INTO {table} (id, version) VALUES (1, {start}) "
    "ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1"
)
SQLITE_START = "abs(random() % 1000000000000)"
POSTGRES_START = "(random() * 1e12)::bigint"

# PostgreSQL: a statement-level trigger on each watched table notes, once per
# transaction, a row in PENDING; that row's deferred constraint trigger bumps the
# version at commit and removes it. One event per transaction, whatever its size.
PENDING = "catalog_version_pending"
POSTGRES_FUNCTIONS = [
    f"CREATE TABLE IF NOT EXISTS {PENDING} (id bigserial PRIMARY KEY)",
    f"""CREATE OR REPLACE FUNCTION catalog_version_touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('catalog.version_touched', true) IS DISTINCT FROM 'on' THEN
            PERFORM set_config('catalog.version_touched', 'on', true);
            INSERT INTO {PENDING} DEFAULT VALUES;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION catalog_version_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {bump};
        DELETE FROM {pending} WHERE id = NEW.id;
        RETURN NULL;
    END $$""",
    f"DROP TRIGGER IF EXISTS catalog_version_commit ON {PENDING}",
    f"""CREATE CONSTRAINT TRIGGER catalog_version_commit AFTER INSERT ON {PENDING}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_version_commit()""",
]


def _tables(apps):
    """{table: the condition on its rows or None} of the watched tables that exist in
    this state of the models: a migration that runs before a watched model was added
    sees fewer; post_migrate then adds the rest."""
    tables = {}
    for name in WATCHED:
        try:
            tables[apps.get_model("catalog", name)._meta.db_table] = VISIBLE_ROWS.get(name)
        except LookupError:
            continue
    return tables


def _row_conditions(visible):
    """Per event, when a row write is one readers see: before (OLD) or after (NEW)."""
    old, new = (f"{row}.{visible}" for row in ("OLD", "NEW"))
    return {"INSERT": new, "UPDATE": f"({old} OR {new})", "DELETE": old}


def trigger_sql(vendor, tables, version_table):
    """The statements that (re)create the triggers; each can run again safely."""
    if vendor == "sqlite":
        # Per row, so the cheapest statement there is (an upsert costs ten times as
        # much in a bulk load): the row itself is made sure of first.
        bump = f"UPDATE {version_table} SET version = version + 1 WHERE id = 1"
        statements = [
            f"INSERT OR IGNORE INTO {version_table} (id, version) VALUES (1, {SQLITE_START})"
        ]
        for table, visible in tables.items():
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"catalog_version_{table}_{event.lower()}"
                when = f"WHEN {_row_conditions(visible)[event]} " if visible else ""
                # Dropped first where a condition applies: an older, unconditional
                # trigger of the same name must not stay.
                statements += [f"DROP TRIGGER IF EXISTS {name}"] if visible else []
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} "
                    f"{when}BEGIN {bump}; END"
                )
        return statements
    if vendor == "postgresql":
        bump = _BUMP.format(table=version_table, start=POSTGRES_START)
        statements = [
            statement.replace("{bump}", bump).replace("{pending}", PENDING)
            for statement in POSTGRES_FUNCTIONS
        ]
        touch = "EXECUTE FUNCTION catalog_version_touch()"
        for table, visible in tables.items():
            statements.append(f"DROP TRIGGER IF EXISTS catalog_version_touch ON {table}")
            if not visible:
                statements.append(
                    f"CREATE TRIGGER catalog_version_touch AFTER INSERT OR UPDATE OR DELETE "
                    f"OR TRUNCATE ON {table} FOR EACH STATEMENT {touch}"
                )
                continue
            # Per row, for the condition; the touch function notes the transaction once.
            for event, when in _row_conditions(visible).items():
                name = f"catalog_version_touch_{event.lower()}"
                statements += [
                    f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                    f"WHEN ({when}) {touch}",
                ]
            statements += [
                f"DROP TRIGGER IF EXISTS catalog_version_touch_truncate ON {table}",
                f"CREATE TRIGGER catalog_version_touch_truncate AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT {touch}",
            ]
        return statements
    raise NotImplementedError(f"catalogue version triggers on {vendor}")


def install_triggers(connection, apps):
    """Create the triggers and the row (a migration, and after every migrate and
    flush: SQLite drops a table's triggers when a migration rebuilds the table, a
    flush empties the version's table too)."""
    version_table = apps.get_model("catalog", "CatalogueVersion")._meta.db_table
    with connection.cursor() as cursor:
        for statement in trigger_sql(connection.vendor, _tables(apps), version_table):
            cursor.execute(statement)


def uninstall_triggers(connection, apps):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS catalog_version_touch() CASCADE")
            cursor.execute(f"DROP TABLE IF EXISTS {PENDING}")
            cursor.execute("DROP FUNCTION IF EXISTS catalog_version_commit() CASCADE")
            return
        for table in _tables(apps):
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS catalog_version_{table}_{event}")
        # And any other trigger that writes the table (the search index's version,
        # catalog.search.sqlite): none may outlive it.
        version_table = apps.get_model("catalog", "CatalogueVersion")._meta.db_table
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
            [f"%UPDATE {version_table} SET%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@dataclass(slots=True)
class VersionRead:
    """A request's read of the catalogue version (version_scope())."""

    remembered: bool  # may it take the version this process read a moment ago?
    version: int | None = None  # once read


# Within a request (newsclips.http_cache opens the scope); None outside any request.
_scope = ContextVar("catalogue_version_scope", default=None)
# The version this process read last and when (time.monotonic()), for
# settings.NEWSCLIPS_VERSION_SECONDS: a revalidation or a kept page is otherwise one
# query, on PostgreSQL a round trip per request whatever the page. A tuple, replaced
# whole: gunicorn's threads read it without a lock.
_last_read = (None, float("-inf"))


@contextmanager
def version_scope(*, remembered=False):
    """Within the block, the catalogue version is read once and then kept: a page
    and every fragment in it belong to the version of its ETag.

    remembered: the version this process read in the last NEWSCLIPS_VERSION_SECONDS
    will do (readers' requests: a change reaches them that much later, well within
    a page's max-age; editors read it each time)."""
    token = _scope.set(VersionRead(remembered))
    try:
        yield
    finally:
        _scope.reset(token)


def current_version():
    """The catalogue's version (a single-row read; once per version_scope())."""
    read = _scope.get()
    if read is None:
        return _read_version()
    if read.version is None:
        read.version = _remembered_version() if read.remembered else _read_version()
    return read.version


def _read_version():
    global _last_read
    version = CatalogueVersion.objects.current()
    _last_read = (version, time.monotonic())
    return version


def _remembered_version():
    version, read_at = _last_read
    if version is None or time.monotonic() - read_at >= settings.NEWSCLIPS_VERSION_SECONDS:
        return _read_version()
    return version


def _fragment_key(parts, index_version=None):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    version = current_version() if index_version is None else f"index-{index_version}"
    return f"newsclips:fragment:{version}:{digest}"


def cached_fragment(parts, compute, timeout, *, index_version=None):
    """compute() once per catalogue version and `parts` (whatever else the result
    depends on: the page, its query, the language), kept `timeout` seconds in the
    default cache, which is shared by the app servers when NEWSCLIPS_CACHE_URL
    names one. An old version's entries are never read again and expire.

    index_version: once per version of the search index instead (a backend's
    index_version(), for what only the index decides), where the backend has one."""
    key = _fragment_key(parts, index_version)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_fragments(parts_list, compute, timeout):
    """cached_fragment() for several fragments at once: one read of the cache for
    all, compute(indexes) -> values for the ones it does not hold, one write."""
    keys = [_fragment_key(parts) for parts in parts_list]
    found = cache.get_many(keys)
    missing = [n for n, key in enumerate(keys) if key not in found]
    if missing:
        computed = dict(zip((keys[n] for n in missing), compute(missing), strict=True))
        cache.set_many(computed, timeout)
        found.update(computed)
    return [found[key] for key in keys]


# A whole page is kept for as long as its facets (the same version rule); pages
# larger than this (a long feed, an export) are built each time instead of
# crowding the cache's entries out.
PAGE_SECONDS = 600
PAGE_MAX_BYTES = 512 * 1024
# In front of a shared cache (NEWSCLIPS_CACHE_URL), each process keeps the pages
# it served last too: a key names its catalogue version, so a copy can never be
# stale, and a repeat then costs no round trip and no unpickling of the page
# (Redis: 3-4 ms of CPU per kept page, against 2.2-2.8 from memory;
# bench/results/pages-4-postgres-words.md).
LOCAL_PAGE_BYTES = 32 * 1024 * 1024
_local_pages = LRUCache(LOCAL_PAGE_BYTES, getsizeof=lambda kept: len(kept[0]) + 1024)
_local_lock = threading.Lock()  # gunicorn's threads share the process's pages


def _shared_cache():
    """Is the default cache another process's (else the local layer would hold
    every page twice)?"""
    return not isinstance(caches["default"], LocMemCache)


def forget_local_pages():
    """Drop this process's copies and the version it read last (a test's fresh
    database starts its versions again)."""
    global _last_read
    with _local_lock:
        _local_pages.clear()
    _last_read = (None, float("-inf"))


def kept_page(etag, path):
    """(content, headers) of the page kept for this ETag and path (the URL and
    whatever else tells its copies apart: newsclips.http_cache.page_key), or None."""
    key = _fragment_key(("page", etag, path))
    if _shared_cache():
        with _local_lock:
            kept = _local_pages.get(key)
        if kept is not None:
            return kept
    kept = cache.get(key)
    if kept is not None and _shared_cache():
        with _local_lock:
            _local_pages[key] = kept
    return kept


def keep_page(etag, path, content, headers):
    """Keep a page for this ETag and path until its version is over."""
    key, kept = _fragment_key(("page", etag, path)), (content, headers)
    cache.set(key, kept, PAGE_SECONDS)
    if _shared_cache():
        with _local_lock:
            _local_pages[key] = kept


def cached_page(view):
    """A public page built once per catalogue version, URL and language, then
    answered from the cache: the same bytes and headers.

    Marks the request (`keep_page`) so that newsclips.http_cache keeps the response
    as the middleware inside it left it, and answers the next requests for the same
    ETag (anonymous, GET or HEAD; release, version and language) and URL before
    any other middleware runs. A response that sets a cookie, used the CSP nonce,
    streams, or is not a 200 is never kept. So a page is never older than the
    catalogue it was built from: the next write makes a new version, and the page
    is built again.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.NEWSCLIPS_PAGE_CACHE:
            request.keep_page = True
        return view(request, *args, **kwargs)

    return wrapper
