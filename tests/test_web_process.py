"""A web process stays light: numpy and PyAV are for the workers' media work.

Loading the app (django.setup(), which autodiscovers the admin, and the URLconf)
must not import them: they cost every web worker ~0.3 s at start and their
memory. The matching and fingerprint tasks are queued from light modules
(catalog.matching.tasks, catalog.fingerprint.tasks); a worker imports the work
when it runs one.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "av", "pdqhash")

LOAD_THE_APP = """
import importlib, json, sys
import django
django.setup()
from django.conf import settings
from django.urls import get_resolver
importlib.import_module(settings.ROOT_URLCONF)
get_resolver().url_patterns
import catalog.matching.tasks, catalog.fingerprint.tasks
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def loaded_modules(code):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_loading_the_web_app_imports_no_media_code():
    assert loaded_modules(LOAD_THE_APP.format(heavy=HEAVY)) == []


def test_the_check_would_see_them():
    code = LOAD_THE_APP.format(heavy=HEAVY).replace(
        "print(", "import catalog.matching.suggest\nprint("
    )
    assert loaded_modules(code) == ["av", "numpy", "pdqhash"]
