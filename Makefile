# The project's entry points. `make up` runs the whole system; `make test` runs every check.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: help venv up down reset status test test-chaos lint typecheck audit pytest bench format lock dashboards contracts

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements/runtime.txt requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(INSTALLED) ## Create the virtualenv with the pinned dependencies

up: venv ## Start Kafka, PostgreSQL, Prometheus, the services (SCALE=N: N of each) and (unless SIMULATOR=0) the simulator
	infra/bin/pdf.sh install
	infra/bin/infra.sh up
	infra/bin/services.sh up
	infra/bin/services.sh summary

down: ## Stop everything `make up` started; the data stays
	infra/bin/services.sh down
	infra/bin/infra.sh down

reset: down ## Stop everything and wipe the local data
	infra/bin/infra.sh reset

status: ## Show what is running
	infra/bin/infra.sh status || true
	infra/bin/services.sh status || true

test: venv lint typecheck ## Lint, type-check and run every test but the chaos suite on a real Kafka and PostgreSQL
	infra/bin/prometheus.sh install
	infra/bin/wrk.sh install
	infra/bin/receivers.sh install
	infra/bin/browser.sh install
	infra/bin/pdf.sh install
	infra/bin/kcat.sh install
	LOFTE_KEYCLOAK=start infra/bin/with-infra.sh -- $(MAKE) --no-print-directory pytest

test-chaos: venv ## Kill the services, restart Kafka and PostgreSQL mid-stream: nothing lost or doubled
	infra/bin/with-infra.sh -- $(BIN)/pytest -m chaos tests/chaos

lint: venv ## ruff lint and format check; the dependency rule (import-linter, see pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: venv ## mypy, strict
	$(BIN)/mypy .

# Exactly the pins, as written (no resolving, no install; the project itself is no pin).
# Both files: pip-audit does not follow dev.txt's `-r runtime.txt`. --strict fails on a pin
# it could not look up rather than passing it unaudited. PyPI is asked by default;
# PIP_AUDIT_VULNERABILITY_SERVICE=osv asks OSV instead.
audit: venv ## Check every pinned dependency against PyPI's vulnerability data (needs the network)
	$(BIN)/pip-audit --strict --disable-pip --no-deps --progress-spinner off \
	  -r requirements/runtime.txt -r requirements/dev.txt

pytest: venv ## The test suite alone (needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL, or Docker)
	$(BIN)/pytest

bench: venv ## Run the benchmarks (BENCH_ARGS=--quick for a smoke run) and print the figures
	infra/bin/wrk.sh install
	infra/bin/with-infra.sh -- $(BIN)/python -m bench $(BENCH_ARGS)

format: venv ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

contracts: venv ## Regenerate docs/contracts/ (AsyncAPI document, JSON Schemas) from the code
	$(BIN)/python -m shared.contract_documents.documents docs/contracts

dashboards: venv ## Regenerate the Grafana dashboards and infra/prometheus/rules/responsibilities.yml
	$(BIN)/python infra/grafana/generate.py

lock: ## Re-pin requirements/*.txt from requirements/*.in
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements/runtime.in
	{ echo "# Pinned from runtime.in; regenerate with: make lock"; .lock-venv/bin/pip freeze; } > requirements/runtime.txt
	.lock-venv/bin/pip install --quiet -r requirements/dev.in
	{ echo "# Pinned from dev.in; regenerate with: make lock"; echo "-r runtime.txt"; \
	  .lock-venv/bin/pip freeze | grep -vxFf requirements/runtime.txt; } > requirements/dev.txt
	rm -rf .lock-venv
