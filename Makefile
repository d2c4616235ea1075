# toyloop: `make lab` to read the notebooks, `make test` to check everything.
# Needs only python3 (>= 3.11) with its venv module; everything else goes into a venv.
#
# Each Python gets its own venv, named for its version: `make test` builds .venv-3.11
# with python3 = 3.11, `make PYTHON=python3.13 test` builds .venv-3.13, and neither
# ever runs in the other's.  VENV=... overrides the name, and a venv built by another
# Python is refused, never reused.

PYTHON ?= python3
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV   ?= .venv-$(or $(PYVER),unknown)
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.stamp

# Jupyter refuses to run as root without --allow-root (containers, CI, Binder-like boxes).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help venv check-python lab test test-unit test-notebooks sync notebooks screenshots \
	reset-mine lint bench conformance figures clean distclean

help:
	@echo "make lab          install into $(VENV) if needed, then open the notebooks in JupyterLab"
	@echo "make test         unit tests (tests/) and notebook checks (nbval over notebooks/)"
	@echo "make sync         pair each notebook with its .md (newer wins); rewrite code cells from toyloop/"
	@echo "make notebooks    re-execute the notebooks in place as nbval runs them, then sync (NB=02 for one)"
	@echo "make reset-mine   forget the loop pieces you wrote (mine/): every piece is toyloop's again"
	@echo "make screenshots  run the browser test and copy its screenshot to docs/ (needs chromium)"
	@echo "make lint         ruff check"
	@echo "make bench        python -m toyloop.bench"
	@echo "make conformance  CPython's test_asyncio on toyloop and on asyncio (minutes)"
	@echo "make figures      render docs/diagrams/*.dot to notebooks/figures/*.svg (needs graphviz)"
	@echo "make venv         create/refresh $(VENV) with $(PYTHON) (PYTHON=python3.12 for another)"
	@echo "make clean        remove caches and build files; distclean also removes the venvs"

venv: $(STAMP)

# Runs on every use, so a venv of another Python is caught even when the stamp is fresh.
check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo >&2 "ERROR: toyloop needs Python >= 3.11; '$(PYTHON)' is not (or is missing)."; \
	  echo >&2 "       Run e.g.: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1; }
	@if [ -x $(VPY) ]; then \
	  have=$$($(VPY) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	  if [ "$$have" != "$(PYVER)" ]; then \
	    echo >&2 "ERROR: $(VENV) was built with Python $${have:-?}, but PYTHON=$(PYTHON) is $(PYVER)."; \
	    echo >&2 "       Leave VENV unset (each Python gets .venv-X.Y), or remove $(VENV)."; \
	    exit 1; \
	  fi; \
	fi

# Re-installs only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | check-python
	@if [ ! -x $(VPY) ]; then \
	  echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
	  $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo >&2 ""; \
	    echo >&2 "ERROR: '$(PYTHON) -m venv' failed. On Debian/Ubuntu the venv module is a"; \
	    echo >&2 "       separate package: apt-get install python3-venv   (as root or with sudo)"; \
	    exit 1; }; \
	fi
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --progress-bar off -e ".[dev]"
	@touch $(STAMP)

lab: venv
	@# Point the default kernel at the venv's Python explicitly (JUPYTER_PREFER_ENV_PATH
	@# makes it win over a user-wide python3 kernelspec).
	$(VPY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"
	JUPYTER_PREFER_ENV_PATH=1 $(VENV)/bin/jupyter lab notebooks/ --ip=127.0.0.1 $(ALLOW_ROOT)

test: test-unit test-notebooks

# Unit tests run in JOBS processes (pytest-xdist): most of their time is spent waiting
# (timeouts the checkers must see expire, children, sockets), not computing.  The browser
# tests run afterwards in one process: one JupyterLab and one chromium, on a machine no
# longer busy (xdist's loadgroup would do it, but does not group on pytest 9.2:
# pytest-xdist issue 1386).  JOBS=0 runs the unit tests in this process.
JOBS ?= 4
test-unit: venv
	$(VPY) -m pytest -n $(JOBS) tests --ignore=tests/browser
	$(VPY) -m pytest tests/browser

# nbval runs every notebook in a kernel of the venv's Python and compares outputs after
# notebooks/sanitize.cfg's substitutions: conftest.py sets those defaults (and the cell
# timeout) whenever --nbval is given.
test-notebooks: venv
	$(VPY) -m pytest --nbval notebooks

# The .ipynb and its MyST twin (.md) are both sources: the newer one wins, and cells
# tagged toyloop:<module> are rewritten from the package (notebooks/_tools/sync.py).
# NB=02 (or NB="02 05") limits either target to those chapters.
sync: venv
	$(VPY) notebooks/_tools/sync.py $(NB)

notebooks: venv
	$(VPY) notebooks/_tools/execute.py $(NB)

# The browser test writes build/screenshots/; this copies them over the README's pictures.
screenshots: venv
	rm -f build/screenshots/*.png
	TOYLOOP_CHROMIUM=$${TOYLOOP_CHROMIUM:-/usr/bin/chromium} $(VPY) -m pytest tests/browser -q
	@ls build/screenshots/*.png >/dev/null 2>&1 || { \
	  echo >&2 "ERROR: no screenshot in build/screenshots/ (was the browser test skipped?)"; \
	  exit 1; }
	cp build/screenshots/*.png docs/
	@echo "updated: $$(cd build/screenshots && ls *.png | sed 's|^|docs/|' | tr '\n' ' ')"

lint: venv
	$(VENV)/bin/ruff check toyloop tests conftest.py notebooks/_tools

bench: venv
	$(VPY) -m toyloop.bench

conformance: venv
	$(VPY) -m toyloop.conformance

# Diagrams: Graphviz sources -> committed SVGs (apt-get install graphviz fonts-dejavu-core).
figures: venv
	$(VPY) -m toyloop.tools.diagrams

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . -path './.venv*' -prune -o -type d \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	  -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv .venv-*

# The build exercises save the learner's pieces in mine/ (git ignores it); this forgets them.
reset-mine:
	rm -rf mine
