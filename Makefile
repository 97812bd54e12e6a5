# Set-up and entry points.  Every target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Browser tests drive Debian's chromium through Playwright; no browser build is downloaded.
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-long bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

run: $(STAMP)
	$(VENV)/bin/matdiff serve

test: $(STAMP) $(CHROMIUM)
	$(PY) -m pytest -q

test-long: $(STAMP) $(CHROMIUM)
	MATDIFF_LONG=1 $(PY) -m pytest -q

# The benchmark has its own environment, never the default install.  torch goes in first and
# pinned (the one local CPU build); tensorgrad without its dependencies, so nothing replaces it.
BENCH_VENV := bench/.venv
BENCH_PY := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): bench/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --upgrade pip
	$(BENCH_PY) -m pip install --quiet torch==2.13.0
	$(BENCH_PY) -m pip install --quiet -r bench/requirements.txt
	$(BENCH_PY) -m pip install --quiet --no-deps tensorgrad==0.3.0
	$(BENCH_PY) -m pip install --quiet -e .
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_PY) bench/run.py --write

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
