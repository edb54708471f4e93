# Palmarès — the two commands are `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

# make test talks to the real services on this machine; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/palmares
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-machine lint check audit bench install messages clean

# `make run` installs the runtime dependencies only; `make test` adds the test tooling.
$(RUN_STAMP): requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py run_all

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(DEV_STAMP)
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run
	PALMARES_ENV=production SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	  ALLOWED_HOSTS=palmares.example.org SITE_URL=https://palmares.example.org DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  S3_BUCKET=check S3_ENDPOINT_URL=http://127.0.0.1:9000 \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned dependencies (tools/audit_dependencies.py says when it could not ask), and
# bandit's high-severity findings in our code (tests excluded; a `# nosec` carries its reason on the same line).
audit: $(DEV_STAMP)
	$(PY) tools/audit_dependencies.py
	$(VENV)/bin/bandit -q -r . --exclude ./.venv,./.run,./static,./tests --severity-level high

# Chromium, redis-server, gettext and ffmpeg: installed with apt when root, else one line says what to install, before anything.
test-machine:
	@tools/check_test_machine

test: test-machine $(DEV_STAMP) lint check audit
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

bench: $(DEV_STAMP)
	@set -e; for script in bench/*.py; do echo "== $$script"; $(PY) $$script; done

messages: $(DEV_STAMP)
	$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=static/vendor
	$(PY) manage.py makemessages -d djangojs -l fr -l en --ignore=.venv --ignore=static/vendor --ignore=.run
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf .run
