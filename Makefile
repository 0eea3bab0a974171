# Tradeoff: `make run` to try it, `make test` to check it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
EXTRAS ?= dev

.PHONY: run test install lint typecheck bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tradeoff db upgrade
	$(BIN)/tradeoff demo --if-missing
	@echo "Open http://$(HOST):$(PORT)/ and log in with the email and password above. Ctrl-C stops the server."
	$(BIN)/tradeoff serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/tradeoff/core
	$(BIN)/mypy src/tradeoff

test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

bench: $(STAMP)
	for b in bench/bench_*.py; do PYTHONPATH=src $(BIN)/python $$b || exit 1; done
	$(BIN)/python bench/assemble.py

# Fuzz every API operation from the OpenAPI document (Schemathesis) against a real server on the demo workspace.
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS),fuzz]'
	$(BIN)/python tools/fuzz_api.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
