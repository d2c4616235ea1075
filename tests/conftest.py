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
