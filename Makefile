# FieldApp: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fieldapp
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format install translations chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -q -d fieldapp/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# Browser tests need Debian's Chromium: installed here when missing and we are root,
# otherwise they are skipped with the reason shown (never in CI, where they must run).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	  else \
	    echo "NOTE: $(CHROMIUM) is missing and we cannot install it (not root): browser tests will be skipped."; \
	  fi; \
	fi

test: install chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
