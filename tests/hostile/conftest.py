"""Fixtures of the hostile-input and fault tests."""

from .scratch import scratch  # noqa: F401
