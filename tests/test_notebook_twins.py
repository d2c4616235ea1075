"""Every notebook agrees with its MyST twin, and every tagged cell with `make sync`.

notebooks/NN_name.ipynb (with outputs) and notebooks/NN_name.md (the readable source)
are paired by jupytext (notebooks/jupytext.toml); notebooks/_tools/sync.py keeps them in
step and rewrites the cells tagged ``toyloop:...`` from the package.  These tests fail
when a commit forgot `make sync`: a cell edited on one side only, or package code changed
under a cell that shows it.  The synthetic cases at the end prove the rewrite is exact,
follows code that moved, and stops with a clear message on a name that is gone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ALL_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _load_sync():
    spec = importlib.util.spec_from_file_location("nb_sync", NOTEBOOKS / "_tools" / "sync.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


sync = _load_sync()


def _summary(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


# -- the committed notebooks ---------------------------------------------------------------


def test_every_notebook_has_a_twin_and_no_twin_is_alone():
    assert len(ALL_NOTEBOOKS) >= 7
    notebooks = {p.stem for p in ALL_NOTEBOOKS}
    twins = {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.md")}
    assert notebooks == twins, "run `make sync` to pair them"


def test_pairing_is_configured_for_jupyterlab():
    config = (NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,md:myst"' in config


def test_build_scripts_are_gone():
    assert not (NOTEBOOKS / "_build").exists()


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_its_twin(notebook):
    ipynb = nbformat.read(notebook, as_version=4)
    md = jupytext.read(notebook.with_suffix(".md"))
    ours, theirs = _summary(ipynb), _summary(md)
    for index, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        assert a == b, (f"{notebook.name} cell {index} differs from its .md twin: "
                        "run `make sync` (the newer file wins)")
    assert len(ours) == len(theirs), f"{notebook.name}: cell count differs from the .md"


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_cell_ids_are_present_and_unique(notebook):
    ids = [c.get("id") for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]]
    assert all(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_tagged_cells_are_what_make_sync_writes(notebook):
    nb = nbformat.read(notebook, as_version=4)
    changed = sync.rewrite_notebook(nb, notebook.name)
    assert not changed, "differs from the package, run `make sync`:\n" + "\n".join(changed)


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_no_volatile_metadata_is_committed(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"]
    for cell in nb["cells"]:
        assert "execution" not in cell.get("metadata", {})


# -- the rewrite, on a synthetic package ---------------------------------------------------

MODULE = '''\
"""A module."""

import heapq


def helper(x: int) -> int:
    """Doubles."""
    # twice as much
    return x * 2


class Loop:
    """A loop."""

    limit = 10

    def __init__(self):
        self._ready = []

    # Queue a callback; it runs at the next iteration.
    def call_soon(self, callback, *args):
        """Queue it."""
        self._ready.append((callback, args))

    @property
    def size(self):
        return len(self._ready)

    class Inner:
        def ping(self):
            return "pong"


if hasattr(heapq, "heappush"):
    async def conditional():
        return 1
'''


@pytest.fixture
def package(tmp_path):
    pkg = tmp_path / "toyloop"
    pkg.mkdir()
    (pkg / "demo.py").write_text(MODULE, encoding="utf-8")
    return pkg


def rewrite(cell: str, tag: str, package: Path) -> str:
    return sync.rewrite_cell(textwrap.dedent(cell), tag, package)


def test_a_drifted_function_is_rewritten_with_comments_and_annotations(package):
    new = rewrite("def helper(x):\n    return x * 3\n", "toyloop:demo", package)
    assert new == "def helper(x: int) -> int:\n    # twice as much\n    return x * 2\n"


def test_a_docstring_is_shown_only_if_the_cell_shows_one(package):
    with_doc = rewrite('def helper(x):\n    """old words"""\n    return 1\n', "toyloop:demo",
                       package)
    assert '"""Doubles."""' in with_doc
    assert '"""' not in rewrite("def helper(x):\n    return 1\n", "toyloop:demo", package)


def test_methods_follow_their_class_and_keep_the_cells_own_lines(package):
    cell = ("import heapq\n\n\ndef call_soon(self):\n    pass\n\n\n"
            "Loop.call_soon = call_soon\n")
    new = rewrite(cell, "toyloop:demo.Loop", package)
    assert new == ("import heapq\n\n\ndef call_soon(self, callback, *args):\n"
                   "    self._ready.append((callback, args))\n\n\nLoop.call_soon = call_soon\n")


def test_decorators_nested_classes_and_conditional_defs(package):
    assert rewrite("def size(self):\n    pass\n", "toyloop:demo.Loop", package) == (
        "@property\ndef size(self):\n    return len(self._ready)\n")
    assert "return 'pong'" not in rewrite("def ping(self):\n    pass\n",
                                          "toyloop:demo.Loop.Inner", package)
    assert "return 1" in rewrite("async def conditional():\n    pass\n", "toyloop:demo",
                                 package)


def test_a_class_shows_the_members_the_cell_has_in_the_cells_order(package):
    cell = "class Loop:\n    def call_soon(self):\n        pass\n\n    def __init__(self):\n" \
           "        pass\n"
    assert rewrite(cell, "toyloop:demo", package) == (
        "class Loop:\n"
        "    # Queue a callback; it runs at the next iteration.\n"
        "    def call_soon(self, callback, *args):\n"
        "        self._ready.append((callback, args))\n"
        "\n"
        "    def __init__(self):\n"
        "        self._ready = []\n")


def test_a_class_with_every_member_is_copied_as_written(package):
    cell = ('class Loop:\n    """x"""\n    limit = 1\n    def __init__(self): pass\n'
            "    def call_soon(self): pass\n    def size(self): pass\n"
            "    class Inner:\n        def ping(self): pass\n")
    new = rewrite(cell, "toyloop:demo", package)
    start = MODULE.index("class Loop:")
    assert new == MODULE[start:MODULE.index("\n\n\nif hasattr")] + "\n"


def test_the_rewrite_survives_reordering_the_module(package):
    before = rewrite("def call_soon(self):\n    pass\n", "toyloop:demo.Loop", package)
    moved = MODULE.replace("    @property\n    def size(self):\n        return len(self._ready)"
                           "\n\n", "")
    moved = moved.replace("    def __init__(self):", "    @property\n    def size(self):\n"
                          "        return len(self._ready)\n\n    def __init__(self):")
    (package / "demo.py").write_text(moved, encoding="utf-8")
    assert rewrite("def call_soon(self):\n    pass\n", "toyloop:demo.Loop", package) == before


def test_magics_are_left_alone(package):
    new = rewrite("%time x = 1\ndef helper(x):\n    pass\n", "toyloop:demo", package)
    assert new.startswith("%time x = 1\ndef helper(x: int) -> int:")


@pytest.mark.parametrize(
    ("cell", "tag", "message"),
    [
        ("def gone():\n    pass\n", "toyloop:demo",
         "function 'gone' not found in demo (toyloop/demo.py): was it renamed or removed?"),
        ("def call_later(self):\n    pass\n", "toyloop:demo.Loop",
         "function 'call_later' not found in demo.Loop"),
        ("class Gone:\n    pass\n", "toyloop:demo", "class 'Gone' not found in demo"),
        ("class Loop:\n    def call_later(self):\n        pass\n", "toyloop:demo",
         "Loop.call_later not found in the module"),
        ("def helper(x):\n    pass\n", "toyloop:nosuch", "names no module"),
        ("def f(self):\n    pass\n", "toyloop:demo.Nope", "no class 'Nope' in demo"),
        ("x = 1\n", "toyloop:demo", "must define at least one function or class"),
        ("def helper(x):\n    return x *\n", "toyloop:demo", "cell does not parse"),
    ],
)
def test_a_name_the_module_lacks_stops_the_sync(package, cell, tag, message):
    with pytest.raises(sync.SyncError) as info:
        rewrite(cell, tag, package)
    assert message in str(info.value)


def test_the_notebook_error_names_the_cell(package):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("text"),
                nbformat.v4.new_code_cell("def gone():\n    pass")]
    nb.cells[1].metadata["tags"] = ["toyloop:demo"]
    nb.cells[1].id = "abc"
    with pytest.raises(sync.SyncError) as info:
        sync.rewrite_notebook(nb, "99_demo.ipynb", package)
    assert str(info.value).startswith("99_demo.ipynb cell 1 (id abc) [toyloop:demo]: function")


# -- pairing: an edit on either side survives, outputs and ids too -------------------------


@pytest.fixture
def paired(tmp_path):
    """A copy of chapter 0 and its twin, with this repository's jupytext.toml."""
    for name in ("00_welcome.ipynb", "00_welcome.md", "jupytext.toml"):
        shutil.copy(NOTEBOOKS / name, tmp_path / name)
    return tmp_path / "00_welcome.ipynb"


def _age(path: Path, seconds: float) -> None:
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


def test_an_edit_of_the_md_reaches_the_ipynb_with_outputs_and_ids_kept(paired, capsys):
    before = nbformat.read(paired, as_version=4)
    md = paired.with_suffix(".md")
    text = md.read_text(encoding="utf-8")
    first_heading = text.index("\n## ")
    text = (text[:first_heading] + "\n```{code-cell} ipython3\nprint('a new cell')\n```\n"
            + text[first_heading:]).replace("every day", "every single day", 1)
    md.write_text(text, encoding="utf-8")
    _age(paired, 10)
    sync.pair(paired)
    assert "00_welcome.md is newer" in capsys.readouterr().out
    after = nbformat.read(paired, as_version=4)
    assert len(after.cells) == len(before.cells) + 1
    assert "every single day" in after.cells[0].source
    old = {c.id: c for c in before.cells}
    new_ids = [c.id for c in after.cells if c.id not in old]
    assert len(new_ids) == 1 and new_ids[0]  # a fresh id for the new cell only
    assert [c.id for c in after.cells if c.id in old] == [c.id for c in before.cells]
    for cell in after.cells:
        if cell.id in old and cell.cell_type == "code":
            assert cell.outputs == old[cell.id].outputs, cell.id


def test_an_edit_of_the_ipynb_reaches_the_md(paired, capsys):
    nb = nbformat.read(paired, as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("every day", "every blessed day")
    nbformat.write(nb, paired)
    _age(paired.with_suffix(".md"), 10)
    sync.pair(paired)
    assert "the .ipynb is newer" in capsys.readouterr().out
    assert "every blessed day" in paired.with_suffix(".md").read_text(encoding="utf-8")
