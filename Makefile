# anke: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CACHE ?= .cache
DEMO_DATA ?= $(CACHE)/service
RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 8000

.PHONY: run test lint bench clean venv system-packages

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src  # as a regular install does: no compiling at each start
	touch $(STAMP)

# The main job: the service on http://$(RUN_HOST):$(RUN_PORT), seeded once with a demo (the
# first run downloads its packages from the npm registry into $(CACHE)/packages, SHA-256
# pinned; later runs reuse $(DEMO_DATA)). Accounts and passwords are printed; Ctrl-C stops.
run: $(STAMP)
	ANKE_DATA_DIR=$(DEMO_DATA) $(BIN)/anke serve --demo --demo-cache $(CACHE) --host $(RUN_HOST) --port $(RUN_PORT)

# Debian packages the tests use: gcc (C programs with constant tables), dpkg-deb (.deb
# fixtures), chromium (HTML pages in a headless browser; fonts-wqy-zenhei so that the
# pages' Chinese text shows in screenshots) and postgresql (the service tests start a
# throw-away cluster of their own; Debian's default cluster is not used).
system-packages:
	@missing=""; for tool in gcc:gcc dpkg-deb:dpkg chromium:chromium; do \
	  command -v $${tool%%:*} >/dev/null 2>&1 || missing="$$missing $${tool##*:}"; done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	ls /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc >/dev/null 2>&1 || missing="$$missing fonts-wqy-zenhei"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "install with apt-get:$$missing (tests that need them will say so)"; fi; fi

test: $(STAMP) system-packages
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(CACHE) build dist src/*.egg-info
