# Every target creates .venv when it is missing and reinstalls it when
# requirements.txt or pyproject.toml change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: html test execute translations readme lab bench clean

$(STAMP): requirements.txt pyproject.toml
	@echo "Setting up $(VENV)/ with the pinned packages of requirements.txt"
	@echo "(first run only: about a minute; later runs skip this step)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -r requirements.txt
	@touch $(STAMP)
	@echo "$(VENV)/ is ready."

html: $(STAMP)
	$(BIN)/python -m nbtools.site notebooks site

test: $(STAMP)
	$(BIN)/ruff check toolkit tests nbtools benchmarks notebooks
	$(BIN)/ruff format --check toolkit tests nbtools benchmarks notebooks
	$(BIN)/python -m pytest

# Run the English notebooks one at a time (the timings that notebooks 08, 10
# and 11 store are measured on an otherwise idle machine), then bring their
# code and outputs into the Chinese edition (same code, so same outputs).
execute: $(STAMP)
	$(BIN)/python -m nbtools.execute --jobs 1 notebooks/[0-9]*.ipynb
	$(BIN)/python -m nbtools.translation sync

translations: $(STAMP)
	$(BIN)/python -m nbtools.translation sync

readme: $(STAMP)
	$(BIN)/python -m nbtools.catalog

bench: $(STAMP)
	$(BIN)/python -m benchmarks.gradient_descent
	$(BIN)/python -m benchmarks.collection

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf site screenshots benchmarks/results
