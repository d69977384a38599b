# Two commands on a fresh machine (Python >= 3.11 and make):
#   make run    set up .venv (only what changed) and start the dashboard
#   make test   the same plus the test tools, then the whole suite, in three steps:
#               make test-core (everything but the browser), make test-measure (the tests
#               that measure a server under a class, one at a time) and make test-browser
#   make serve REPLICAS=4   four copies behind HAProxy (a school's deployment on one machine)
# Also: make quick (the suite without the browser and slow tests, under a minute),
#       make bench (the benchmarks), make clean (remove the venv).
# Another interpreter: make test PYTHON=python3.12 VENV=.venv-3.12
# Tests run in parallel with pytest-xdist: JOBS workers for the suite without the browser,
# BROWSER_JOBS for the browser tests (each worker starts one Streamlit server and one
# Chromium for its tests, which compete with them for the cores; see benchmarks/README.md,
# "CI and make quick"). A test that must not share its worker's server starts its own
# (devtools.browser.streamlit_server).
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
REPLICAS ?= 2
JOBS ?= 2
BROWSER_JOBS ?= 2
# Test processes (pytest and its workers, the Streamlit servers, the CLI's subprocesses) keep
# their compiled bytecode here, outside the sources, even where PYTHONDONTWRITEBYTECODE is set:
# without it each of them compiles the project (and Streamlit) again, ~3 s of CPU apiece.
# `make quick PYCACHE=` turns this off.
PYCACHE ?= $(CURDIR)/artifacts/pycache
PYTEST = $(if $(PYCACHE),PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(PYCACHE) )$(PY) -m pytest
PY := $(VENV)/bin/python
# The interpreter's version is part of the stamp: a venv of another Python is rebuilt.
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)

.PHONY: run serve test test-core test-browser quick bench clean check-python

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "make: needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)"; exit 2; }

# The venv itself, remade when it was built by another Python version.
$(VENV)/.python-$(PYVER): | check-python
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

# Installed requirements: re-installed only when a requirements file changes.
$(VENV)/.stamp-run: requirements.txt $(VENV)/.python-$(PYVER)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.stamp-test: requirements.txt requirements-dev.txt $(VENV)/.stamp-run
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

run: $(VENV)/.stamp-run
	$(PY) -m streamlit run app.py --server.port $(PORT)

# N copies behind HAProxy, the class poll in Redis (Debian's haproxy and redis-server): deploy/serve.py
serve: $(VENV)/.stamp-run
	$(PY) -m deploy.serve --replicas $(REPLICAS) --port $(PORT)

# Every test: the three steps below, one after the other (a failing step stops the run; `make -k
# test` goes on to the next).
test: test-core test-measure test-browser

# CORE: which tests test-core runs (.ci/run leaves the scale tests, many sessions and servers
# for minutes, to the 3.12 run: like the browser's, nothing they measure depends on the interpreter).
CORE ?= not browser and not measure
test-core: $(VENV)/.stamp-test
	$(PYTEST) -m "$(CORE)" -n $(JOBS) --dist worksteal

# Tests that measure one server's memory or speed under a class of sessions (the `measure` mark):
# one at a time, with nothing else running, since a second test beside them changes what they
# measure (in the parallel suite, a 30-student class peaked 18 MB over its limit and a closed
# class's memory came back 4 MB short of its mark; alone, both pass with room).
test-measure: $(VENV)/.stamp-test
	$(PYTEST) -m "measure and not browser" -n 0

test-browser: $(VENV)/.stamp-test
	$(PYTEST) -m browser -n $(BROWSER_JOBS) --dist worksteal

quick: $(VENV)/.stamp-test
	$(PYTEST) -m "not slow and not browser" -q -n $(JOBS) --dist worksteal

bench: $(VENV)/.stamp-test
	for b in benchmarks/bench_*.py; do m=$$(basename $$b .py); echo "== $$m"; $(PY) -m benchmarks.$$m || exit 1; done

clean:
	rm -rf $(VENV)
