# Two commands do everything on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run   — create .venv, install, load the demo corpus, start the server and print its URL
#   make test  — create .venv, install, run the whole suite (slow tests included) on SQLite, then
#                again on a local PostgreSQL (make test-pg: installs and starts it, fails if it cannot)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PRACHUM := $(VENV)/bin/prachum
HOST ?= 127.0.0.1
PORT ?= 8000
export PRACHUM_DATA_DIR ?= $(CURDIR)/data
# the demo minutes (the PDF's source text is left out: it would be the same meeting twice)
DEMO_FILES := $(filter-out %.source.txt,$(wildcard corpus/samples/*.txt corpus/samples/*.docx corpus/samples/*.pdf))

.PHONY: run test test-pg install system-deps demo lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch only from the local CPU wheel (never a CUDA build from the index); used by the [st] extra
	$(PY) -m pip install -q torch==2.13.0 || echo "note: torch 2.13.0 not available; the sentence-transformers extra is skipped"
	$(PY) -m pip install -q -e '.[dev,pg]'
	$(PY) -c "import torch" 2>/dev/null && $(PY) -m pip install -q -e '.[dev,pg,st]' || true
	touch $@

install: $(VENV)/.installed

system-deps:
	bash scripts/system-deps.sh

demo: install system-deps
	$(PRACHUM) ingest $(DEMO_FILES)

# The demo server accepts uploads and status changes: a token is made once per data dir
# (or taken from PRACHUM_API_TOKEN) and printed; send it as `Authorization: Bearer <token>`.
run: demo
	@token="$${PRACHUM_API_TOKEN:-$$(cat "$(PRACHUM_DATA_DIR)/api-token" 2>/dev/null)}"; \
	if [ -z "$$token" ]; then \
	  token=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(24))'); \
	  (umask 077; echo "$$token" > "$(PRACHUM_DATA_DIR)/api-token"); \
	fi; \
	echo "write token: $$token  (kept in $(PRACHUM_DATA_DIR)/api-token)"; \
	PRACHUM_API_TOKEN="$$token" exec $(PRACHUM) serve --host $(HOST) --port $(PORT)

test: install system-deps
	$(PY) -m pytest -q -p no:cacheprovider
	$(MAKE) test-pg

# The same suite with every store on PostgreSQL (a database per run, a schema per data dir).
# Slow tests that do not touch the store (models, OCR, LibreOffice) ran once above; of the slow
# store tests, the concurrent writers, one kill mid-batch and the browser's queued uploads run
# here again (all of test_crash_safety.py on PostgreSQL adds ~5 minutes for little more).
PG_SLOW := tests/test_crash_safety.py::test_two_ingest_processes_at_once \
	tests/test_crash_safety.py::test_two_ingest_processes_and_the_server_at_once \
	'tests/test_crash_safety.py::test_sigkill_mid_batch_loses_nothing[1.5]' tests/test_web_browser.py
test-pg: install
	@url=$$(bash scripts/postgres-ci.sh) || { echo "error: PostgreSQL could not be installed or started (scripts/postgres-ci.sh); the PostgreSQL run is required" >&2; exit 1; }; \
	echo "PostgreSQL run: $$url"; \
	PRACHUM_TEST_DATABASE_URL="$$url" $(PY) -m pytest -q -p no:cacheprovider -m "not slow" && \
	PRACHUM_TEST_DATABASE_URL="$$url" $(PY) -m pytest -q -p no:cacheprovider $(PG_SLOW)

lint: install
	$(VENV)/bin/ruff check prachum tests bench
	$(VENV)/bin/mypy prachum

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
