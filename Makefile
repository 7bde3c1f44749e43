# Trellis: one Makefile. `make run` and `make test` work on a fresh clone.
# The first Python 3.11+ that actually runs (pyenv shims may exist but not run).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test lint format typecheck schemas bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Trellis needs Python 3.11 or newer (python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/trellis db upgrade
	$(BIN)/trellis demo
	@echo "Trellis API on http://$(HOST):$(PORT)/api/v1  (OpenAPI: http://$(HOST):$(PORT)/api/v1/schema)"
	$(BIN)/trellis serve --host $(HOST) --port $(PORT)

# Lint and types first: a red style check is cheaper than a red suite.
test: install lint typecheck
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy

schemas: install
	$(BIN)/trellis schemas

bench: install
	$(BIN)/python bench/validate_workflow.py
	$(BIN)/python bench/publish_roundtrip.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
