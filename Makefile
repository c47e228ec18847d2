# sanwu - set-up and CI plumbing. Plain GNU make.
#
#   make run          install (if needed), migrate, load demo data, collect static files, serve with gunicorn on 127.0.0.1:8000
#                     and run the background task worker beside it (scripts/with-worker.sh; Ctrl-C stops both)
#   make dev          the same data, served by Django's reloading development server on 127.0.0.1:8000, with the worker
#   make test         pytest on SQLite, then on PostgreSQL 15
#   make system-deps  Debian packages (chromium, CJK fonts, harfbuzz-subset, postgresql)
#   make fuzz         schemathesis against the API, deeper (FUZZ_EXAMPLES=50 per operation and role)
#   make postgres     local PostgreSQL 15 with role/db sanwu (password sanwu)
#   make bench        bench/run.py  (BENCH_ARGS=...)
#   make bench-http   bench/http_bench.py: gunicorn and runserver under wrk on the county demo (BENCH_ARGS=...)
#   make clean        remove .venv node_modules var
#
# Variables: PYTEST_ARGS, BENCH_ARGS; DATABASE_URL is passed through to `run`.

SHELL := /bin/bash

# Python keeps its compiled modules (__pycache__), whatever the environment says: without them
# every start of `sanwu`, a test worker or a command a test runs compiles the sources again
# (about 2.5 s each on this machine kind).
unexport PYTHONDONTWRITEBYTECODE

VENV        := .venv
VENV_STAMP  := $(VENV)/.installed
NODE_STAMP  := node_modules/.installed
PG_URL      := postgres://sanwu:sanwu@127.0.0.1:5432/sanwu

PYTEST_ARGS ?=
BENCH_ARGS  ?=

.PHONY: help venv assets run dev system-deps postgres test bench bench-http clean

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

# --- Python -----------------------------------------------------------------

venv: $(VENV_STAMP)

# Creates .venv with a Python >= 3.12 (scripts/find-python.sh) unless a working
# one is already there, then installs the project editable with test extras.
$(VENV_STAMP): pyproject.toml constraints.txt
	@if ! $(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		py=$$(scripts/find-python.sh) || exit 1; \
		echo "venv: creating $(VENV) with $$py"; \
		"$$py" -m venv --clear $(VENV) || exit 1; \
	fi
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

# --- JavaScript assets ------------------------------------------------------

assets: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# --- run --------------------------------------------------------------------

# Uses DATABASE_URL from the environment if set, SQLite in var/ (or SANWU_VAR_DIR) otherwise.
# gunicorn with sanwu/gunicorn_conf.py (4 workers x 2 threads; SANWU_WORKERS, SANWU_THREADS,
# SANWU_BIND change them); WhiteNoise serves the collected files, compressed, with hashed names.
# scripts/with-worker.sh starts `sanwu worker` (django.tasks' database queue) beside it.
STATIC_MANIFEST := $(or $(SANWU_VAR_DIR),var)/static/staticfiles.json
STATIC_SOURCES  := $(shell find src/sanwu -path '*/static/*' -type f 2>/dev/null)

run: venv assets $(STATIC_MANIFEST)
	$(VENV)/bin/sanwu migrate --noinput
	$(VENV)/bin/sanwu demo --if-empty
	exec scripts/with-worker.sh $(VENV)/bin/gunicorn -c python:sanwu.gunicorn_conf

# Collected again only when a static file, a package or the static settings changed.
$(STATIC_MANIFEST): $(STATIC_SOURCES) $(VENV_STAMP) $(NODE_STAMP) src/sanwu/settings.py src/sanwu/core/staticfiles.py
	SANWU_STATIC_COLLECTED=1 $(VENV)/bin/sanwu collectstatic --noinput -v0

# Development: reloads on every change (the worker too: it reloads when DEBUG), static files
# straight from the sources.
dev: venv assets
	$(VENV)/bin/sanwu migrate --noinput
	$(VENV)/bin/sanwu demo --if-empty
	SANWU_DEBUG=$${SANWU_DEBUG:-1} exec scripts/with-worker.sh $(VENV)/bin/sanwu runserver 127.0.0.1:8000

# --- system -----------------------------------------------------------------

system-deps:
	@scripts/system-deps.sh

postgres: system-deps
	@scripts/postgres.sh

# --- test -------------------------------------------------------------------

# pytest-xdist: two workers (two cores), one test file per worker at a time, so that a file's
# tests keep their order and its fixtures' cost is paid on one worker. Each worker has its own
# test database (pytest-django adds _gw0, _gw1). XDIST= runs the suite in one process.
XDIST         ?= -n 2 --dist loadfile
FUZZ_EXAMPLES ?= 50

.PHONY: fuzz

# Runs both suites even if the first fails; fails if either failed. Prints each suite's time.
# The SQLite test database is named per run (settings.py), so two runs in one checkout never
# remove each other's; on PostgreSQL set SANWU_TEST_DB to share a server between runs.
test: system-deps venv assets postgres
	@sqlite_rc=0; pg_rc=0; \
	echo "== SQLite =="; start=$$(date +%s); \
	env -u DATABASE_URL $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS) || sqlite_rc=$$?; \
	sqlite_s=$$(( $$(date +%s) - start )); \
	echo "== PostgreSQL 15 =="; start=$$(date +%s); \
	DATABASE_URL='$(PG_URL)' $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS) || pg_rc=$$?; \
	pg_s=$$(( $$(date +%s) - start )); \
	result() { if [ "$$1" -eq 0 ]; then echo "passed in $$2 s"; else echo "FAILED (pytest exit $$1) in $$2 s"; fi; }; \
	echo "== Results =="; \
	echo "SQLite:        $$(result $$sqlite_rc $$sqlite_s)"; \
	echo "PostgreSQL 15: $$(result $$pg_rc $$pg_s)"; \
	[ $$sqlite_rc -eq 0 ] && [ $$pg_rc -eq 0 ]

# schemathesis only (tests marked fuzz), with FUZZ_EXAMPLES examples per operation and role,
# random seeds and shrinking, on both databases; the roles spread over the workers.
fuzz: system-deps venv assets postgres
	@sqlite_rc=0; pg_rc=0; \
	echo "== SQLite =="; \
	SANWU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) env -u DATABASE_URL $(VENV)/bin/pytest -m fuzz -n 2 --dist load $(PYTEST_ARGS) || sqlite_rc=$$?; \
	echo "== PostgreSQL 15 =="; \
	SANWU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DATABASE_URL='$(PG_URL)' $(VENV)/bin/pytest -m fuzz -n 2 --dist load $(PYTEST_ARGS) || pg_rc=$$?; \
	[ $$sqlite_rc -eq 0 ] && [ $$pg_rc -eq 0 ]

# --- bench ------------------------------------------------------------------

bench: venv
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

# wrk (Debian) is a bench dependency only: installed here, never by `make test`.
bench-http: venv assets
	@scripts/system-deps.sh bench
	$(VENV)/bin/python bench/http_bench.py $(BENCH_ARGS)

# --- clean ------------------------------------------------------------------

clean:
	rm -rf $(VENV) node_modules var
