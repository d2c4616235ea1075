"""Repository-wide pytest setup: nbval defaults, so that plain

    pytest --nbval notebooks/

from any working directory runs the notebooks the way `make test` does:

* sanitize with notebooks/sanitize.cfg (by absolute path) unless --nbval-sanitize-with
  (or the deprecated --sanitize-with) was given;
* run cells in a kernel of the Python running pytest (--nbval-current-env) unless
  --nbval-kernel-name (or --current-env) was given, so a notebook's stored kernelspec
  never picks some other interpreter;
* time out a cell after CELL_TIMEOUT seconds unless --nbval-cell-timeout was given
  (nbval 0.11's own default is 2000 s);
* honour the `skip-execution` cell tag (nbclient's and nbconvert's tag) as nbval honours
  `nbval-skip`; mark every notebook cell `notebook`, so `-m "not notebook"` works.

Option names and dests are nbval 0.11's (nbval/plugin.py: pytest_addoption).  Without
nbval installed, or without --nbval/--nbval-lax, this file does nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SANITIZE_FILE = ROOT / "notebooks" / "sanitize.cfg"
CELL_TIMEOUT = 180.0
NBVAL_DEFAULT_CELL_TIMEOUT = 2000.0  # nbval 0.11: --nbval-cell-timeout default
SKIP_TAG = "skip-execution"


def _nbval_on(config: pytest.Config) -> bool:
    opt = config.option
    return bool(getattr(opt, "nbval", False) or getattr(opt, "nbval_lax", False))


def pytest_configure(config: pytest.Config) -> None:
    if not _nbval_on(config):
        return
    # Notebooks are checked as a fresh learner sees them: no saved build pieces
    # (mine/), every piece of "your loop" toyloop's.  The kernel inherits this.
    os.environ["TOYLOOP_MINE"] = tempfile.mkdtemp(prefix="toyloop-mine-")
    opt = config.option
    # Set only the new-style dests, and only when neither spelling was given: nbval's own
    # pytest_configure raises if an old alias and its new name are both set.
    if opt.nbval_sanitize_with is None and getattr(opt, "sanitize_with", None) is None:
        opt.nbval_sanitize_with = str(SANITIZE_FILE)
    if not (opt.nbval_current_env or getattr(opt, "current_env", False) or opt.nbval_kernel_name):
        opt.nbval_current_env = True
    if opt.nbval_cell_timeout == NBVAL_DEFAULT_CELL_TIMEOUT:
        opt.nbval_cell_timeout = CELL_TIMEOUT


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _nbval_on(config):
        return
    # pytest-timeout (ini `timeout`, per test) would otherwise kill a slow cell first, and
    # without nbval's report of which cell and where.  The first cell's setup also starts
    # the kernel, hence the startup timeout in the sum.
    startup = float(getattr(config.option, "nbval_kernel_startup_timeout", 60))
    per_cell = float(config.option.nbval_cell_timeout) + startup + 30
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or not hasattr(item, "cell_num"):  # not an nbval cell
            continue
        item.add_marker(pytest.mark.notebook)
        item.add_marker(pytest.mark.timeout(per_cell))
        if SKIP_TAG in (cell.get("metadata", {}).get("tags") or []):
            item.add_marker(pytest.mark.skip(reason=f"cell tagged {SKIP_TAG}"))
