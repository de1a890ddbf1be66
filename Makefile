# Everyday commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes for `make test`: one per core ("auto"); TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help install run test lint format check lock browser packages

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements-dev.lock
	touch $@

install: $(BIN)/.installed ## Create .venv and install the locked dependencies

# Local settings: DEBUG on and a random secret. Never used in production.
.env:
	@printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env for local development (DEBUG=true)."

run: install packages .env ## Install, migrate, load the 2014 data, print demo logins, serve on http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_hmic_2014
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

browser: ## Make sure Chromium is there for the browser tests (installs it with apt as root)
	@scripts/ensure_chromium.sh

packages: ## Make sure the Debian libraries and fonts for PDFs, and redis-server for the tests, are there (installs them with apt as root)
	@scripts/ensure_system_packages.sh

test: install packages browser ## Install and run the whole test suite (SQLite unless DATABASE_URL is set)
	SECRET_KEY=$${SECRET_KEY:-insecure-key-for-tests-only} $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install ## ruff (lint and formatting), import-linter (the layering) and hadolint (the Dockerfile)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

format: install ## ruff: fix what can be fixed, format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Missing migrations, Django's system checks, and the deployment checks under production settings
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=true $(BIN)/python manage.py check
	ENV_FILE=/dev/null DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=oversight.example.gov.uk BEHIND_TLS_PROXY=true \
	  DATABASE_URL=postgres://oversight@db.example.internal:5432/oversight \
	  CSRF_TRUSTED_ORIGINS=https://oversight.example.gov.uk \
	  EMAIL_URL=smtp+tls://oversight:placeholder@smtp.example.gov.uk:587 \
	  DEFAULT_FROM_EMAIL="National Oversight Group <oversight-noreply@homeoffice.gov.uk>" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

lock: install ## Re-resolve requirements*.lock from pyproject.toml
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 --extra dev -o requirements-dev.lock
