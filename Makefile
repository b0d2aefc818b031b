# qcity: `make run` serves the app with demo data on http://127.0.0.1:8000, `make test` runs the suite.
# Needs only Python 3.11+; everything else goes into .venv. Stamp files in .venv make re-runs fast.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
PY          := $(VENV)/bin/python
QCITY       := $(VENV)/bin/qcity
ADDRPORT    ?= 127.0.0.1:8000
DEMO_SCALE  ?= small
PYTEST_ARGS ?=
BENCH_ARGS  ?=

.PHONY: help run test bench fuzz smoke lint install install-test system-packages clean distclean

help:
	@echo "make run      create .venv, migrate, seed, load demo data (first time only), serve on $(ADDRPORT)"
	@echo "make test     install test deps and Chromium, run the whole pytest suite (PYTEST_ARGS=...)"
	@echo "make bench    run the benchmarks on SQLite and PostgreSQL (BENCH_ARGS=\"--scale small\", BENCH_PG= to skip PostgreSQL)"
	@echo "make fuzz     schemathesis over the whole API per role, production settings (FUZZ_EXAMPLES=20)"
	@echo "make smoke    gunicorn + Celery worker and beat on Redis + a throwaway PostgreSQL DB: office generates the white paper"
	@echo "make lint     ruff check"
	@echo "make clean    remove caches, collected static files and screenshots"
	@echo "make distclean  also remove .venv and var/ (the SQLite database)"

# --- environment ---------------------------------------------------------------------------------

$(PY):
	python3.11 -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); python3 -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

system-packages:
	@scripts/install-system-packages.sh

# --- run -----------------------------------------------------------------------------------------

# Demo data is loaded only into an empty database, so `make run` again is fast and keeps your edits.
run: $(VENV)/.installed
	@mkdir -p var
	$(QCITY) migrate --noinput
	$(QCITY) seed
	$(QCITY) plans load
	@if $(QCITY) shell -v 0 -c "import sys; from qcity.enterprises.models import Enterprise; \
	        sys.exit(0 if Enterprise.objects.exists() else 1)"; then \
	    echo "demo data already loaded (make distclean to start over); demo accounts:"; \
	    $(QCITY) demo --accounts; \
	else \
	    $(QCITY) demo --scale $(DEMO_SCALE); \
	fi
	$(QCITY) serve $(ADDRPORT)

# --- checks --------------------------------------------------------------------------------------

test: $(VENV)/.installed-test system-packages
	@mkdir -p var
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Serves the platform with production settings on a throwaway database (SQLite under var/fuzz/, or
# DATABASE_URL), runs schemathesis per role and prints the 5xx per role last; fails on any 5xx.
FUZZ_EXAMPLES ?= 20
fuzz: $(VENV)/.installed-test system-packages
	@mkdir -p var
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) scripts/fuzz.py

# The production stack end to end on this machine: gunicorn, a Celery worker and beat on the local Redis, a
# throwaway PostgreSQL database (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres); the office logs in
# over HTTP and gets the white paper PDF built by the worker. Stops everything and drops the database on exit.
smoke: $(VENV)/.installed system-packages
	@mkdir -p var
	VENV_BIN=$(VENV)/bin bash scripts/smoke_production.sh

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

# Each benchmark prints its own table, on SQLite and then on PostgreSQL (BENCH_PG= to skip PostgreSQL), and
# bench/summary.py prints all their figures as one table at the end (date, machine, database per figure).
# BENCH_ARGS go to bench/foundation.py, e.g. make bench BENCH_ARGS="--scale small".
BENCHES  ?= bench/foundation.py bench/search.py bench/assessment.py bench/cockpit.py bench/white_paper.py bench/credit.py bench/inspections.py bench/sampling.py bench/programme_pages.py bench/home.py bench/notifications.py bench/complaint_overdue.py bench/trace.py
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: $(VENV)/.installed-test
	@mkdir -p var/bench && rm -f var/bench/summary.jsonl
	@echo "== bench/plan_extraction.py"; $(PY) bench/plan_extraction.py
	@echo "== bench/provisional_calendar.py"; $(PY) bench/provisional_calendar.py
	@set -e; for f in $(BENCHES); do \
	    args=""; [ "$$f" = bench/foundation.py ] && args="$(BENCH_ARGS)"; \
	    echo "== $$f on SQLite"; $(PY) "$$f" $$args; \
	    if [ -z "$(BENCH_PG)" ]; then continue; fi; \
	    if ! pg_isready -q -d "$(BENCH_PG)/postgres" 2>/dev/null; then \
	        echo "== $$f on PostgreSQL: skipped, $(BENCH_PG) not reachable"; continue; fi; \
	    echo "== $$f on PostgreSQL"; \
	    $(PY) "$$f" $$args --database-url "$(BENCH_PG)/qcity_bench_$$(basename "$$f" .py)"; \
	done
	@# the intake API under gunicorn: PostgreSQL only (a production server's database)
	@if [ -n "$(BENCH_PG)" ] && pg_isready -q -d "$(BENCH_PG)/postgres" 2>/dev/null; then \
	    echo "== bench/complaint_intake.py on PostgreSQL"; \
	    $(PY) bench/complaint_intake.py --database-url "$(BENCH_PG)/qcity_bench_intake"; \
	else echo "== bench/complaint_intake.py: skipped, PostgreSQL not reachable"; fi
	@$(PY) bench/summary.py

# --- cleaning ------------------------------------------------------------------------------------

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache *.egg-info build dist var/static var/screenshots

distclean: clean
	rm -rf $(VENV) var
