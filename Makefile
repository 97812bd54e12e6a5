# Set-up and entry points.  Every target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-long bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/matdiff serve

test: $(STAMP)
	$(PY) -m pytest -q

test-long: $(STAMP)
	MATDIFF_LONG=1 $(PY) -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
