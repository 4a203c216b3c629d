# Naboråd: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app naborad
CHROMIUM := /usr/lib/chromium/chromium
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
PG_WORKERS ?= 2
PO     := $(wildcard naborad/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: run test test-browser test-postgres install install-dev translations browser vnu pg-client extract-messages screenshots bench load soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -f -i $< -o $@

translations: $(MO)

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k ngettext_noop:1,2 --ignore-dirs '.* node_modules' -o naborad/translations/messages.pot --no-location .
	$(BIN)/pybabel update -i naborad/translations/messages.pot -d naborad/translations --ignore-obsolete --no-fuzzy-matching

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@
	chmod 600 $@

# The demo council's logins work with a password alone: two-factor sign-in is not required in `make run`
# unless NABORAD_TWO_FACTOR_REQUIRED says so (or a real database is given with NABORAD_DATABASE_URL).
run: export NABORAD_TWO_FACTOR_REQUIRED ?= $(if $(NABORAD_DATABASE_URL),true,false)
run: install translations instance/secret_key
	$(FLASK) db upgrade heads
	@if [ -z "$$NABORAD_DATABASE_URL" ]; then $(FLASK) demo-data --if-empty; \
	else echo "NABORAD_DATABASE_URL is set: no demo data loaded."; fi
	@echo "Naboråd on http://127.0.0.1:5000 (Ctrl-C stops it)"
	$(FLASK) send-mail --loop & worker=$$!; \
	$(FLASK) run-jobs --loop & jobs=$$!; \
	trap 'kill $$worker $$jobs 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py --workers 2 --bind 127.0.0.1:5000 wsgi:app

# Debian's chromium for the browser tests: installed when missing and we are root.
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; \
	else echo "NOTE: $(CHROMIUM) is missing and we are not root: browser tests will be skipped." \
	  "Install it with: sudo apt-get install chromium fonts-liberation"; fi

# The Nu Html Checker for the browser walk's HTML check (needs Java; Debian's 17 is fine). The npm install
# script would fetch its own Java runtime, hence --ignore-scripts.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
vnu:
	@if [ -f $(VNU_JAR) ]; then :; \
	elif command -v npm >/dev/null; then \
	  echo "Installing vnu-jar (Nu Html Checker) into node_modules/..."; \
	  npm install --ignore-scripts --no-save --no-audit --no-fund vnu-jar >/dev/null; \
	else echo "NOTE: npm is missing: the HTML validity test will be skipped (outside CI)."; fi

# pg_dump and pg_restore for `backup`/`restore` on PostgreSQL and their test: Debian's postgresql-client,
# installed when missing and we are root (it must be the server's major version or newer).
pg-client:
	@if command -v pg_dump >/dev/null && command -v pg_restore >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian postgresql-client for backup and restore..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null; \
	else echo "NOTE: pg_dump is missing and we are not root: backups of PostgreSQL will fail." \
	  "Install it with: sudo apt-get install postgresql-client"; fi

# The SQLite pass first (it fails fast); then the browser tests and the PostgreSQL pass side by side: the browser
# tests keep about one and a half of the two cores busy (Chromium waits on the app and the app on Chromium), the
# PostgreSQL pass on one pytest worker fills the rest, and the two take about as long. Its output follows the
# browser tests'; `make test` fails if either does.
test: install-dev translations browser vnu pg-client
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 -m "not e2e and not screenshots"
	@pg_log=$$(mktemp); \
	$(MAKE) --no-print-directory test-postgres PG_WORKERS=1 > $$pg_log 2>&1 & pg=$$!; \
	$(MAKE) --no-print-directory test-browser; browser=$$?; \
	wait $$pg; postgres=$$?; \
	echo "== the PostgreSQL pass, run beside the browser tests:"; cat $$pg_log; rm -f $$pg_log; \
	[ $$browser = 0 ] && [ $$postgres = 0 ]

# The browser tests, in one process: two pytest-xdist workers were no faster (748 s on a quiet machine, against
# 702 s in one: two Chromiums fight over the cores). `-n 2 --dist loadscope` works: a test class (the walk's tests
# of one role) stays on one worker.
test-browser: install-dev translations browser vnu
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pytest -m e2e tests/e2e

# The non-browser tests again on PostgreSQL. CI must have it; elsewhere it is optional.
test-postgres: install-dev translations pg-client
	@if pg_isready -q -d "$(PG_URL)" 2>/dev/null; then \
	  echo "== the suite again on PostgreSQL ($(PG_URL))"; \
	  NABORAD_TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n $(PG_WORKERS) -m "not e2e and not screenshots"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL does not answer at $(PG_URL), and CI needs it." >&2; exit 1; \
	else echo "NOTE: PostgreSQL does not answer at $(PG_URL): the PostgreSQL run is skipped." \
	  "Start it (or set PG_URL=...) and run 'make test-postgres'."; fi

# PNGs of the main pages for each role, phone and laptop, and of every journey's steps on a 390 px phone,
# into docs/screenshots/ (git-ignored); four of them are copied to docs/images/ for the README.
screenshots: install-dev translations browser
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pytest tests/e2e/test_screenshots.py -m screenshots -q
	NABORAD_SCREENSHOTS=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pytest tests/e2e -m e2e -k journey -q
	@# The four in the README (committed): phone overview, thread and agenda, and the meeting on a laptop.
	cp docs/screenshots/journeys/neighbour/01-overview.png docs/images/phone-overview.png
	cp docs/screenshots/journeys/neighbour/03-replied.png docs/images/phone-thread.png
	cp docs/screenshots/journeys/chair/04-reordered.png docs/images/phone-agenda.png
	cp docs/screenshots/leder-laptop-meeting.png docs/images/laptop-meeting.png
	@echo "Screenshots in docs/screenshots/"

# Issue 16's bench: queries, CPU per request and bytes of every page and fragment as each role, on a council
# of 1 and of 10 years (built once, cached in instance/), on SQLite and (when it answers at BENCH_PG_URL) on
# PostgreSQL, as ratios to a plain reference page measured in the same run; ends with the goals as
# PASS/FAIL lines. A report, not a test: it exits 0. BENCH_ARGS=--quick for SQLite only and fewer requests.
BENCH_PG_URL ?= postgresql://postgres@127.0.0.1:5432/naborad_bench
bench: install translations
	BENCH_PG_URL="$(BENCH_PG_URL)" $(BIN)/python scripts/bench.py $(BENCH_ARGS)

# The thread page under load: wrk (Debian's, installed when missing and we are root), 50 connections for
# 60 s against gunicorn with 2 sync workers, on the ten-year council on SQLite and PostgreSQL.
load: install translations
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "wrk is missing: install it (apt-get install wrk)" >&2; exit 1; }
	BENCH_PG_URL="$(BENCH_PG_URL)" $(BIN)/python scripts/load.py $(LOAD_ARGS)

# Issue 23's soak: members reading, replying, signing up and reporting against gunicorn on PostgreSQL (at
# SOAK_PG_URL) for SOAK_SECONDS; prints the errors (must be 0), p50/p99 and each worker's memory at the start
# and the end, and exits non-zero on an error (or, with --max-growth, on memory growth past it).
SOAK_SECONDS ?= 600
SOAK_PG_URL ?= postgresql://postgres@127.0.0.1:5432/naborad_soak
soak: install translations
	$(BIN)/python scripts/soak.py --seconds $(SOAK_SECONDS) --database "$(SOAK_PG_URL)" $(SOAK_ARGS)

clean:
	rm -rf $(VENV) instance/naborad.sqlite3* instance/bench-* $(MO)
