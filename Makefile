# The two commands: `make run` and `make test`. Both bootstrap .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app groupes
# Debian packages the application needs at run time, and those the tests add.
RUN_DEBS := python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils
# The Nu HTML Checker (vnu, from package.json) runs on Java and is installed by npm.
# Debian's nodejs carries npm in its own package; NodeSource's nodejs includes it:
# so the packages are asked for only when the commands are missing.
JAVA_DEB := default-jre-headless
NPM_DEBS := nodejs npm

.PHONY: run test e2e lint audit install clean-venv assets

$(BIN)/python:
	scripts/system-deps $(RUN_DEBS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	scripts/system-deps $(TEST_DEBS)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# The test tools from npm, into node_modules/ (the lock file pins them; no install script runs).
node_modules/.installed: package.json package-lock.json
	command -v java >/dev/null || scripts/system-deps $(JAVA_DEB)
	command -v npm >/dev/null || scripts/system-deps $(NPM_DEBS)
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(VENV)/.installed-run

# What the browser loads (static/build/) is built from frontend/ and npm packages by esbuild.
# The result is committed, so `make run` needs neither node nor npm; rerun this after changing
# frontend/ or package.json (a test fails when static/build/ is not what this command gives).
assets: node_modules/.installed
	node frontend/build.mjs

run: $(VENV)/.installed-run
	$(FLASK) init-db
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser journeys and the accessibility checks alone (also part of `make test`).
e2e: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check groupes tests benchmarks migrations
	$(BIN)/ruff format --check groupes tests benchmarks migrations/env.py

# Known vulnerabilities of the installed dependencies (pip-audit). It needs the network:
# the vulnerability data of PyPI's JSON API (AUDIT_SERVICE=pypi) or of OSV (osv). With
# --strict a package that could not be checked fails the audit instead of passing silently.
# Not part of `make test`, which must not depend on the network beyond installing packages.
AUDIT_SERVICE ?= pypi
audit: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off --vulnerability-service $(AUDIT_SERVICE)

clean-venv:
	rm -rf $(VENV)
