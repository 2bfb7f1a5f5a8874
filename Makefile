# Fengcun: `make run` serves the app with its worker and scheduler; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test install messages bench bench-load clean

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
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

# The sweep benchmark measures PostgreSQL (DATABASE_URL=postgres://…) and says so on SQLite.
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sweep.py

# Locust against gunicorn with the production settings: 50 users of the three roles for 2 minutes (PostgreSQL).
bench-load: install
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
