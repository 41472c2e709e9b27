# Two commands set up a fresh machine: `make demo` and `make test` (see README.md).
VENV      ?= .venv
PY        := $(VENV)/bin/python
DATA_DIR  ?= ./zhifa-data
HOST      ?= 127.0.0.1
PORT      ?= 8000

.PHONY: demo test install install-dev debian-runtime-deps debian-test-deps lint bench

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

debian-runtime-deps:
	bash scripts/install-debian-deps.sh runtime

debian-test-deps:
	bash scripts/install-debian-deps.sh test

demo: install debian-runtime-deps
	$(VENV)/bin/zhifa demo --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

test: install-dev debian-test-deps
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

bench: install-dev
	for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done
