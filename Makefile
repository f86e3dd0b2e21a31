# FieldApp: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fieldapp
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format install translations translations-update chromium system-deps clean bench \
	lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

# Every benchmark in bench/, each against its baseline in the same run; each records its figures
# in bench/results.json (bench/_results.py), summarised at the top of docs/performance.md by
# bench/summarize.py. All run even when one misses its target; the exit status says if any did.
# The browser ones need Debian's chromium; the sync one starts a throwaway PostgreSQL 15.
bench: install chromium
	@start=$$(date +%s); failed=""; \
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || failed="$$failed $$f"; done; \
	echo "== make bench: $$(( $$(date +%s) - start )) s"; \
	$(BIN)/python bench/summarize.py --wall $$(( $$(date +%s) - start )); \
	if [ -n "$$failed" ]; then echo "target missed or error:$$failed"; exit 1; fi

# Lighthouse 11 (the last with the PWA audits) on /app and /mapa, with Debian's Chromium: npm
# installs it from tools/lighthouse/package-lock.json and never downloads a browser. Not part
# of `make test` (needs npm, takes a few minutes); scores in docs/performance.md.
LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-fund --no-audit
	touch $@

lighthouse: install chromium $(LIGHTHOUSE)
	CHROME_PATH=$(CHROMIUM) $(BIN)/python bench/lighthouse_audit.py $(LIGHTHOUSE_ARGS)

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d fieldapp/translations

# After changing user-facing text: refresh the catalogue, then translate the new entries.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project FieldApp -o fieldapp/translations/messages.pot .
	$(BIN)/pybabel update -i fieldapp/translations/messages.pot -d fieldapp/translations \
	  --no-fuzzy-matching -w 100

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

# PDF tests read the PDFs back with poppler's pdftotext/pdfinfo; names with emoji need an
# emoji font in the PDFs. Installed here when missing and we are root, otherwise the PDF
# tests are skipped with the reason shown (never in CI, where they must run).
SYSTEM_DEPS := poppler-utils fonts-noto-color-emoji fonts-dejavu-core
system-deps:
	@if ! command -v pdftotext >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $(SYSTEM_DEPS) for the PDF tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_DEPS); \
	  else \
	    echo "NOTE: pdftotext or the emoji font is missing and we cannot install them (not root): PDF tests will be skipped."; \
	  fi; \
	fi

test: install chromium system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
