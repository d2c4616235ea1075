"""Shared test setup, kept minimal: other helpers add test files under tests/.

Test folders carry no ``__init__.py`` (pytest's default "prepend" import mode), so
test-file basenames must be unique across folders.  This file puts ``tests/`` on
``sys.path`` so that suites can share helper modules as ``differential.harness`` and
``differential.misuse_table``, whatever import mode pytest runs in.
"""

from __future__ import annotations

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
