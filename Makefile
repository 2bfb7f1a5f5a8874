# Fengcun: `make run` serves the app with its worker and scheduler; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test install messages bench bench-quick bench-load clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

# A development run: FENGCUN_DEV=1 lets development keys stand in for unset ones and serves plain HTTP;
# without it (production) the settings refuse to start (README.md, "Production").
run: install
	FENGCUN_DEV=1 bash bin/run

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh the translation catalogues after changing strings (needs GNU gettext).
# makemessages does not read the rules' trace sentences (Msg(code, chinese, english)): trace_messages writes them
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=staticfiles
	FENGCUN_DEV=1 $(BIN)/python manage.py trace_messages --write
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Benchmarks (not part of `make test`): PostgreSQL, each data set in a database of its own (bench/RESULTS.md).
# `make bench` generates 10,000 and 1,000,000 cases and sweeps 100,000 due files (hours); `make bench-quick`
# does the same at 10,000 cases and 10,000 files (minutes). BENCH_ARGS=--reuse keeps data sets already made.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fengcun
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python bench/run.py $(BENCH_ARGS)

bench-quick: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python bench/run.py --quick $(BENCH_ARGS)

# Locust against gunicorn with the production settings: 50 users of the three roles for 2 minutes (PostgreSQL).
bench-load: install
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
