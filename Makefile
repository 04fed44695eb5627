# actdocs: set up, build, serve and test the site.
# Every target sets up what it needs first; set-up is a fast no-op once done.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE   := node_modules/.installed
CACHE  ?= .cache/actdocs

# Material 9.8 prints an end-of-life banner on every build; it is not a warning.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve site test pdf bench budgets clean

setup: $(STAMP) $(NODE)

# torch first and pinned: the CPU build on disk; an unpinned torch pulls CUDA (GBs).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

site: setup
	$(BIN)/mkdocs build --strict

test: setup
	$(BIN)/pytest

# The printable edition: the site on one page (mkdocs-print.yml, built into site-print/),
# printed by Chromium to site-print/actdocs.pdf, then the PDF's tests (tests/pdf/).
pdf: setup
	$(BIN)/mkdocs build --strict -f mkdocs-print.yml
	$(BIN)/python -m actdocs.pdf --site site-print
	$(BIN)/pytest -n 0 -m pdf tests/pdf

# Cold build, warm rebuild, page weight and `make test` time against the budgets in actdocs/budgets.py.
budgets: setup
	$(BIN)/python -m actdocs.budgets --tests

clean:
	rm -rf site site-print $(CACHE) .pytest_cache

# The full benchmark on DEVICE (auto, cpu or cuda): prints the tables and keeps the JSON
# in data/bench/<device>-<cpu or gpu name>-<threads>t-<UTC date and time>.json for the
# site to show. Record on a quiet machine (see data/bench/README.md).
DEVICE  ?= $(or $(ACTDOCS_DEVICE),auto)
THREADS ?=
bench: setup
	$(BIN)/python -m actdocs bench --device $(DEVICE) $(if $(THREADS),--threads $(THREADS)) --json-dir data/bench
