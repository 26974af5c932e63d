"""Shared by `make serve` (scripts/serve) and gunicorn.conf.py: no production process with DEBUG."""

import os

TRUTHY = {"1", "true", "yes", "on"}


def refuse_debug():
    """Stop here if DJANGO_DEBUG would turn DEBUG on (as newsclips.settings reads it)."""
    value = os.environ.get("DJANGO_DEBUG", "")
    if value.strip().lower() in TRUTHY:
        raise SystemExit(
            f"refusing to serve with DJANGO_DEBUG={value!r}: DEBUG shows tracebacks and settings "
            "to every visitor. Unset DJANGO_DEBUG (use `make run` for local development)."
        )
