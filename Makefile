# CoCharter: `make run` starts everything, `make test` runs the whole suite.
# Both install what they need first, and find or start PostgreSQL and Redis (infra/dev/services.py).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := $(PY) infra/dev/services.py exec --
export DJANGO_SETTINGS_MODULE ?= platform_.settings.local

.PHONY: install assets run run-reload test bench lint format migrate messages messages-extract screenshots clean

install: $(VENV)/.installed assets

# The lock (requirements.lock) pins every package; `make lock` refreshes it from pyproject.toml.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	touch $@

lock:
	$(VENV)/bin/uv pip compile --quiet --python $(PY) --extra dev pyproject.toml -o requirements.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend is compiled from its npm package, never copied by hand.
assets: static/build/.built

static/build/.built: node_modules/.installed static/build.mjs $(wildcard static/src/*)
	node static/build.mjs
	touch $@

# Web is gunicorn with the Dockerfile's options, as in production. `make run RELOAD=1` (or
# `make run-reload`) serves with Django's runserver instead, restarting on every code change.
run: install
	$(SERVICES) env RELOAD=$(RELOAD) $(PY) infra/dev/run.py

run-reload: install
	$(SERVICES) env RELOAD=1 $(PY) infra/dev/run.py

test: install
	$(SERVICES) env DJANGO_SETTINGS_MODULE=platform_.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# docs/screenshots/: the main pages as the browser journey (tests/browser/test_journey.py) walks
# them on a new council, at 1280x900 (and the home page at 390 wide). Commit the PNGs it writes.
screenshots: install
	$(SERVICES) env DJANGO_SETTINGS_MODULE=platform_.settings.test REQUIRE_BROWSER=1 SCREENSHOTS=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/browser/test_journey.py

bench: install migrate
	$(SERVICES) $(PY) bench/run_all.py

# Public schema, platform rows, template, then only the councils that lack a migration (in parallel).
migrate: install
	$(SERVICES) $(PY) manage.py migrate_tenants

# Our catalogues (locale/, e.g. allauth's strings in our words). The .mo files are committed, so
# installing needs only Python, npm and make; after editing a .po run this (it needs GNU
# gettext's msgfmt), and commit both. tests/platform_/test_messages.py fails on a stale .mo.
messages:
	$(PY) manage.py compilemessages --ignore '.venv' --ignore 'node_modules'

# After changing words in templates or code: gather them into the Welsh catalogue (new ones come
# in untranslated, so they show in English until translated), then translate, then make messages.
messages-extract:
	$(PY) manage.py makemessages -l cy -e html,txt,py --no-obsolete --ignore '.venv' --ignore 'node_modules' \
		--ignore 'static' --ignore 'staticfiles' --ignore 'tests' --ignore 'bench' --ignore 'infra'

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/build staticfiles
