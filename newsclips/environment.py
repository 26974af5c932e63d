"""Settings' building blocks: values read from the environment with safe defaults,
the secret key, the database and the cache each made from their variables.

Kept apart from newsclips/settings.py so that the settings stay a list of
decisions, and so that each can be tested on its own.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def secret_key(data_dir):
    """The key from the environment, else one generated once and kept in data_dir.

    A fresh machine then works without setup and without a key in the repository;
    several app servers must share DJANGO_SECRET_KEY instead (docs/deploy.md).
    """
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database(data_dir):
    """DATABASE_URL, else an SQLite file in data_dir, with the options each engine needs."""
    config = dj_database_url.config(
        default=f"sqlite:///{data_dir / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # No parallel workers for a query by default: a page's query then uses one
        # core, as every other request does. On 2 cores a parallel walk for two or
        # three common words took 2-3x as long as a plain one
        # (bench/results/pages-5-sessions-6-7.md).
        workers = env_int("DATABASE_PARALLEL_WORKERS", 0)
        config["OPTIONS"] = {"options": f"-c max_parallel_workers_per_gather={workers}"}
        # psycopg's connection pool: each app server keeps a few warm connections
        # instead of connecting per request (CONN_MAX_AGE must then stay 0).
        if env_bool("DATABASE_POOL", True):
            config["CONN_MAX_AGE"] = 0
            config["OPTIONS"] |= {
                "pool": {
                    "min_size": env_int("DATABASE_POOL_MIN", 2),
                    "max_size": env_int("DATABASE_POOL_MAX", 10),
                    # Seconds a request waits for a connection; then 503 (newsclips/errors.py).
                    "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
                }
            }
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # A connection kept from request to request (per worker thread): opening the file
        # and running the PRAGMAs below cost more than a whole 304 answer or /healthz,
        # and a new connection starts with an empty page cache
        # (bench/results/pages-3-kept.md).
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
        config["OPTIONS"] = {
            # WAL lets readers work while an import writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue on busy_timeout instead of failing
            # half-way with "database is locked".
            # mmap: reads come straight from the OS page cache instead of being copied
            # page by page through read() calls, which halves the facets' scattered id
            # lookups on a big catalogue (bench/browse.py). SQLite caps it at its own maximum.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                f"PRAGMA mmap_size={env_int('DATABASE_SQLITE_MMAP_SIZE', 2**31)};"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


def cache(url):
    """NEWSCLIPS_CACHE_URL: unset, each process its own memory; redis://host:port/db
    (or rediss://, unix://) Redis; db:// (or db://table_name) a table of the database.
    Page fragments, search term estimates and the API's throttle live in it
    (docs/deploy.md: a shared one counts the throttle across app servers)."""
    if not url:
        # Room for the pages, cards and facets of the lists readers use (Django's
        # default, 300, is a few pages' cards); pages are at most 512 KiB, most ~50.
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    scheme, sep, rest = url.partition("://")
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db" and sep:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest.strip("/") or "newsclips_cache",
        }
    raise ImproperlyConfigured(
        f"NEWSCLIPS_CACHE_URL={url!r}: expected redis://host:port/db, rediss://, unix:// or db://"
    )
