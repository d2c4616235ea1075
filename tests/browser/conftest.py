"""Say why the browser test was skipped, even without ``pytest -rs``.

``make test`` runs plain ``pytest tests``, which shows a skip as one ``s``; a
reader then cannot tell that installing chromium would enable the browser test.
"""

from __future__ import annotations

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "tests/browser/" in report.nodeid.replace("\\", "/"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIPPED.append(reason.removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter):
    for reason in dict.fromkeys(_SKIPPED):  # once each, in order
        terminalreporter.write_line(f"NOTE: browser test skipped: {reason}", yellow=True)
