# comptoir — `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: help demo test test-sqlite test-postgres chaos bench lint fmt clean messages browser-deps

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/comptoir: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

demo: $(BIN)/comptoir ## install, migrate, load the demo retailer, serve web + worker (Ctrl-C stops)
	$(BIN)/comptoir migrate --verbosity 0
	$(BIN)/comptoir load_demo
	$(BIN)/comptoir serve

test: test-sqlite test-postgres ## the whole suite, on SQLite then on PostgreSQL

test-sqlite: $(BIN)/comptoir browser-deps ## the suite on SQLite (the embedded default)
	$(BIN)/pytest

test-postgres: $(BIN)/comptoir browser-deps ## the suite on PostgreSQL (skipped with a notice if unreachable, fails under CI)
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest

chaos: $(BIN)/comptoir ## only the fault tests (tests/chaos; `make test` runs them in its PostgreSQL run)
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest tests/chaos

browser-deps: ## axe-core for the browser tests, from the npm registry (skipped without npm)
	@if command -v npm >/dev/null; then cd tests/browser && npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the browser tests will skip (they fail under CI=true)"; fi

messages: $(BIN)/comptoir ## extract the pages' strings into the French catalogue and compile it
	cd src/comptoir/web && COMPTOIR_VAR_DIR=../../../var ../../../$(BIN)/django-admin makemessages -l fr --no-obsolete \
	  --settings=comptoir.settings.base && COMPTOIR_VAR_DIR=../../../var ../../../$(BIN)/django-admin compilemessages \
	  --settings=comptoir.settings.base

bench: $(BIN)/comptoir ## measure; writes bench/results/latest.json and bench/results/latest.md
	$(BIN)/python bench/run.py

lint: $(BIN)/comptoir ## ruff and import-linter (the layer contracts)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

fmt: $(BIN)/comptoir ## format and autofix
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

clean: ## remove the venv and local data
	rm -rf $(VENV) var
