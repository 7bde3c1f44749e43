# Trellis: one Makefile. `make run` and `make test` work on a fresh clone.
# The first Python 3.11+ that actually runs (pyenv shims may exist but not run).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# bun for Reflex (the studio), from the npm registry: Reflex's own download cannot work here.
TOOLS  := .tools
BUN    := $(TOOLS)/node_modules/.bin/bun
HOST   ?= 127.0.0.1
PORT   ?= 8000
UI_PORT ?= 3000
PYTEST_ARGS ?=
# System packages (chromium, npm) as root, as in CI, or through sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT    := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: install run test lint format typecheck schemas bench clean chromium

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Trellis needs Python 3.11 or newer (python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,studio,ray]'
	@touch $(STAMP)

$(BUN):
	@command -v npm >/dev/null 2>&1 || { $(APT) update -q && $(APT) install -y -q nodejs npm; }
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@1
	@touch $(BUN)

install: $(STAMP) $(BUN)

# The API on PORT and the studio on UI_PORT (Reflex production build: page and
# websocket on one port); prints the address and the demo login; Ctrl+C stops both.
run: install
	$(BIN)/trellis db upgrade
	$(BIN)/trellis demo
	$(BIN)/python frontend/launch.py --host $(HOST) --api-port $(PORT) --ui-port $(UI_PORT)

# The browser tests drive Debian's chromium (never `playwright install`), with a
# Chinese font so that screenshots of the zh-CN studio are legible.
chromium:
	@{ command -v chromium && fc-list :lang=zh | grep -q .; } >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium and a Chinese font for the browser tests"; \
		$(APT) update -q && $(APT) install -y -q chromium fonts-wqy-microhei; }

# Lint and types first: a red style check is cheaper than a red suite.
test: install chromium lint typecheck
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

bench: install chromium
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/validate_workflow.py
	$(BIN)/python bench/publish_roundtrip.py
	$(BIN)/python bench/records.py
	$(BIN)/python bench/studio_canvas.py
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/persist.py
	$(BIN)/python bench/tasks_http.py
	$(BIN)/python bench/sandbox.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis $(TOOLS) \
		frontend/.web test-results
