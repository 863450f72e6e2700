# canais-kit: two commands on a fresh machine.
#   make demo   set up .venv and run the main job on the embedded sample data
#   make test   set up .venv and run the whole suite (pytest + nbval)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= .demo

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/kit demo --dir $(DEMO_DIR)

test: setup
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --nbval-lax -p no:cacheprovider notebooks/

lint: setup
	$(BIN)/ruff check kit tests bench
	$(BIN)/ruff format --check kit tests bench

bench: setup
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
