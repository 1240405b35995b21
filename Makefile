# Every target creates .venv when it is missing and reinstalls it when
# requirements.txt or pyproject.toml change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: html test execute lab bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

html: $(STAMP)
	$(BIN)/python -m tools.build_site notebooks site

test: $(STAMP)
	$(BIN)/ruff check toolkit tests tools benchmarks notebooks
	$(BIN)/ruff format --check toolkit tests tools benchmarks notebooks
	$(BIN)/python -m pytest

execute: $(STAMP)
	$(BIN)/python -m tools.execute notebooks/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/gradient_descent.py
	$(BIN)/python benchmarks/collection.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf site .pytest_cache
