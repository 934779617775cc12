# Records Desk. `make run` serves the app on SQLite with demo data; `make test` runs lint and the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
AXE := node_modules/axe-core/axe.min.js
# Medium and high findings fail the build. B610 is a Django ORM check; this project has no Django.
BANDIT = $(BIN)/bandit -q -r records -ll -ii -s B610
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help run serve test test-clock system-deps lint fmt bench bench-quick clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# axe-core (npm, dev only) is loaded into the page by the browser tests' accessibility checks.
$(AXE): $(wildcard package-lock.json) package.json
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $(AXE)

run: $(STAMP) ## Set up, migrate, seed demo data and serve on HOST:PORT (SQLite by default)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo-data
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-true} $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

serve: $(STAMP) ## Production-style stack: gunicorn workers + the scheduler process (see docs/deploy.md)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app scheduler run & sched=$$!; \
	trap 'kill $$sched 2>/dev/null; wait $$sched' EXIT INT TERM; \
	SCHEDULER_ENABLED=false $(BIN)/gunicorn --workers 4 --bind $(HOST):$(PORT) app:app

system-deps: ## Install the Debian packages the tests drive (chromium, faketime, LibreOffice, Dovecot)
	@tools/system-deps

test: system-deps $(STAMP) $(AXE) ## Lint and run the whole test suite (TEST_DATABASE_URL selects PostgreSQL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BANDIT)
	@$(BIN)/python tests/browser_check.py
	$(BIN)/python -m pytest -q

# The suite pins its own clock; running it with the machine's clock moved far away catches any test
# (or server process) that still reads the real date. Only the wall clock moves: a faked monotonic
# clock makes thread waits hang.
CLOCK_OFFSETS ?= +400d -30d
test-clock: system-deps $(STAMP) ## Run the non-browser suite with the machine clock moved (CLOCK_OFFSETS)
	for offset in $(CLOCK_OFFSETS); do \
	  echo "== machine clock $$offset =="; \
	  PYTHONPATH=$(CURDIR)/tests/faketime FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$$offset" $(BIN)/python -m pytest -q -p no:cacheprovider -m 'not browser' || exit 1; \
	done

lint: $(STAMP) ## ruff check, format check, mypy, import contracts and bandit
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy && $(BIN)/lint-imports --no-cache && $(BANDIT)

fmt: $(STAMP) ## Format the code
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# Each benchmark prints `ratio = X (target ≤ Y): ok|MISSED` lines and exits 1 on a miss; all run,
# then the target fails if any missed. BENCH_ARGS=--quick (or `make bench-quick`) uses small sizes;
# BENCH_PG=postgresql+psycopg://... also runs the database benchmarks on PostgreSQL.
BENCH_ARGS ?=
BENCH_PG ?=
bench: $(STAMP) ## Run every benchmark (ratios against in-run baselines); fails when a target is missed
	@failed=""; \
	for f in bench/bench_*.py; do \
	  args=""; grep -q '^import harness' $$f && args="$(BENCH_ARGS)"; \
	  echo "== $$f $$args"; $(BIN)/python $$f $$args || failed="$$failed $$f"; \
	done; \
	if [ -n "$(BENCH_PG)" ]; then \
	  for f in bench/bench_requests.py bench/bench_load.py bench/bench_search.py; do \
	    args=""; grep -q '^import harness' $$f && args="$(BENCH_ARGS)"; \
	    echo "== $$f $$args (PostgreSQL)"; $(BIN)/python $$f $$args --pg "$(BENCH_PG)" || failed="$$failed $$f(pg)"; \
	  done; \
	fi; \
	if [ -n "$$failed" ]; then echo "targets missed in:$$failed"; exit 1; fi

bench-quick: ## The benchmarks at small sizes (a quick look; the targets are for full sizes)
	$(MAKE) bench BENCH_ARGS=--quick

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
