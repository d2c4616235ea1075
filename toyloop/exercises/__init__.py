"""Exercises for the chapters: one module per chapter, each with checkers and solutions.

The build exercises (the learner writes the loop's own pieces) live in
:mod:`toyloop.exercises.build`; the pieces and the loops assembled from them in
:mod:`toyloop.exercises.pieces` and :mod:`toyloop.exercises.mine`.  The names
below are loaded on first use, so importing one chapter's exercises stays cheap.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "AssembledLoop": ("toyloop.exercises.build", "AssembledLoop"),
    "YourLoop": ("toyloop.exercises.mine", "your_loop_class"),
    "your_loop": ("toyloop.exercises.mine", "your_loop"),
    "your_loop_class": ("toyloop.exercises.mine", "your_loop_class"),
    "your_scheduler": ("toyloop.exercises.mine", "your_scheduler"),
    "reset_mine": ("toyloop.exercises.mine", "reset_mine"),
    "forget": ("toyloop.exercises.mine", "forget"),
    "describe": ("toyloop.exercises.pieces", "describe"),
}


def __getattr__(name: str) -> Any:
    """``toyloop.exercises.AssembledLoop`` and friends, imported when first asked for.

    ``YourLoop`` is rebuilt on every access, from the pieces saved at that moment.
    """
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(module), attr)
    return value() if name == "YourLoop" else value
