# One command installs and starts the demo; one installs and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test test-sqlite test-postgres lint browser-deps bench-deps

$(BIN)/claimops: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/claimops

install: $(BIN)/claimops

demo: install  ## schema + demo data + web app on http://127.0.0.1:8000
	$(BIN)/claimops demo

test: install  ## the whole suite on SQLite and on PostgreSQL (skipped with a reason if no server)
	$(BIN)/python -m pytest

test-sqlite: install
	CLAIMOPS_TEST_DB=sqlite $(BIN)/python -m pytest

test-postgres: install
	CLAIMOPS_TEST_DB=postgresql $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

browser-deps:  ## Debian: the chromium and CJK fonts the browser tests drive (root)
	apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk

bench-deps:  ## Debian: wrk, the load generator of benchmarks/lifecycles_wrk.py (root; never in CI)
	apt-get update -qq && apt-get install -y -qq wrk
