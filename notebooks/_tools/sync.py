"""Keep every notebook, its MyST twin and the package code it shows in step.

    python notebooks/_tools/sync.py                # all notebooks (what `make sync` runs)
    python notebooks/_tools/sync.py 02 05          # only chapters 02 and 05
    python notebooks/_tools/sync.py --check        # change nothing; exit 1 if a sync is due

For each ``notebooks/NN_name.ipynb`` it does two things, in this order:

1. **Pairing** (``jupytext --sync``): the ``.ipynb`` and its twin ``NN_name.md`` (MyST
   markdown, paired by ``notebooks/jupytext.toml``) are compared, and the newer one is
   copied onto the other.  It prints which side was newer.  Updating the ``.ipynb`` from
   the ``.md`` keeps the outputs and the ids of the cells whose source did not change, so
   a teacher may edit either file: in JupyterLab with or without the jupytext extension,
   or in a text editor.
2. **Package code**: every code cell tagged ``toyloop:<module>`` or
   ``toyloop:<module>.<Class>`` is rewritten from the module's source, then both files
   are written again.

Which code a tagged cell shows is named by the cell itself: each top-level ``def`` or
``class`` in the cell is looked up *by name* in the module (or, for a
``toyloop:<module>.<Class>`` tag, among that class's methods) and replaced by the
module's text of it, comments and annotations included.  So the cell follows the module
wherever the code moves inside the file, and a name the module no longer has stops the
sync with a message saying which cell and which name.  Two details:

* a docstring is shown only if the cell's copy has one (chapter 2 drops them: the prose
  says it); delete a cell's docstring once and it stays out;
* a ``class`` in a ``toyloop:<module>`` cell shows the members the cell's copy has
  (methods by name, class attributes by target), in the cell's order; when the cell has
  every member, the module's class is copied as written.

Anything else in a tagged cell (imports, ``Loop.method = method``, prints) is the cell's
own and is left alone.  ``tests/test_notebook_twins.py`` fails when a sync is due.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent
PACKAGE = NOTEBOOKS.parent / "toyloop"
TAG_PREFIX = "toyloop:"
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class SyncError(Exception):
    """A tagged cell names code the module does not have (or does not parse)."""


# -- where a tag points --------------------------------------------------------------------


@dataclass
class Source:
    """A module's text and tree, and the scope (module or class) a tag points at."""

    module: str
    path: Path
    shown_path: str  # "toyloop/ch2_futures.py", for messages
    lines: list[str]
    scope: list[ast.stmt]  # the body the cell's names are looked up in


def resolve(tag: str, package: Path = PACKAGE) -> Source:
    """``toyloop:ch2_futures.Task`` -> ch2_futures.py, scope = class Task's body."""
    parts = tag[len(TAG_PREFIX):].split(".")
    for split in range(len(parts), 0, -1):
        path = package.joinpath(*parts[:split]).with_suffix(".py")
        if path.is_file():
            break
    else:
        raise SyncError(f"tag {tag!r} names no module under {package.name}/")
    module = ".".join(parts[:split])
    text = path.read_text(encoding="utf-8")
    scope: list[ast.stmt] = ast.parse(text).body
    for name in parts[split:]:
        found = _find(scope, ast.ClassDef, name)
        if found is None:
            raise SyncError(f"tag {tag!r}: no class {name!r} in {module}")
        scope = found.body
    shown_path = f"{package.name}/{path.relative_to(package).as_posix()}"
    return Source(module, path, shown_path, text.splitlines(), scope)


def _members(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of a body, looking inside top-level if/try blocks too."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            found += _members(node.body) + _members(node.orelse)
        elif isinstance(node, ast.Try):
            found += _members(node.body) + _members(node.orelse) + _members(node.finalbody)
            for handler in node.handlers:
                found += _members(handler.body)
        else:
            found.append(node)
    return found


def _find(body: list[ast.stmt], kind: type | tuple, name: str) -> ast.stmt | None:
    for node in _members(body):
        if isinstance(node, kind) and node.name == name:
            return node
    return None


def _key(node: ast.stmt) -> str | None:
    """How a class member is recognised in a cell: its name, or its assignment target."""
    if isinstance(node, _DEFS):
        return node.name
    if isinstance(node, ast.Assign):
        return " = ".join(ast.unparse(t) for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return ast.unparse(node.target)
    return None  # docstrings, pass, ...: not members a cell picks


# -- text of a definition ------------------------------------------------------------------


def _docstring(node: ast.stmt) -> ast.Expr | None:
    body = getattr(node, "body", None)
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        return body[0]
    return None


def _start(node: ast.stmt) -> int:
    """First line of a statement, decorators included (1-based)."""
    decorators = getattr(node, "decorator_list", [])
    return decorators[0].lineno if decorators else node.lineno


def _leading_comments(lines: list[str], start: int) -> int:
    """The first line of the comment block right above line ``start`` (1-based)."""
    while start > 1 and lines[start - 2].strip().startswith("#"):
        start -= 1
    return start


def _text(lines: list[str], node: ast.stmt, keep_doc: bool) -> list[str]:
    """The module's lines of ``node``, without its docstring unless ``keep_doc``."""
    start = _start(node)
    chunk = lines[start - 1:node.end_lineno]
    doc = _docstring(node)
    if doc is not None and not keep_doc and doc.lineno > node.lineno:
        del chunk[doc.lineno - start:doc.end_lineno - start + 1]
    return chunk


def _class_text(lines: list[str], node: ast.ClassDef, shown: ast.ClassDef) -> list[str]:
    """Module class ``node`` with the members (and docstring) its cell copy ``shown`` has."""
    keep_doc = _docstring(shown) is not None
    wanted = [k for k in (_key(m) for m in _members(shown.body)) if k is not None]
    have = {}
    for member in _members(node.body):
        key = _key(member)
        if key is not None:
            have.setdefault(key, member)
    missing = [k for k in wanted if k not in have]
    if missing:
        raise SyncError(", ".join(f"{node.name}.{k}" for k in missing)
                        + " not found in the module")
    if wanted == list(have):  # the whole class, as written
        return _text(lines, node, keep_doc)
    first = node.body[0]
    header = lines[_start(node) - 1:_leading_comments(lines, _start(first)) - 1]
    while header and not header[-1].strip():
        header.pop()
    out = list(header)
    doc = _docstring(node)
    if keep_doc and doc is not None:
        out += lines[doc.lineno - 1:doc.end_lineno]
    for index, key in enumerate(wanted):
        member = have[key]
        if index or (keep_doc and doc is not None):
            out.append("")
        out += lines[_leading_comments(lines, _start(member)) - 1:_start(member) - 1]
        out += _member_text(lines, member, next(m for m in _members(shown.body)
                                                 if _key(m) == key))
    return out


def _member_text(lines: list[str], node: ast.stmt, shown: ast.stmt) -> list[str]:
    if isinstance(node, ast.ClassDef) and isinstance(shown, ast.ClassDef):
        return _class_text(lines, node, shown)
    if isinstance(node, _DEFS):
        return _text(lines, node, keep_doc=_docstring(shown) is not None)
    return lines[node.lineno - 1:node.end_lineno]


# -- rewriting one cell --------------------------------------------------------------------


def _parseable(cell: str) -> str:
    """The cell with IPython magics and shell escapes turned into comments."""
    return "\n".join("#" + line if line.lstrip().startswith(("%", "!")) else line
                     for line in cell.split("\n"))


def rewrite_cell(cell: str, tag: str, package: Path = PACKAGE) -> str:
    """What ``make sync`` writes into a code cell tagged ``tag``."""
    source = resolve(tag, package)
    try:
        tree = ast.parse(_parseable(cell))
    except SyntaxError as exc:
        raise SyncError(f"cell does not parse: {exc}") from None
    cell_lines = cell.split("\n")
    defs = [n for n in tree.body if isinstance(n, _DEFS)]
    if not defs:
        raise SyncError("a tagged cell must define at least one function or class")
    for shown in reversed(defs):  # bottom-up, so earlier line numbers stay valid
        kind = ast.ClassDef if isinstance(shown, ast.ClassDef) else (
            ast.FunctionDef, ast.AsyncFunctionDef)
        node = _find(source.scope, kind, shown.name)
        if node is None:
            where = source.module + "".join(
                f".{p}" for p in tag[len(TAG_PREFIX):].split(".")[len(source.module.split(".")):])
            what = "class" if kind is ast.ClassDef else "function"
            raise SyncError(f"{what} {shown.name!r} not found in {where} "
                            f"({source.shown_path}): "
                            "was it renamed or removed? Fix the cell, then run `make sync`")
        try:
            new = _member_text(source.lines, node, shown)
        except SyncError as exc:
            raise SyncError(f"{source.module}: {exc}") from None
        cell_lines[_start(shown) - 1:shown.end_lineno] = textwrap.dedent(
            "\n".join(new)).split("\n")
    return "\n".join(cell_lines)


def toyloop_tags(cell: dict) -> list[str]:
    return [t for t in cell.get("metadata", {}).get("tags", []) or []
            if t.startswith(TAG_PREFIX)]


def rewrite_notebook(nb, name: str, package: Path = PACKAGE) -> list[str]:
    """Rewrite ``nb``'s tagged cells in place; return a line per cell that changed."""
    changed = []
    for index, cell in enumerate(nb.cells):
        tags = toyloop_tags(cell)
        if cell.cell_type != "code" or not tags:
            continue
        if len(tags) > 1:
            raise SyncError(f"{name} cell {index} (id {cell.get('id')}): "
                            f"one toyloop: tag per cell, not {tags}")
        try:
            new = rewrite_cell(cell.source, tags[0], package)
        except SyncError as exc:
            raise SyncError(f"{name} cell {index} (id {cell.get('id')}) "
                            f"[{tags[0]}]: {exc}") from None
        if new != cell.source:
            cell.source = new
            changed.append(f"{name} cell {index} (id {cell.get('id')}) [{tags[0]}]")
    return changed


# -- pairing -------------------------------------------------------------------------------


def twin(notebook: Path) -> Path:
    return notebook.with_suffix(".md")


def newer_side(notebook: Path) -> str:
    """Which file ``jupytext --sync`` will copy from, and why, in words."""
    md = twin(notebook)
    if not md.exists():
        return f"{notebook.name}: no {md.name} yet, writing it from the .ipynb"
    if not notebook.exists():
        return f"{notebook.name}: missing, writing it from {md.name}"
    if md.stat().st_mtime > notebook.stat().st_mtime:
        return f"{notebook.name}: {md.name} is newer, updating the .ipynb from it"
    return f"{notebook.name}: the .ipynb is newer (or as new), updating {md.name} from it"


def pair(notebook: Path) -> None:
    from jupytext.cli import jupytext as jupytext_cli

    print(newer_side(notebook))
    source = notebook if notebook.exists() else twin(notebook)
    jupytext_cli(["--sync", "--quiet", str(source)])


def sync_notebook(notebook: Path, check: bool = False) -> list[str]:
    """Pair, then rewrite the tagged cells; return what changed (or would)."""
    import nbformat

    if check:
        nb = nbformat.read(notebook, as_version=4)
        return rewrite_notebook(nb, notebook.name)
    pair(notebook)
    nb = nbformat.read(notebook, as_version=4)
    changed = rewrite_notebook(nb, notebook.name)
    if changed:
        nbformat.write(nb, notebook)
        # The .ipynb now holds the news: make it the newer side and pair again.
        stamp = notebook.stat().st_mtime
        os.utime(twin(notebook), (stamp - 1, stamp - 1))
        pair(notebook)
        for line in changed:
            print(f"  rewrote {line}")
    return changed


def notebooks(selected: list[str]) -> list[Path]:
    found = sorted({p.with_suffix(".ipynb") for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
                   | {p.with_suffix(".ipynb") for p in NOTEBOOKS.glob("[0-9][0-9]_*.md")})
    if selected:
        found = [p for p in found if any(p.name.startswith(s) for s in selected)]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="notebook name prefixes (e.g. 02)")
    parser.add_argument("--check", action="store_true",
                        help="only report tagged cells that differ from the package")
    args = parser.parse_args(argv)
    due = []
    try:
        for notebook in notebooks(args.chapters):
            due += sync_notebook(notebook, check=args.check)
    except SyncError as exc:
        print(f"sync failed: {exc}", file=sys.stderr)
        return 2
    if args.check and due:
        print("tagged cells differ from the package (run `make sync`):\n  "
              + "\n  ".join(due), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
