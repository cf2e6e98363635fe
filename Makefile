# The two commands the README names:
#   make serve   set up, build, serve the site on http://127.0.0.1:8000
#   make test    set up, run every test (what CI runs)
# and the quick loop while working:
#   make check   lint, type-check, and the tests that need no browser or Node.js
# Everything else here is what those need.

PYTHON ?= $(shell scripts/find-python)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: serve test check lint build bench setup clean

serve: setup
	$(BIN)/mkdocs serve --strict -a $(HOST)

test: lint
	$(BIN)/pytest

check: lint
	$(BIN)/pytest -m "not browser and not node and not slow"

lint: setup
	$(BIN)/ruff check checker site_build macros hooks tests benchmarks
	$(BIN)/mypy

build: setup
	$(BIN)/mkdocs build --strict

bench: setup
	$(BIN)/python benchmarks/run.py

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12: see scripts/find-python" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf site build .cache
