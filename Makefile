# Two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1:8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: demo install install-test test browsers db-start db-stop serve analyze clean-db bench bench-quick bench-1m worker

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch first, from the local CPU wheel, so sentence-transformers never pulls a CUDA build.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet "torch==2.13.0"
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP)

# Debian's chromium for the Playwright browser tests (browsers cannot be downloaded here).
browsers:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

db-start: $(STAMP)
	$(PY) -m comparer.db.embedded start

db-stop:
	@if [ -x $(PY) ]; then $(PY) -m comparer.db.embedded stop; fi

analyze: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ingest fixtures/
	$(PY) manage.py analyze

demo: db-start analyze
	$(PY) manage.py demo_setup
	@echo "Comparer is serving on http://$(HOST)/  (log in with the demo login above; Ctrl-C stops)"
	$(PY) manage.py runserver $(HOST)

# Two pytest-xdist workers (one per core here): 710 s in one process, about 470 s in two. A module's
# tests stay on one worker (--dist loadscope), so module fixtures are built once.
TEST_WORKERS ?= 2
test: $(TEST_STAMP) browsers
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# Benchmarks print their figures; each ends with one SUMMARY line (see bench/README.md).
bench-quick: $(STAMP) db-start
	$(PY) bench/pipeline.py --quick
	$(PY) bench/pipeline.py --quick --corpus grouped
	$(PY) bench/burst.py --quick
	$(PY) bench/scale.py --quick
	$(PY) bench/cluster.py --quick
	$(PY) bench/alignment.py --ks 3,5
	$(PY) bench/nli_runtime.py --pairs 200 --runtimes torch-int8,onnx-int8

bench: $(STAMP) db-start
	$(PY) bench/pipeline.py
	$(PY) bench/pipeline.py --corpus grouped
	$(PY) bench/burst.py
	$(PY) bench/scale.py
	$(PY) bench/cluster.py
	$(PY) bench/alignment.py
	$(PY) bench/nli_runtime.py

# scale.py up to 1M claims (copied rounds of a 10k base; long on a small machine).
bench-1m: $(STAMP) db-start
	$(PY) bench/scale.py --sizes 10000,100000,1000000 --base-claims 10000

# A background worker on the PostgreSQL queue (COMPARER_TASK_BACKEND=queue); it also polls due feeds.
# With Celery instead: COMPARER_TASK_BACKEND=celery, then `$(VENV)/bin/celery -A comparer worker -Q fetch,analysis`
# and `$(VENV)/bin/celery -A comparer beat` for the periodic feed polling.
worker: $(STAMP)
	$(PY) manage.py run_jobs --poll-feeds-every 60
