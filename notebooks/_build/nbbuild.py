"""What every chapter's build script shares: collect cells, write the notebook, run it.

A build script makes ``BOOK = Notebook("00_welcome.ipynb", "ch0")``, adds cells with
``md(...)`` and ``code(..., *tags)`` and ends with ``BOOK.main(sys.argv[1:])``::

    python notebooks/_build/build_00.py            # write the cells, no outputs
    python notebooks/_build/build_00.py --execute  # run them in a kernel of this Python

Cell ids are fixed (``ch0-001``, ...) so that a rebuild changes only what changed; a
cell added later can carry its own ``cell_id`` so the ids after it stay put.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent


class Notebook:
    """The cells of one chapter, in order, and how to write and execute them."""

    def __init__(self, filename: str, prefix: str) -> None:
        self.path = NOTEBOOKS / filename
        self.prefix = prefix
        self.cells: list[tuple[str, str, tuple[str, ...], str | None]] = []

    def md(self, text: str, cell_id: str | None = None) -> None:
        self.cells.append(("md", text.strip("\n"), (), cell_id))

    def code(self, text: str, *tags: str, cell_id: str | None = None) -> None:
        self.cells.append(("code", text.strip("\n"), tags, cell_id))

    def build(self) -> nbformat.NotebookNode:
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)",
                                     "language": "python", "name": "python3"}
        nb.metadata["language_info"] = {"name": "python"}
        number = 0
        for kind, text, tags, cell_id in self.cells:
            cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
            if cell_id is None:
                number += 1
                cell_id = f"{self.prefix}-{number:03d}"
            cell.id = cell_id
            if tags:
                cell.metadata["tags"] = list(tags)
            nb.cells.append(cell)
        return nb

    def execute(self, nb: nbformat.NotebookNode) -> None:
        """Run every cell in a fresh kernel, from the notebooks/ folder, as nbval will."""
        from nbclient import NotebookClient

        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()

    def main(self, argv: list[str]) -> None:
        nb = self.build()
        if "--execute" in argv:
            self.execute(nb)
        nb.metadata.pop("widgets", None)  # widget state is large and changes every run
        for cell in nb.cells:  # so would the execution timestamps
            cell.metadata.pop("execution", None)
        nbformat.write(nb, self.path)
        print(f"wrote {self.path} ({len(nb.cells)} cells)")
