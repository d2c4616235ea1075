"""Shared test setup, kept minimal: other helpers add test files under tests/.

Test folders carry no ``__init__.py`` (pytest's default "prepend" import mode), so
test-file basenames must be unique across folders.  This file puts ``tests/`` on
``sys.path`` so that suites can share helper modules as ``differential.harness`` and
``differential.misuse_table``, whatever import mode pytest runs in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_mine(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees a fresh learner: saved build pieces go to a temporary folder,
    never to the repository's mine/ (toyloop.exercises.mine reads $TOYLOOP_MINE)."""
    monkeypatch.setenv("TOYLOOP_MINE", str(tmp_path_factory.mktemp("mine")))


# The wrong-answer corpora (hundreds of learner answers run through the checkers) take
# a few minutes.  CI runs them once, under its default Python, and sets
# TOYLOOP_SKIP_CORPUS=1 for the others, where the checkers' own tests
# (test_exercises_*.py, test_checker*.py) still run: that keeps all of CI under 20
# minutes on 2 cores.  `make test` alone always runs everything.
_CORPUS_FILES = ("test_corpus.py", "test_corpus_build.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TOYLOOP_SKIP_CORPUS", "") in ("", "0"):
        return
    skip = pytest.mark.skip(reason="TOYLOOP_SKIP_CORPUS is set (CI runs the corpora once)")
    for item in items:
        if item.path.name in _CORPUS_FILES:
            item.add_marker(skip)
