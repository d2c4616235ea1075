"""The learner's own pieces, saved between notebooks, and the loop made of them.

A build exercise that passes saves the learner's code as a small Python file
in the *mine* folder: ``mine/`` at the top of the repository (git ignores it,
so a fresh clone has none), or the folder named by ``$TOYLOOP_MINE`` (tests
always set it to a temporary folder).  Each file holds the imports the code
needs and the methods inside their ``class`` line, so it runs again in a later
notebook, in a fresh kernel.

* :func:`save_piece` / :func:`load_piece` / :func:`saved_pieces`;
* :func:`your_loop_class` and :func:`your_loop` (a loop factory for
  ``asyncio.Runner(loop_factory=your_loop)``), :func:`your_scheduler`;
* :func:`reset_mine` forgets everything (``make reset-mine`` does the same);
  :func:`forget` one piece, to fall back to toyloop's.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import linecache
import os
import shutil
import textwrap
import types
from pathlib import Path
from typing import Any

from .pieces import PIECES, assemble, assemble_scheduler, methods_of, piece

__all__ = ["forget", "load_piece", "mine_dir", "reset_mine", "save_piece", "saved_pieces",
           "your_loop", "your_loop_class", "your_scheduler"]

ENV = "TOYLOOP_MINE"
_HEADER = "# toyloop piece {name}: saved by its build exercise. Delete this file (or run\n" \
          "# toyloop.exercises.forget({name!r})) to use toyloop's piece again.\n"


def mine_dir() -> Path:
    """Where pieces are saved: ``$TOYLOOP_MINE``, else ``mine/`` next to the package."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    package_parent = Path(__file__).resolve().parents[2]
    if (package_parent / "pyproject.toml").exists():
        return package_parent / "mine"  # a clone of the repository: mine/ at its top
    return Path.home() / ".toyloop" / "mine"  # an installed toyloop


def _path(name: str) -> Path:
    return mine_dir() / f"{piece(name).name}.py"


# ---------------------------------------------------------------------------
# Saving: source of each method, plus the imports it needs
# ---------------------------------------------------------------------------


def _source(fn: Any) -> str:
    """Dedented source of a function (works for notebook cells: IPython's linecache)."""
    fn = getattr(fn, "__func__", fn)
    if isinstance(fn, property):
        fn = fn.fget
    return textwrap.dedent(inspect.getsource(fn)).rstrip() + "\n"


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _import_line(name: str, value: Any) -> str | None:
    """A line that makes ``name`` mean ``value`` again, or None if there is none."""
    if isinstance(value, types.ModuleType):
        return f"import {value.__name__}" + ("" if value.__name__ == name else f" as {name}")
    if isinstance(value, (str, int, float, bool, bytes, type(None))) and \
            not name.startswith("__"):
        return f"{name} = {value!r}"
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if not module or not qualname or module == "__main__" or "." in qualname:
        return None
    try:
        if getattr(importlib.import_module(module), qualname) is not value:
            return None
    except Exception:  # a module that cannot be imported again: leave the name out
        return None
    return f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")


def _imports(functions: list[Any]) -> list[str]:
    lines: set[str] = set()
    for fn in functions:
        fn = getattr(fn, "__func__", fn)
        code = getattr(fn, "__code__", None)
        if code is None:
            continue
        for name in sorted(_global_names(code)):
            if name in fn.__globals__ and not hasattr(builtins, name):
                line = _import_line(name, fn.__globals__[name])
                if line:
                    lines.add(line)
    return sorted(lines)


def piece_source(name: str, candidate: Any) -> str:
    """The text :func:`save_piece` writes for ``candidate``."""
    p = piece(name)
    # A method plugged in under two names (``_MyTask__step`` and ``_Task__step``) once.
    methods = list({id(fn): fn for fn in methods_of(p, candidate).values()}.values())
    body = "\n".join(_source(fn) for fn in methods)
    imports = "\n".join(_imports(methods))
    cls = f"class {p.shell}:\n{textwrap.indent(body, '    ')}"
    return f"{_HEADER.format(name=p.name)}\n{imports}\n\n\n{cls}"


def save_piece(name: str, candidate: Any) -> Path:
    """Save ``candidate`` as the learner's piece ``name``; returns the file written."""
    text = piece_source(name, candidate)
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    linecache.checkcache(str(path))
    return path


def load_piece(name: str) -> Any:
    """The saved piece ``name`` as a class holding its methods (None if not saved)."""
    p = piece(name)
    path = _path(name)
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    # Names the learner's cell had but that could not be written as an import
    # come from the home module (chapter 2's _PENDING, Handle...).
    namespace = dict(vars(importlib.import_module(p.home.partition(":")[0])))
    namespace["__name__"] = f"toyloop_mine_{p.name.replace('.', '_')}"
    exec(compile(text, str(path), "exec"), namespace)  # noqa: S102 - the learner's own code
    return namespace[p.shell]


def saved_pieces() -> dict[str, Any]:
    """``{piece name: class}`` for every piece saved in the mine folder."""
    out = {}
    for name in PIECES:
        loaded = load_piece(name)
        if loaded is not None:
            out[name] = loaded
    return out


def forget(name: str) -> bool:
    """Delete the saved piece ``name`` (toyloop's is used again); True if there was one."""
    path = _path(name)
    if path.exists():
        path.unlink()
        return True
    return False


def reset_mine() -> None:
    """Forget every saved piece: the state of a fresh clone."""
    folder = mine_dir()
    if folder.exists():
        shutil.rmtree(folder)


# ---------------------------------------------------------------------------
# Your loop
# ---------------------------------------------------------------------------


def your_loop_class(*, without: tuple[str, ...] | list[str] = ()) -> type:
    """A loop class made of your saved pieces, toyloop's for the rest.

    ``without`` names saved pieces to leave out (toyloop's are used instead).
    """
    mine = {n: c for n, c in saved_pieces().items()
            if n not in without and PIECES[n].target != "scheduler"}
    return assemble(mine, name="YourLoop")


def your_loop(**kwargs: Any) -> Any:
    """A new loop made of your pieces: ``asyncio.Runner(loop_factory=your_loop)``."""
    return your_loop_class()(**kwargs)


def your_scheduler(**kwargs: Any) -> Any:
    """Chapter 1's Scheduler with your saved ``_run_once`` (toyloop's if none)."""
    mine = {n: c for n, c in saved_pieces().items() if PIECES[n].target == "scheduler"}
    return assemble_scheduler(mine)(**kwargs)
