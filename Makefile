# MotCua — the one entry point. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
LINT_PATHS := $(wildcard src tests bench scripts) manage.py conftest.py
export DJANGO_SETTINGS_MODULE := motcua.conf.base

.PHONY: venv run test test-sqlite test-postgres lint format check messages schema bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --dossiers 40
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) scripts/run_server.py --port $(PORT)

# Every test runs on SQLite; with DATABASE_URL set, the whole suite runs again on PostgreSQL.
# It runs in TEST_PROCESSES processes (pytest-xdist, a test file to each; each process with its own
# database, data folder and Redis cache database); TEST_PROCESSES= (empty) runs it in this process.
TEST_PROCESSES ?= 2
# --ds: the test settings (pyproject.toml names them too, but the DJANGO_SETTINGS_MODULE exported above
# would take precedence over it).
PYTEST := $(PY) -m pytest -p no:cacheprovider --ds motcua.conf.test $(if $(TEST_PROCESSES),-n $(TEST_PROCESSES) --dist loadfile)
test: venv
	env -u DATABASE_URL $(PYTEST)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$DATABASE_URL)"; \
		$(PYTEST) -m "not browser"; \
	else \
		echo "PostgreSQL run skipped: DATABASE_URL is not set."; \
	fi

lint: venv
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy
	PYTHONPATH=src $(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format $(LINT_PATHS)
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)

check: venv lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	MOTCUA_ENV=production MOTCUA_SECRET_KEY=check-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ \
		MOTCUA_ALLOWED_HOSTS=motcua.example.gov.vn DATABASE_URL=postgres://check@127.0.0.1:1/none \
		MOTCUA_SMS_GATEWAY=http MOTCUA_SMS_URL=https://sms.example.vn/send MOTCUA_PAYMENT_PROVIDERS=gateway \
		MOTCUA_EMAIL_HOST=smtp.example.vn REDIS_URL=redis://127.0.0.1:6379/0 \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

messages: venv
	cd src/motcua && ../../$(PY) ../../manage.py makemessages -l vi --no-location --no-obsolete
	cd src/motcua && ../../$(PY) ../../manage.py compilemessages -l vi

bench: venv
	$(PY) bench/due_dates.py
	$(PY) bench/catalog_search.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
