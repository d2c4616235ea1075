"""Re-execute notebooks in place, the way nbval checks them, then sync their twins.

    python notebooks/_tools/execute.py             # every notebook (what `make notebooks` runs)
    python notebooks/_tools/execute.py 03 05       # only chapters 03 and 05

Like `pytest --nbval` with conftest.py's defaults: a fresh kernel of *this* Python
(nbval's current-env kernelspec, so no stored kernelspec picks another interpreter),
started in notebooks/, cells tagged ``skip-execution`` left alone, a cell tagged
``raises-exception`` allowed to raise, 180 s per cell.  Before writing, it drops what
changes on every run and means nothing to a reader: widget state and the execution
timestamps.  Cell ids, tags and sources are untouched.  Then `sync.py` pairs each
notebook with its .md (the .ipynb is the newer side now).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sync  # noqa: E402

CELL_TIMEOUT = 180  # conftest.py's CELL_TIMEOUT


def strip_volatile(nb: nbformat.NotebookNode) -> None:
    """Widget state is large and changes every run; so do execution timestamps."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def execute(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME,
                       kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(notebook.parent)}})
    started = time.monotonic()
    try:
        client.execute()
    finally:
        if km.has_kernel:  # we own this kernel manager, so nbclient leaves it to us
            km.shutdown_kernel(now=True)
    strip_volatile(nb)
    nbformat.write(nb, notebook)
    print(f"executed {notebook.name} in {time.monotonic() - started:.0f} s")


def main(argv: list[str]) -> int:
    # A fresh learner's state: no saved build pieces (toyloop.exercises.mine).
    os.environ["TOYLOOP_MINE"] = tempfile.mkdtemp(prefix="toyloop-mine-")
    chosen = sync.notebooks(argv)
    # First pair them, so an edit saved only in the .md is what runs.
    for notebook in chosen:
        sync.pair(notebook)
    for notebook in chosen:
        execute(notebook)
    return sync.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
