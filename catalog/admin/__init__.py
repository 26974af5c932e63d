"""The editors' tool: model admins (catalog.py), the page-text import (imports.py),
imports from the web with their jobs and followed sources (web_imports.py), the
relations' review queue (relations.py) and story threads (threads.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import catalog, threads  # noqa: F401  (registers the model admins)

admin.site.site_header = _("newsclips for editors")
admin.site.site_title = _("newsclips editors")
admin.site.index_title = _("The catalogue")
