# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run test test-fast lint format bench messages clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] >= (3, 11), sys.version" || { echo "Python 3.11 is needed"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Migrate a SQLite database, load the Jambi demo, print the demo logins, serve, with one
# background worker for large imports and exports (stopped with the server).
run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo
	DEBUG=true $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver $(HOST)

# The whole suite, spread over the cores by pytest-xdist (a process and a test database per
# worker); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS)

# The inner loop: everything but the browser tests (CI runs the whole suite with `make test`).
test-fast: install
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not browser"

# Lint, formatting and the layer contract (ruff, import-linter; configured in pyproject.toml); CI fails on any.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks print figures; BENCH_DATABASE_URL (an empty, disposable database) runs them on PostgreSQL.
bench: install
	$(PY) tests/perf/bench.py
	$(PY) tests/perf/bench_import.py

# Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: install
	DEBUG=true $(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=tests
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
