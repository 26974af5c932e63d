"""The editors' tool: model admins (catalog.py) and the import pages (imports.py)."""

from . import catalog  # noqa: F401  (registers the model admins)
