# toyloop: `make lab` to read the notebooks, `make test` to check everything.
# Needs only python3 (>= 3.11) with its venv module; everything else goes into .venv.

PYTHON ?= python3
VENV   ?= .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.stamp

# Jupyter refuses to run as root without --allow-root (containers, CI, Binder-like boxes).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help venv lab test test-unit test-notebooks lint bench conformance clean distclean

help:
	@echo "make lab        install into $(VENV) if needed, then open the notebooks in JupyterLab"
	@echo "make test       unit tests (tests/) and notebook checks (nbval over notebooks/)"
	@echo "make lint       ruff check"
	@echo "make bench      python -m toyloop.bench"
	@echo "make conformance  CPython's test_asyncio on toyloop vs asyncio (a few minutes)"
	@echo "make venv       create/refresh $(VENV) (PYTHON=$(PYTHON))"
	@echo "make clean      remove caches and build files; distclean also removes the venvs"

venv: $(STAMP)

# Re-installs only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo >&2 "ERROR: toyloop needs Python >= 3.11; '$(PYTHON)' is not (or is missing)."; \
	  echo >&2 "       Run e.g.: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1; }
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
	@# Point the default kernel at .venv's Python explicitly (JUPYTER_PREFER_ENV_PATH makes
	@# it win over a user-wide python3 kernelspec).
	$(VPY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"
	JUPYTER_PREFER_ENV_PATH=1 $(VENV)/bin/jupyter lab notebooks/ --ip=127.0.0.1 $(ALLOW_ROOT)

test: test-unit test-notebooks

test-unit: venv
	$(VPY) -m pytest tests

# nbval runs every notebook in a kernel of .venv's Python and compares outputs after
# notebooks/sanitize.cfg's substitutions: conftest.py sets those defaults (and the cell
# timeout) whenever --nbval is given.
test-notebooks: venv
	$(VPY) -m pytest --nbval notebooks

lint: venv
	$(VENV)/bin/ruff check toyloop tests conftest.py

bench: venv
	$(VPY) -m toyloop.bench

conformance: venv
	$(VPY) -m toyloop.conformance

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . -path './.venv*' -prune -o -type d \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	  -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .venv-*
