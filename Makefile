# Every target creates .venv when it is missing and reinstalls it when
# requirements.txt or pyproject.toml change.
#
# Python: the versions for which every package pinned in requirements.txt has
# a wheel (pyproject.toml's requires-python says the same). `make` checks the
# interpreter before it installs anything: PYTHON when you set it, otherwise
# python3, or else the newest supported python3.X on the PATH (said in one
# line). The venv remembers its Python (pyvenv.cfg); when the chosen one has
# another minor version, make says so and rebuilds the venv.
SUPPORTED := 3.11 3.12 3.13
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: html test execute translations readme lab bench clean matrix wheel

# One line of Python that any interpreter runs (2.7, 3.6, ...): no venv needed.
VERSION_OF := -c 'import platform; print(platform.python_version())'

# Prints "interpreter version" of the Python to build $(VENV) with; prints
# nothing, after saying why on stderr, when there is none.
define choose_python
supported() { case " $(SUPPORTED) " in (*" $${1%.*} "*) return 0;; esac; return 1; };
v=$$($(PYTHON) $(VERSION_OF) 2>/dev/null);
if supported "$$v"; then echo "$(PYTHON) $$v"; exit 0; fi;
what="$(PYTHON) is Python $$v"; [ -n "$$v" ] || what="$(PYTHON) did not run (is it installed?)";
if [ "$(origin PYTHON)" = file ]; then
  newest_first=""; for s in $(SUPPORTED); do newest_first="$$s $$newest_first"; done;
  for s in $$newest_first; do
    cv=$$(python$$s $(VERSION_OF) 2>/dev/null);
    if supported "$$cv"; then
      echo "$$what (not supported); using python$$s (Python $$cv)." >&2;
      echo "python$$s $$cv"; exit 0;
    fi;
  done;
fi;
echo "$$what; these notebooks need Python $(firstword $(SUPPORTED)) to $(lastword $(SUPPORTED))" >&2;
echo "(every package pinned in requirements.txt has wheels for exactly these)." >&2;
echo "Choose one with PYTHON, for example:  make PYTHON=python$(lastword $(SUPPORTED)) $(or $(MAKECMDGOALS),html)" >&2;
endef

# Only the targets that use the venv check the interpreter.
ifneq ($(filter-out clean matrix,$(or $(MAKECMDGOALS),$(STAMP))),)
CHOSEN := $(shell $(choose_python))
ifeq ($(CHOSEN),)
$(error no supported Python; nothing was installed)
endif
PY         := $(word 1,$(CHOSEN))
PY_VERSION := $(word 2,$(CHOSEN))
BUILT_WITH := $(shell sed -n 's/^version *= *//p' $(VENV)/pyvenv.cfg 2>/dev/null)
ifneq ($(BUILT_WITH),)
ifneq ($(basename $(BUILT_WITH)),$(basename $(PY_VERSION)))
REBUILD := yes
$(STAMP): FORCE
endif
endif
endif

$(STAMP): requirements.txt pyproject.toml
ifdef REBUILD
	@echo "$(VENV)/ was built with Python $(BUILT_WITH), $(PY) is Python $(PY_VERSION): rebuilding $(VENV)/"
	rm -rf $(VENV)
endif
	@echo "Setting up $(VENV)/ (Python $(if $(REBUILD),$(PY_VERSION),$(or $(BUILT_WITH),$(PY_VERSION)))) with the pinned packages of requirements.txt"
	@echo "(first run only: about a minute; later runs skip this step)"
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@test -e $(VENV)/.gitignore || echo '*' > $(VENV)/.gitignore
	@$(PIP) install --upgrade pip
	@$(PIP) install -r requirements.txt
	@touch $(STAMP)
	@echo "$(VENV)/ is ready."

FORCE:

# The site also serves the toolkit's wheel, built from this checkout.
html: $(STAMP)
	$(BIN)/python -m nbtools.site notebooks site

# The toolkit's wheel alone, into dist/ (what the site serves).
wheel: $(STAMP)
	$(BIN)/python -m nbtools.wheel dist

test: $(STAMP)
	$(BIN)/ruff check toolkit tests nbtools benchmarks notebooks
	$(BIN)/ruff format --check toolkit tests nbtools benchmarks notebooks
	$(BIN)/python -m pytest

# make -n matrix: the sub-makes only print their commands, nothing passes.
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))

# `make test` once per supported Python found on the PATH (python3.11, ...),
# each in its own git-ignored venv .venv-3.X/, then a summary. With pyenv,
# make them all visible first: PYENV_VERSION=3.11:3.12:3.13 make matrix
matrix:
	@summary=""; failed=0; ran=0; \
	for s in $(SUPPORTED); do \
	    v=$$(python$$s $(VERSION_OF) 2>/dev/null); \
	    if [ "$${v%.*}" != "$$s" ]; then \
	        summary="$$summary  Python $$s    not found (no working python$$s on the PATH)\n"; \
	        continue; \
	    fi; \
	    ran=$$((ran + 1)); \
	    echo "=== make test with Python $$v (python$$s, .venv-$$s/)"; \
	    if $(MAKE) --no-print-directory test PYTHON=python$$s VENV=.venv-$$s; \
	    then result=$(if $(DRY_RUN),dry-run,pass); else result=FAIL; failed=1; fi; \
	    summary="$$summary  Python $$v  $$result (.venv-$$s/)\n"; \
	done; \
	printf "\nmake matrix:\n$$summary"; \
	[ $$ran -gt 0 ] || { echo "No supported Python found: nothing was tested."; exit 1; }; \
	exit $$failed

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
	$(BIN)/python -m benchmarks.exercise_checks

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf site dist screenshots benchmarks/results
