"""Say why the browser test was skipped, even without ``pytest -rs``.

``make test`` runs plain ``pytest tests``, which shows a skip as one ``s``; a
reader then cannot tell that installing chromium would enable the browser test.

``TOYLOOP_SKIP_BROWSER=1`` skips the browser tests on purpose: CI drives chromium
once, under its default Python, since what the browser shows does not depend on
the kernel's Python and each run costs a minute and a half.
"""

from __future__ import annotations

import os

import pytest

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "tests/browser/" in report.nodeid.replace("\\", "/"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIPPED.append(reason.removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter):
    for reason in dict.fromkeys(_SKIPPED):  # once each, in order
        terminalreporter.write_line(f"NOTE: browser test skipped: {reason}", yellow=True)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TOYLOOP_SKIP_BROWSER", "") not in ("", "0"):
        skip = pytest.mark.skip(reason="TOYLOOP_SKIP_BROWSER is set (CI runs them once)")
        for item in items:
            if "tests/browser/" in item.nodeid.replace("\\", "/"):
                item.add_marker(skip)
