"""Notebooks and package never drift: tagged cells must define the package's code.

The convention (CONTRIBUTING.md): a code cell that defines package code carries
a tag naming where that code lives:

* ``toyloop:<module>`` (e.g. ``toyloop:ch3_selectors``): every top-level ``def`` in
  the cell must equal the module's top-level function of that name, and every
  ``class`` statement is compared method by method with the module's class (the
  cell may hold a subset of the methods);
* ``toyloop:<module>.<Class>`` (e.g. ``toyloop:ch2_futures.BaseLoop``): the cell's
  top-level ``def`` statements are methods written as standalone functions, and
  each must equal that class's method of the same name.

Assignments, imports, calls and prints in a tagged cell are ignored (that is how a
cell patches a method onto its class).  "Equal" means equal ASTs, so comments,
blank lines and formatting may differ.  Two more things are normalised away
because they do not change what the code does: docstrings (the notebook says it
in prose) and type annotations (parameters, return types, ``x: T = v``), so that
cells stay short and readable.  A module in a
subpackage is named with dots (``toyloop:tools.tracer``).

Every notebook under ``notebooks/`` is checked; the synthetic notebooks at the end
prove the check can fail.
"""

from __future__ import annotations

import ast
import difflib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = ROOT / "toyloop"
TAG_PREFIX = "toyloop:"


@dataclass
class Target:
    """Where a tag points: a module file and, optionally, a class inside it."""

    module: str  # dotted, under toyloop/: "ch2_futures" or "tools.tracer"
    path: Path
    class_path: list[str]  # [] for the module itself, ["BaseLoop"] for a class


def resolve_tag(tag: str, package: Path = PACKAGE) -> Target | str:
    """The Target for ``toyloop:...``, or a sentence saying why it names nothing."""
    parts = tag[len(TAG_PREFIX):].split(".")
    for split in range(len(parts), 0, -1):
        path = package.joinpath(*parts[:split]).with_suffix(".py")
        if path.is_file():
            return Target(".".join(parts[:split]), path, parts[split:])
    return f"tag {tag!r} names no module under {package.name}/"


def _body_defs(body: list[ast.stmt]) -> list[ast.stmt]:
    """def/class statements of a body, looking inside top-level if/try blocks too."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(node)
        elif isinstance(node, ast.If):
            found += _body_defs(node.body) + _body_defs(node.orelse)
        elif isinstance(node, ast.Try):
            found += _body_defs(node.body) + _body_defs(node.orelse) + _body_defs(node.finalbody)
            for handler in node.handlers:
                found += _body_defs(handler.body)
    return found


def _named(body: list[ast.stmt], name: str, kinds: tuple[type, ...]) -> list[ast.stmt]:
    return [n for n in _body_defs(body) if isinstance(n, kinds) and n.name == name]


_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


class _Normalise(ast.NodeTransformer):
    """Drop what does not change behaviour: docstrings and type annotations."""

    def _strip_docstring(self, node: ast.AST) -> ast.AST:
        body = node.body
        if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        self.generic_visit(node)
        return self._strip_docstring(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.generic_visit(node)
        return self._strip_docstring(node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.annotation = None
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None  # a bare declaration ``x: int`` does nothing at run time
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)


def _normalised(node: ast.stmt) -> ast.stmt:
    """A normalised copy of a def/class: no docstrings, no annotations."""
    node = ast.parse(ast.unparse(node)).body[0]  # cheap deep copy
    node = _Normalise().visit(node)
    return ast.fix_missing_locations(node)


def _same(a: ast.stmt, b: ast.stmt) -> bool:
    return ast.dump(_normalised(a)) == ast.dump(_normalised(b))


def _diff(cell_node: ast.stmt, module_node: ast.stmt, where: str) -> str:
    cell = ast.unparse(_normalised(cell_node)).splitlines()
    module = ast.unparse(_normalised(module_node)).splitlines()
    return "\n".join(difflib.unified_diff(module, cell, f"{where} (module)", "notebook cell",
                                         lineterm="", n=2))


def _cell_ast(source: str) -> ast.Module:
    """Parse a cell, blanking IPython's line magics and shell escapes first."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    return ast.parse("\n".join(lines))


def _compare_def(node: ast.stmt, candidates: list[ast.stmt], where: str) -> list[str]:
    if not candidates:
        return [f"{where}: not found in the module"]
    if any(_same(node, c) for c in candidates):
        return []
    return [f"{where} differs from the module:\n{_diff(node, candidates[0], where)}"]


def check_cell(source: str, tag: str, package: Path = PACKAGE) -> list[str]:
    """Every way a tagged cell disagrees with the package; empty when it agrees."""
    target = resolve_tag(tag, package)
    if isinstance(target, str):
        return [target]
    module_tree = ast.parse(target.path.read_text(encoding="utf-8"))
    scope: list[ast.stmt] = module_tree.body
    scope_name = target.module
    for class_name in target.class_path:
        classes = _named(scope, class_name, (ast.ClassDef,))
        if not classes:
            return [f"tag {tag!r}: no class {class_name!r} in {scope_name}"]
        scope = classes[0].body
        scope_name += "." + class_name
    try:
        cell_tree = _cell_ast(source)
    except SyntaxError as error:
        return [f"cell does not parse: {error}"]

    problems: list[str] = []
    compared = 0
    for node in cell_tree.body:
        if isinstance(node, _FUNCS):
            compared += 1
            where = f"{scope_name}.{node.name}"
            problems += _compare_def(node, _named(scope, node.name, _FUNCS), where)
        elif isinstance(node, ast.ClassDef):
            compared += 1
            classes = _named(scope, node.name, (ast.ClassDef,))
            if not classes:
                problems.append(f"{scope_name}.{node.name}: class not found in the module")
                continue
            for method in node.body:
                if isinstance(method, _FUNCS):
                    where = f"{scope_name}.{node.name}.{method.name}"
                    problems += _compare_def(method, _named(classes[0].body, method.name,
                                                            _FUNCS), where)
    if not compared:
        problems.append(f"cell tagged {tag!r} defines no function or class")
    return problems


def tagged_cells(notebook: Path) -> list[tuple[int, str, str]]:
    """``(cell index, tag, source)`` for every code cell tagged ``toyloop:...``."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for tag in cell.get("metadata", {}).get("tags", []) or []:
            if tag.startswith(TAG_PREFIX):
                found.append((index, tag, source))
    return found


def check_notebook(notebook: Path, package: Path = PACKAGE) -> list[str]:
    problems = []
    for index, tag, source in tagged_cells(notebook):
        problems += [f"{notebook.name} cell {index} [{tag}]: {p}"
                     for p in check_cell(source, tag, package)]
    return problems


# -- the real notebooks -------------------------------------------------------------------

ALL_NOTEBOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_the_package(notebook):
    problems = check_notebook(notebook)
    assert not problems, "\n\n".join(problems)


# -- the check itself can fail -------------------------------------------------------------

MODULE = '''\
"""A module."""

import heapq


def helper(x):
    """Doubles."""
    return x * 2


class Loop:
    def __init__(self):
        self._ready = []

    def call_soon(self, callback, *args):
        """Queue it."""
        self._ready.append((callback, args))

    def _run_once(self):
        ready, self._ready = self._ready, []
        for callback, args in ready:
            callback(*args)

    class Inner:
        def ping(self):
            return "pong"


class Annotated:
    def helper(self, x: int) -> int:
        y: int = x * 2
        z: str
        return y


if hasattr(heapq, "heappush"):
    def conditional():
        return 1
'''


def _notebook(tmp_path: Path, cells: list[tuple[str, list[str]]]) -> Path:
    nb = {
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {"tags": tags},
                   "source": src, "outputs": [], "execution_count": None}
                  for i, (src, tags) in enumerate(cells)],
    }
    path = tmp_path / "synthetic.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture
def package(tmp_path):
    pkg = tmp_path / "toyloop"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "demo.py").write_text(MODULE, encoding="utf-8")
    (pkg / "sub" / "deep.py").write_text(MODULE, encoding="utf-8")
    return pkg


AGREEING_CELLS = [
    # comments, formatting and docstrings may differ; assignments are ignored
    ("def helper(x):\n    # twice as much\n    return (x *\n            2)\n", ["toyloop:demo"]),
    ("def call_soon(self, callback, *args):\n    self._ready.append((callback, args))\n\n"
     "Loop.call_soon = call_soon\n", ["toyloop:demo.Loop"]),
    ("class Loop:\n    '''Only one method here.'''\n    def _run_once(self):\n"
     "        ready, self._ready = self._ready, []\n        for callback, args in ready:\n"
     "            callback(*args)\n", ["toyloop:demo"]),
    ("def ping(self):\n    return 'pong'\n", ["toyloop:demo.Loop.Inner"]),
    ("%time x = 1\ndef conditional():\n    return 1\n", ["toyloop:demo"]),
    ("def helper(x):\n    return x * 2\n", ["toyloop:sub.deep"]),
    # annotations don't count either way
    ("def helper(self, x):\n    y = x * 2\n    return y\n", ["toyloop:demo.Annotated"]),
    ("print('untagged cells are not checked')\ndef helper(): pass\n", []),
]


def test_agreeing_notebook_passes(tmp_path, package):
    assert check_notebook(_notebook(tmp_path, AGREEING_CELLS), package) == []


@pytest.mark.parametrize(
    ("source", "tag", "expected"),
    [
        pytest.param("def helper(x):\n    return x * 3\n", "toyloop:demo",
                     "demo.helper differs from the module", id="function-body-drifted"),
        pytest.param("def helper(y):\n    return y * 2\n", "toyloop:demo",
                     "demo.helper differs from the module", id="parameter-renamed"),
        pytest.param("def call_soon(self, callback, *args):\n"
                     "    self._ready.insert(0, (callback, args))\n", "toyloop:demo.Loop",
                     "demo.Loop.call_soon differs from the module", id="method-drifted"),
        pytest.param("class Loop:\n    def _run_once(self):\n        pass\n", "toyloop:demo",
                     "demo.Loop._run_once differs from the module", id="class-method-drifted"),
        pytest.param("class Loop:\n    def call_later(self):\n        pass\n", "toyloop:demo",
                     "demo.Loop.call_later: not found in the module", id="method-missing"),
        pytest.param("def nowhere():\n    pass\n", "toyloop:demo",
                     "demo.nowhere: not found in the module", id="function-missing"),
        pytest.param("class Gone:\n    pass\n", "toyloop:demo",
                     "demo.Gone: class not found in the module", id="class-missing"),
        pytest.param("def helper(x):\n    return x * 2\n", "toyloop:nosuch",
                     "tag 'toyloop:nosuch' names no module", id="unknown-module"),
        pytest.param("def f(self):\n    pass\n", "toyloop:demo.Nope",
                     "tag 'toyloop:demo.Nope': no class 'Nope' in demo", id="unknown-class"),
        pytest.param("x = 1\n", "toyloop:demo",
                     "defines no function or class", id="nothing-defined"),
        pytest.param("def helper(x):\n    return x *\n", "toyloop:demo",
                     "cell does not parse", id="syntax-error"),
        pytest.param("def helper(self, x):\n    y = x * 3\n    return y\n",
                     "toyloop:demo.Annotated", "demo.Annotated.helper differs",
                     id="annotated-module-drifted"),
    ],
)
def test_drifting_cell_fails(tmp_path, package, source, tag, expected):
    path = _notebook(tmp_path, AGREEING_CELLS + [(source, [tag])])
    problems = check_notebook(path, package)
    assert len(problems) == 1
    assert expected in problems[0]
    assert problems[0].startswith(f"synthetic.ipynb cell {len(AGREEING_CELLS)} [{tag}]")


def test_drift_report_shows_a_diff(tmp_path, package):
    path = _notebook(tmp_path, [("def helper(x):\n    return x * 3\n", ["toyloop:demo"])])
    (problem,) = check_notebook(path, package)
    assert "-    return x * 2" in problem
    assert "+    return x * 3" in problem


def test_notebook_list_is_not_empty():
    assert any(p.name == "00_welcome.ipynb" for p in ALL_NOTEBOOKS)


def test_chapters_that_show_package_code_are_checked():
    # Without tagged cells, test_notebook_matches_the_package passes without comparing
    # anything.  Every chapter from 1 on shows package code as tagged cells (kept by
    # `make sync`, notebooks/_tools/sync.py), never with inspect.getsource at run time.
    tagged = {p.name[:2] for p in ALL_NOTEBOOKS if tagged_cells(p)}
    assert tagged >= {"01", "02", "03", "04", "05", "06", "07"}


def test_no_notebook_prints_package_source_at_run_time():
    for notebook in ALL_NOTEBOOKS:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            source = "".join(cell["source"])
            assert "print(inspect.getsource(" not in source, (
                f"{notebook.name} cell {index}: show package code in a cell tagged "
                "toyloop:<module>[.<Class>] (kept by `make sync`), not with inspect.getsource")
