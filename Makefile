# The two commands of the README: `make run` and `make test`.
# Python comes from pyenv (.python-version) or whatever python3 is on PATH (3.12+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-fast lint format migrate demo clean messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "newsclips needs Python 3.12 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.run-deps

migrate: $(VENV)/.run-deps
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py createcachetable

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_demo

## run: set up everything on SQLite with demo data and serve http://127.0.0.1:8000/
## (with the task worker and the periodic checks of followed channels in the background)
run: demo
	@$(DEV_ENV) $(BIN)/python manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	@$(DEV_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	$(DEV_ENV) $(BIN)/python manage.py check_due --every 300 & periodic=$$!; \
	trap 'kill $$worker $$periodic 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## serve: production-style on this machine: collectstatic, migrate, then gunicorn, the task
## worker and the periodic checks (the Procfile), JSON logs on stdout; refuses DJANGO_DEBUG.
## Settings from the environment (docs/deploy.md), e.g. GUNICORN_BIND=0.0.0.0:8000 make serve
serve: $(VENV)/.run-deps
	$(BIN)/python scripts/serve

## test: lint, migration check and the whole pytest suite on SQLite, then on PostgreSQL
test: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest
	@if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then \
		echo "== the same suite on PostgreSQL =="; \
		scripts/test-postgres $(BIN)/pytest -p no:cacheprovider; \
	else \
		echo "PostgreSQL is not installed (apt-get install postgresql): the suite ran on SQLite only"; \
		[ -z "$$CI" ]; \
	fi

## test-fast: the everyday loop: the suite on SQLite without the slow kinds (headless
## Chromium, yt-dlp against the local test site, separate processes, PostgreSQL); pytest
## arguments in ARGS, e.g. make test-fast ARGS="tests/test_search.py -x"
FAST := not browser and not ytdlp and not server and not postgres
test-fast: $(VENV)/.test-deps
	$(BIN)/pytest -q -m "$(FAST)" $(ARGS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## messages: update locale/de/LC_MESSAGES/django.po after changing texts, then compile the .mo
## (needs gettext; the .mo is committed so that running the site does not)
messages: $(VENV)/.test-deps
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l de --no-obsolete --add-location=file --ignore=tests --ignore=bench --ignore=staticfiles --ignore=var
	$(DEV_ENV) $(BIN)/python manage.py compilemessages -l de --ignore=.venv
