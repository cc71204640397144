# Each target makes its own .venv on first use, so a fresh clone needs nothing but
# Python 3.11+ and make. The stamp files re-run pip only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site serve test check lint format bench bench-stages bench-serve clean

site: $(VENV)/.installed
	$(BIN)/cohub build

# The example hub at http://127.0.0.1:8000/, rebuilt and reloaded on every edit.
serve: $(VENV)/.installed
	$(BIN)/cohub serve

check: $(VENV)/.installed
	$(BIN)/cohub check

test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Performance is measured here, as medians over runs, never by a timed unit test.
# cohub against Hugo on the shared corpus (1,000 and 10,000 ideas), in the terms of the
# performance targets; the report is also saved to bench/out/report.md.
bench: $(VENV)/.installed-test
	@command -v hugo >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's hugo, which make bench compares with"; \
	    apt-get update -qq && apt-get install -y -qq hugo >/dev/null; \
	  else \
	    echo "make bench compares with Hugo: install it (sudo apt-get install hugo) and run it again" >&2; \
	    exit 1; \
	  fi; }
	cd bench && ../$(BIN)/python versus_hugo.py

# Where one build's time goes: each stage's share, and a cProfile of one cold build.
bench-stages: $(VENV)/.installed-test
	cd bench && ../$(BIN)/python build_stages.py --profile

bench-serve: $(VENV)/.installed-test
	cd bench && ../$(BIN)/python serve_latency.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# The Nu Html Checker and axe-core, which the suite runs against built sites.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) site node_modules .pytest_cache .ruff_cache
