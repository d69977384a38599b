# Two commands on a fresh machine (Python >= 3.11 and make):
#   make run    set up .venv (only what changed) and start the dashboard
#   make test   the same plus the test tools, then the whole suite
#   make serve REPLICAS=4   four copies behind HAProxy (a school's deployment on one machine)
# Also: make quick (the suite without the browser and slow tests, under a minute),
#       make bench (the benchmarks), make clean (remove the venv).
# Another interpreter: make test PYTHON=python3.12 VENV=.venv-3.12
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
REPLICAS ?= 2
PY := $(VENV)/bin/python
# The interpreter's version is part of the stamp: a venv of another Python is rebuilt.
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)

.PHONY: run serve test quick bench clean check-python

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

test: $(VENV)/.stamp-test
	$(PY) -m pytest

quick: $(VENV)/.stamp-test
	$(PY) -m pytest -m "not slow and not browser" -q

bench: $(VENV)/.stamp-test
	for b in benchmarks/bench_*.py; do m=$$(basename $$b .py); echo "== $$m"; $(PY) -m benchmarks.$$m || exit 1; done

clean:
	rm -rf $(VENV)
