# canais-kit: two commands on a fresh machine.
#   make demo   set up .venv and run the main job on the embedded sample data
#   make test   set up .venv and run the whole suite (pytest + nbval)
#   make test-fast   the quick loop: pytest without browser, notebook and slow tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= .demo

.PHONY: setup demo test lint bench clean browser-deps postgres-deps airflow-deps

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/kit demo --dir $(DEMO_DIR)

# Debian's Chromium for the real-browser tests (tests/browser); no browser download.
# Tolerates failure: the tests then skip with "Chromium cannot be installed here".
browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation) \
	    || echo "browser-deps: Chromium cannot be installed here; the browser tests will be skipped"; \
	else echo "browser-deps: Chromium cannot be installed here (needs root and apt-get); the browser tests will be skipped"; fi

# Debian's PostgreSQL server for the storage tests: the fixtures start their own unprivileged cluster in a
# temp directory on 127.0.0.1 (tests/pgcluster.py), so the package's default cluster is not created.
# Tolerates failure: the PostgreSQL tests then skip with "PostgreSQL is not installed here".
postgres-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  mkdir -p /etc/postgresql-common; \
	  [ -e /etc/postgresql-common/createcluster.conf ] || echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf; \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    -o Dpkg::Options::=--force-confold postgresql) \
	    || echo "postgres-deps: PostgreSQL cannot be installed here; the PostgreSQL tests will be skipped"; \
	else echo "postgres-deps: PostgreSQL cannot be installed here (needs root and apt-get); the PostgreSQL tests will be skipped"; fi

# Apache Airflow 3 in its own virtualenv (never the kit's), from the pinned requirements-airflow.lock; the
# venv is the cache: re-runs only compare the stamp. Where it cannot be installed the reason goes to
# .airflow-venv/UNAVAILABLE and the Airflow tests skip saying so (never on CI: there they fail).
AIRFLOW_VENV  := .airflow-venv
AIRFLOW_STAMP := $(AIRFLOW_VENV)/.installed-stamp

$(AIRFLOW_STAMP): requirements-airflow.lock
	@rm -f $(AIRFLOW_VENV)/UNAVAILABLE
	@if (test -x $(AIRFLOW_VENV)/bin/python || $(PYTHON) -m venv $(AIRFLOW_VENV)) \
	  && $(AIRFLOW_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-airflow.lock; \
	then touch $(AIRFLOW_STAMP); \
	else mkdir -p $(AIRFLOW_VENV); echo "pip could not install requirements-airflow.lock" > $(AIRFLOW_VENV)/UNAVAILABLE; \
	  echo "airflow-deps: Airflow cannot be installed here; the Airflow tests will be skipped"; fi

airflow-deps: $(AIRFLOW_STAMP)

# The whole suite, every test once, in three stages: the quick tests on every core; the real-component tests
# (browser, notebooks, kill loops, several processes) on HEAVY_WORKERS workers, the longest first; the tests that
# print measured figures (the spec checks' totals, the de-para evaluation) in this process, so their lines show
# (pytest-xdist does not relay a worker's output); then the notebooks under nbval.
HEAVY_MARKERS := browser or slow or notebook
HEAVY_WORKERS ?= 2
test: setup browser-deps postgres-deps airflow-deps
	$(BIN)/python -m pytest -q -n $(FAST_WORKERS) -m "$(FAST_MARKERS) and not figures"
	$(BIN)/python -m pytest -q -n $(HEAVY_WORKERS) -m "$(HEAVY_MARKERS)"
	$(BIN)/python -m pytest -q -m "figures and not ($(HEAVY_MARKERS))"
	$(BIN)/python -m pytest -q --nbval-lax -p no:cacheprovider notebooks/

# The edit-test loop: pytest without the real-browser, notebook (papermill, kernels) and slow (kill loops,
# crash loops, several processes at once, soaks) tests, on every core (pytest-xdist; FAST_WORKERS=0 runs them in
# this process); `make test` stays the whole suite. README "Tests" says what each marker holds.
FAST_MARKERS := not browser and not slow and not notebook
# Two workers per core: many of these tests wait on sockets and timers, so the cores stay busy (measured: 2 cores,
# 1 min 32 s with 4 workers against 2 min 08 s with 2).
FAST_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
.PHONY: test-fast
test-fast: setup
	$(BIN)/python -m pytest -q -n $(FAST_WORKERS) -m "$(FAST_MARKERS)"

lint: setup
	$(BIN)/ruff check kit tests bench
	$(BIN)/ruff format --check kit tests bench

bench: setup
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(AIRFLOW_VENV) $(DEMO_DIR) .pytest_cache
