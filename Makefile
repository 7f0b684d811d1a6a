# Developer shortcuts; the scripts under scripts/ do the real work.
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'

.PHONY: run
run: ## Install, migrate, load the demo data and serve on http://127.0.0.1:8000
	bash scripts/run

.PHONY: migrate
migrate: $(PY) ## Apply the migrations to the configured database
	$(VENV)/bin/casedesk migrate

.PHONY: test
test: ## Lint, type-check and run the tests on SQLite and PostgreSQL (ARGS=... for pytest)
	bash scripts/test $(ARGS)

.PHONY: test-sqlite
test-sqlite: $(PY) ## Run the tests on SQLite only (ARGS=... for pytest)
	$(VENV)/bin/pytest $(ARGS)

.PHONY: fmt
fmt: $(PY) ## Format and auto-fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

.PHONY: bench
bench: $(PY) ## Run the benchmarks under bench/ (they print numbers)
	@for f in bench/bench_*.py; do [ -e "$$f" ] || continue; echo "== $$f"; $(PY) "$$f" || exit 1; done
