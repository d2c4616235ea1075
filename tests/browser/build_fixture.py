"""Build tests/browser/explorer_fixture.ipynb: the notebook the browser test opens.

Run from the repository root; it writes the notebook and executes it in place (with
nbclient, like ``jupyter nbconvert --execute``, but without storing the widgets' state,
whose model ids change on every run)::

    python tests/browser/build_fixture.py

It also shows, in the smallest form, what a chapter cell using the tracer and
the explorer looks like.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

CELLS = [
    new_markdown_cell("# Explorer fixture\n\nA tiny program, traced and then explored "
                      "(used by `tests/browser/test_explorer_browser.py`)."),
    new_code_cell('''\
import asyncio

from toyloop.tools.explorer import Explorer
from toyloop.tools.tracer import run_traced


async def worker(name, delay):
    await asyncio.sleep(delay)
    return name


async def main():
    slow = asyncio.get_running_loop().create_task(worker("slow", 1.0))
    return await asyncio.gather(worker("fast", 0.5), slow)'''),
    new_code_cell('''\
result, tracer = run_traced(main)
tracer.print(compact=True)'''),
    new_code_cell("tracer.print(first=3, last=4)"),
    new_code_cell('''\
explorer = Explorer(main)
explorer'''),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def execute(nb: nbformat.NotebookNode) -> None:
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    nb.metadata.pop("widgets", None)


if __name__ == "__main__":
    path = HERE / "explorer_fixture.ipynb"
    notebook = build()
    execute(notebook)
    nbformat.write(notebook, path)
    print(f"wrote {path}")
