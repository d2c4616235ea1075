"""The conformance runner (``python -m toyloop.conformance``), checked on a small module.

The full run takes minutes and is not part of ``make test`` (``make conformance``
runs it); here one small module runs end to end, and the pieces that decide what
counts are tested directly.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import unittest

import toyloop
from toyloop import conformance


def test_smoke_run_prints_passes_over_asyncio_passes():
    proc = subprocess.run([sys.executable, "-m", "toyloop.conformance", "--smoke"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "test_buffered_proto" in proc.stdout
    # "1 / 1 100.0% (1 toyloop loops)": toyloop really ran, and passed what asyncio passed
    assert "   1 / 1    100.0%  (1 toyloop loops)" in proc.stdout
    assert "TOTAL" in proc.stdout and "FAIL " not in proc.stdout


def test_loop_hooks_return_toyloop_loops():
    class Sample(unittest.TestCase):
        def create_event_loop(self):
            raise AssertionError("asyncio's hook must not run")

        def new_loop(self):
            raise AssertionError("asyncio's hook must not run")

        def test_nothing(self):
            pass

    wrapped = conformance._on_toyloop(Sample, "test_events")
    case = wrapped("test_nothing")
    for hook in (case.create_event_loop, case.new_loop):
        loop = hook()
        assert isinstance(loop, toyloop.EventLoop)
        loop.close()
    assert wrapped.__name__ == "Sample" and issubclass(wrapped, Sample)


def test_comparison_counts_only_tests_that_pass_on_asyncio(monkeypatch):
    fake = {
        "asyncio": {"A.test_1": ("pass", ""), "A.test_2": ("pass", ""),
                    "A.test_3": ("fail", "broken on asyncio too")},
        "toyloop": {"A.test_1": ("pass", ""), "A.test_2": ("error", "ValueError: x"),
                    "A.test_3": ("pass", "")},
    }

    def run_module(module, loop):
        result = conformance.ModuleResult(outcomes=dict(fake[loop]), loops_made=3)
        return result

    monkeypatch.setattr(conformance, "run_module", run_module)
    report = conformance.compare(["test_locks", "test_no_such_module"])
    data = report["modules"]["test_locks"]
    assert (data["toyloop"], data["asyncio"]) == (1, 2)
    assert data["failures"] == [["A.test_2", "error", "ValueError: x"]]
    assert data["toyloop_extra"] == ["A.test_3"]
    assert "skipped" in report["modules"]["test_no_such_module"]["note"]
    text = conformance.format_text(report)
    assert "1 / 2" in text and "FAIL test_locks.A.test_2: error: ValueError: x" in text
    markdown = conformance.format_markdown(report, {"A.test_2": "explained here"})
    assert "| `test_locks.A.test_2` | error | explained here |" in markdown


def test_a_hanging_test_is_cut_off_and_recorded(monkeypatch, tmp_path):
    import io
    import json

    monkeypatch.setattr(conformance, "TEST_TIMEOUT", 0.2)

    class Hangs(unittest.TestCase):
        def test_hang(self):
            import time
            time.sleep(5)

    out = io.StringIO()
    # The runner owns SIGALRM in its child process; here, give pytest-timeout's back.
    old_handler = signal.getsignal(signal.SIGALRM)
    old_timer = signal.getitimer(signal.ITIMER_REAL)
    try:
        unittest.TestSuite([Hangs("test_hang")]).run(conformance._LineResult(out))
    finally:
        signal.signal(signal.SIGALRM, old_handler)
        signal.setitimer(signal.ITIMER_REAL, *old_timer)
    record = json.loads(out.getvalue())
    assert record["id"] == "Hangs.test_hang" and record["outcome"] == "error"
    assert "still running after" in record["detail"]
