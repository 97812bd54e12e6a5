# Set-up and entry points.  Every target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Browser tests drive Debian's chromium through Playwright; no browser build is downloaded.
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-long bench bench-code test-lowest-numpy clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Two stamps: the app alone (`make run`), and the app with the test extras (`make test`), so
# that a .venv made by `make run` gets the test extras on the next `make test`.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

run: $(STAMP)
	$(VENV)/bin/matdiff serve

test: $(TEST_STAMP) $(CHROMIUM)
	$(PY) -m pytest -q

test-long: $(TEST_STAMP) $(CHROMIUM)
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
	$(BENCH_PY) bench/code_speed.py --write

# The generated-code benchmark alone: matdiff's compiled derivatives against jax.jit(jax.grad),
# torch.func and hand-written NumPy (its own section of docs/benchmarks.md; --quick: a smoke run).
bench-code: $(BENCH_STAMP)
	$(BENCH_PY) bench/code_speed.py --write

# The generated code on the lowest versions pyproject.toml allows (NumPy, SciPy,
# array-api-compat, lark).
LOWEST_VENV := .venv-lowest
$(LOWEST_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/pip install --quiet "numpy==1.26.4" "array-api-compat==1.6" \
		"scipy==1.11.4" "lark==1.3.0" pytest hypothesis "array-api-strict==2.0.1"
	touch $@

test-lowest-numpy: $(LOWEST_VENV)/.installed
	PYTHONPATH=src $(LOWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider \
		tests/codegen/test_array_api.py tests/codegen/test_planning.py \
		tests/codegen/test_backends.py tests/codegen/test_matrix_function_code.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
