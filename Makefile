# Woonbrug: the two commands from the README, and a few helpers.
#   make demo   create the environment, migrate SQLite, load the demo region, serve :8000
#   make test   create the environment if needed and run the whole test suite
# Both install uv (the pinned tool that reads uv.lock) into .tools/ if it is not on PATH.

UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3
export UV_PROJECT_ENVIRONMENT := .venv
# Compile bytecode at install time (as the Docker image does): the first request of every
# gunicorn worker then does not pay for compiling Django and the app, and a fresh
# `python -m matching.engine` starts without writing .pyc files (the engine benchmarks).
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test env lint format messages check-migrations

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

# uv compiles the installed packages; the project's own modules are compiled here (always:
# it is quick when nothing changed), since PYTHONDONTWRITEBYTECODE may stop Python from
# caching them itself and `python -m matching.engine` would recompile them on every run.
env: .venv/.synced
	@.venv/bin/python -m compileall -q -j0 matching benchmarks >/dev/null

demo: env
	DEBUG=true DEMO_MODE=true REQUIRE_MFA=false $(UV) run --frozen python manage.py migrate --noinput
	DEBUG=true DEMO_MODE=true REQUIRE_MFA=false $(UV) run --frozen python manage.py seed_demo
	@echo "Woonbrug draait op http://127.0.0.1:8000  (demo-accounts staan op de aanmeldpagina)"
	DEBUG=true DEMO_MODE=true REQUIRE_MFA=false $(UV) run --frozen python manage.py runserver 127.0.0.1:8000

test: env
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: env
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format: env
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

check-migrations: env
	DEBUG=true $(UV) run --frozen python manage.py makemigrations --check --dry-run

messages: env
	DEBUG=true $(UV) run --frozen python manage.py makemessages -l en --no-location --ignore=.venv --ignore=.tools
	DEBUG=true $(UV) run --frozen python manage.py compilemessages --ignore=.venv --ignore=.tools
