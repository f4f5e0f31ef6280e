# Two commands do everything on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run   — create .venv, install, load the demo corpus, start the server and print its URL
#   make test  — create .venv, install, run the whole suite (slow tests included)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PRACHUM := $(VENV)/bin/prachum
HOST ?= 127.0.0.1
PORT ?= 8000
export PRACHUM_DATA_DIR ?= $(CURDIR)/data
# the demo minutes (the PDF's source text is left out: it would be the same meeting twice)
DEMO_FILES := $(filter-out %.source.txt,$(wildcard corpus/samples/*.txt corpus/samples/*.docx corpus/samples/*.pdf))

.PHONY: run test install system-deps demo lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch only from the local CPU wheel (never a CUDA build from the index); used by the [st] extra
	$(PY) -m pip install -q torch==2.13.0 || echo "note: torch 2.13.0 not available; the sentence-transformers extra is skipped"
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -c "import torch" 2>/dev/null && $(PY) -m pip install -q -e '.[dev,st]' || true
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

lint: install
	$(VENV)/bin/ruff check prachum tests bench
	$(VENV)/bin/mypy prachum

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
