"""Run CPython's own asyncio tests against toyloop, and against asyncio for scale.

``python -m toyloop.conformance`` (``make conformance``) takes test classes
from the standard library's ``test.test_asyncio`` package of the running
Python and runs each twice, every module in a fresh child process:

* on **asyncio**'s own loop, exactly as CPython's suite runs them;
* on **toyloop**: the loop-level classes (test_events, test_sock_lowlevel,
  test_server, test_buffered_proto, test_streams, test_sendfile,
  test_subprocess) are subclassed so that their loop hook
  (``create_event_loop`` or ``new_loop``) returns ``toyloop.EventLoop()``;
  and the default event loop policy's loop factory is replaced by
  ``toyloop.EventLoop``, so ``asyncio.new_event_loop()``,
  ``asyncio.run`` and ``IsolatedAsyncioTestCase`` (the policy-based
  modules: locks, queues, taskgroups, timeouts, waitfor, threads) get a
  toyloop loop too.  Each child counts the toyloop loops it made, so a
  module that silently ran on asyncio's loop would show up as 0 loops.

It prints, per module and in total, how many tests pass on toyloop over how
many pass on asyncio's loop with the same command, then lists every test
that passes on asyncio and not on toyloop, with the first line of its
error.  Tests that need the network (beyond loopback) are not run: the
``network`` resource is off, as in a default ``regrtest`` run.

``--markdown FILE`` also writes that report as Markdown (docs/conformance.md
is made this way); ``--only test_x`` runs one module; ``--smoke`` runs one
small module (what ``make test`` checks of this runner).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from dataclasses import dataclass, field
from typing import Any

# Module -> the classes to run; None means every TestCase class in the module.
# Loop-level modules: the selector-based classes only (epoll is what asyncio
# picks on Linux; poll/select repeat the same tests over another selector,
# proactor classes are Windows-only).
LOOP_LEVEL: dict[str, list[str] | None] = {
    "test_events": ["EPollEventLoopTests"],
    "test_sock_lowlevel": ["EPollEventLoopTests"],
    "test_server": ["SelectorStartServerTests", "TestServer2", "UnixServerCleanupTests"],
    "test_buffered_proto": ["BufferedProtocolSelectorTests"],
    "test_streams": ["StreamTests"],
    "test_sendfile": ["EPollEventLoopTests"],
    "test_subprocess": ["SubprocessThreadedWatcherTests", "SubprocessSafeWatcherTests",
                        "SubprocessFastWatcherTests", "SubprocessPidfdWatcherTests",
                        "GenericWatcherTests"],
}
POLICY_BASED: dict[str, list[str] | None] = {
    "test_locks": None, "test_queues": None, "test_taskgroups": None,
    "test_timeouts": None, "test_waitfor": None, "test_threads": None,
    "test_runners": None,
}
MODULES = {**LOOP_LEVEL, **POLICY_BASED}
SMOKE_MODULE = "test_buffered_proto"
MODULE_TIMEOUT = 900  # seconds for one module on one loop; a hang loses only the rest
TEST_TIMEOUT = 30  # seconds for one test (CPython's suite allows far less per test)
# Resources a plain regrtest run enables, minus "network": nothing beyond loopback.
RESOURCES = ["cpu", "decimal", "subprocess", "walltime", "tzdata"]


# ---------------------------------------------------------------------------
# The child: run one module on one loop, one JSON line per finished test
# ---------------------------------------------------------------------------


class TestTimedOut(SystemExit):
    """Raised by the alarm in a test that runs too long.

    A ``SystemExit`` because event loops let it through (asyncio and toyloop
    report any other exception from a callback to the exception handler and
    go on), while unittest records it as the test's error and moves on.
    """


def _on_alarm(signum: int, frame: Any) -> None:
    raise TestTimedOut(f"test still running after {TEST_TIMEOUT}s")


class _LineResult(unittest.TestResult):
    """Writes ``{"id", "outcome", "detail"}`` per test as soon as it finishes."""

    def __init__(self, out: Any) -> None:
        super().__init__()
        self._out = out
        signal.signal(signal.SIGALRM, _on_alarm)

    def startTest(self, test: Any) -> None:
        super().startTest(test)
        signal.setitimer(signal.ITIMER_REAL, TEST_TIMEOUT)

    def stopTest(self, test: Any) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().stopTest(test)

    def _emit(self, test: Any, outcome: str, detail: str = "") -> None:
        self._out.write(json.dumps({"id": _short_id(test), "outcome": outcome,
                                    "detail": detail}) + "\n")
        self._out.flush()

    def addSuccess(self, test: Any) -> None:
        self._emit(test, "pass")

    def addFailure(self, test: Any, err: Any) -> None:
        self._emit(test, "fail", _first_line(self._exc_info_to_string(err, test)))

    def addError(self, test: Any, err: Any) -> None:
        self._emit(test, "error", _first_line(self._exc_info_to_string(err, test)))

    def addSkip(self, test: Any, reason: str) -> None:
        self._emit(test, "skip", reason)

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        self._emit(test, "xfail")

    def addUnexpectedSuccess(self, test: Any) -> None:
        self._emit(test, "pass")

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        if err is not None:  # a failing subtest fails its test
            self.addFailure(test, err) if issubclass(err[0], test.failureException) \
                else self.addError(test, err)


def _short_id(test: Any) -> str:
    """``ClassName.test_method``: the same on both loops (module is implied)."""
    return f"{type(test).__name__}.{test._testMethodName}"


def _first_line(text: str) -> str:
    """The exception line of a traceback: its last non-empty line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


_LOOPS_MADE = 0


def _toyloop_factory(*args: Any, **kwargs: Any) -> Any:
    """``toyloop.EventLoop``, counted, so the report proves toyloop really ran."""
    global _LOOPS_MADE
    import toyloop
    _LOOPS_MADE += 1
    return toyloop.EventLoop()


def _runners_loop() -> Any:
    """test_runners' ``new_loop``: asyncio's ``BaseEventLoop`` with its I/O mocked
    out and ``shutdown_asyncgens`` recorded.  Here: a real toyloop loop, with the
    same record kept, since the tests' tearDown checks it."""
    loop = _toyloop_factory()
    loop.shutdown_ag_run = False
    original = loop.shutdown_asyncgens

    async def shutdown_asyncgens() -> None:
        loop.shutdown_ag_run = True
        await original()

    loop.shutdown_asyncgens = shutdown_asyncgens
    return loop


# module -> how its loop hook builds a toyloop loop (default: a plain EventLoop)
_LOOP_HOOKS: dict[str, Any] = {"test_runners": _runners_loop}


def _on_toyloop(cls: type, module: str) -> type:
    """A subclass of a CPython test class whose loop hooks return toyloop's loop."""
    body: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    make = _LOOP_HOOKS.get(module, _toyloop_factory)
    for hook in ("create_event_loop", "new_loop"):
        if hasattr(cls, hook):
            body[hook] = lambda self, make=make: make()
    return type(cls.__name__, (cls,), body)


def _select_classes(mod: Any, names: list[str] | None) -> list[type]:
    if names is None:
        return [obj for obj in vars(mod).values()
                if inspect.isclass(obj) and issubclass(obj, unittest.TestCase)
                and obj.__module__ == mod.__name__]
    return [getattr(mod, name) for name in names if hasattr(mod, name)]


def _install_toyloop_policy() -> None:
    """Every policy-made loop is a toyloop loop (``asyncio.new_event_loop``, ``run``)."""
    import asyncio
    asyncio.set_event_loop_policy(None)
    asyncio.DefaultEventLoopPolicy._loop_factory = staticmethod(_toyloop_factory)


def run_worker(module: str, loop: str, out_path: str) -> int:
    """Run ``module``'s chosen classes on ``loop``, streaming results to ``out_path``."""
    from test import support
    support.use_resources = list(RESOURCES)
    mod = importlib.import_module(f"test.test_asyncio.{module}")
    classes = _select_classes(mod, MODULES[module])
    if loop == "toyloop":
        _install_toyloop_policy()
        classes = [_on_toyloop(cls, module) for cls in classes]
    suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromTestCase(cls)
                               for cls in classes)
    with open(out_path, "w", encoding="utf-8") as out:
        suite.run(_LineResult(out))
        out.write(json.dumps({"loops_made": _LOOPS_MADE}) + "\n")
    return 0


# ---------------------------------------------------------------------------
# The parent: run every module on both loops and compare
# ---------------------------------------------------------------------------


@dataclass
class ModuleResult:
    """One module's outcomes on one loop: test id -> (outcome, detail)."""

    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    loops_made: int | None = None
    note: str = ""

    def passed(self) -> set[str]:
        return {tid for tid, (outcome, _) in self.outcomes.items() if outcome == "pass"}


def run_module(module: str, loop: str) -> ModuleResult:
    """Run one module on one loop in a child process; a timeout keeps what finished."""
    result = ModuleResult()
    with tempfile.TemporaryDirectory() as tmp:
        out_path = os.path.join(tmp, "results.jsonl")
        cmd = [sys.executable, "-X", "faulthandler", "-m", "toyloop.conformance",
               "--worker", module, "--loop", loop, "--out", out_path]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=MODULE_TIMEOUT, check=False, cwd=tmp, env=_child_env())
        except subprocess.TimeoutExpired:
            result.note = f"timed out after {MODULE_TIMEOUT}s; later tests not run"
        if os.path.exists(out_path):
            _read_results(out_path, result)
    return result


def _child_env() -> dict[str, str]:
    """This toyloop first on the child's path: the child runs in a scratch directory."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _read_results(path: str, result: ModuleResult) -> None:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if "loops_made" in record:
                result.loops_made = record["loops_made"]
            else:
                result.outcomes[record["id"]] = (record["outcome"], record["detail"])
    if result.loops_made is None and not result.note:
        result.note = "the test process died before the end"


def _module_exists(module: str) -> bool:
    try:
        importlib.import_module(f"test.test_asyncio.{module}")
    except ImportError:
        return False
    return True


def compare(modules: list[str]) -> dict[str, Any]:
    """Run every module on both loops; return the report as plain data."""
    report: dict[str, Any] = {"python": sys.version.split()[0], "modules": {}}
    for module in modules:
        if not _module_exists(module):
            report["modules"][module] = {"note": "not in this Python's test_asyncio: skipped"}
            continue
        ref, toy = run_module(module, "asyncio"), run_module(module, "toyloop")
        missing = sorted(ref.passed() - toy.passed())
        report["modules"][module] = {
            "asyncio": len(ref.passed()), "toyloop": len(ref.passed() & toy.passed()),
            "toyloop_extra": sorted(toy.passed() - ref.passed()),
            "toyloop_loops": toy.loops_made, "note": "; ".join(
                n for n in (ref.note and f"asyncio: {ref.note}",
                            toy.note and f"toyloop: {toy.note}") if n),
            "failures": [[tid, *toy.outcomes.get(tid, ("not run", ""))] for tid in missing],
            # not counted: what asyncio's own loop did not pass here (skips, mostly)
            "asyncio_not_passed": [[tid, *outcome] for tid, outcome in
                                   sorted(ref.outcomes.items()) if outcome[0] != "pass"],
        }
    ran = [m for m in report["modules"].values() if "asyncio" in m]
    report["asyncio"] = sum(m["asyncio"] for m in ran)
    report["toyloop"] = sum(m["toyloop"] for m in ran)
    return report


def format_text(report: dict[str, Any]) -> str:
    lines = [f"CPython test_asyncio on Python {report['python']}: tests passing on toyloop "
             "/ passing on asyncio's loop", ""]
    for module, data in report["modules"].items():
        if "asyncio" not in data:
            lines.append(f"  {module:22} {data['note']}")
            continue
        pct = 100 * data["toyloop"] / data["asyncio"] if data["asyncio"] else 100.0
        extra = f"  [{data['note']}]" if data["note"] else ""
        lines.append(f"  {module:22} {data['toyloop']:4} / {data['asyncio']:<4} "
                     f"{pct:5.1f}%  ({data['toyloop_loops']} toyloop loops){extra}")
    total_pct = 100 * report["toyloop"] / report["asyncio"] if report["asyncio"] else 100.0
    lines += ["", f"  {'TOTAL':22} {report['toyloop']:4} / {report['asyncio']:<4} "
                  f"{total_pct:5.1f}%", ""]
    for module, data in report["modules"].items():
        for tid, outcome, detail in data.get("failures", []):
            lines.append(f"  FAIL {module}.{tid}: {outcome}: {detail}")
    return "\n".join(lines)


def format_markdown(report: dict[str, Any], explanations: dict[str, str]) -> str:
    total_pct = 100 * report["toyloop"] / report["asyncio"] if report["asyncio"] else 100.0
    out = [f"### Python {report['python']}: {report['toyloop']} / {report['asyncio']} "
           f"({total_pct:.1f}%)", "",
           "| module | toyloop / asyncio | toyloop loops made | note |", "|---|---|---|---|"]
    for module, data in report["modules"].items():
        if "asyncio" not in data:
            out.append(f"| {module} | - | - | {data['note']} |")
            continue
        out.append(f"| {module} | {data['toyloop']} / {data['asyncio']} | "
                   f"{data['toyloop_loops']} | {data['note']} |")
    failures = [(m, f) for m, d in report["modules"].items() for f in d.get("failures", [])]
    if failures:
        out += ["", "| failing on toyloop | outcome | why |", "|---|---|---|"]
        for module, (tid, outcome, detail) in failures:
            why = explanations.get(f"{module}.{tid}") or explanations.get(tid) or detail
            out.append(f"| `{module}.{tid}` | {outcome} | {why.replace('|', '/')} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toyloop.conformance",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only this module (repeatable)")
    parser.add_argument("--smoke", action="store_true", help=f"run {SMOKE_MODULE} only")
    parser.add_argument("--json", help="also write the report as JSON here")
    parser.add_argument("--markdown", help="also write the report as Markdown here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--loop", choices=["asyncio", "toyloop"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return run_worker(args.worker, args.loop, args.out)
    modules = [SMOKE_MODULE] if args.smoke else (args.only or list(MODULES))
    for module in modules:
        if module not in MODULES:
            parser.error(f"unknown module {module!r}; choose from {', '.join(MODULES)}")
    started = time.monotonic()
    report = compare(modules)
    report["seconds"] = round(time.monotonic() - started)
    print(format_text(report))
    print(f"\n({report['seconds']} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(format_markdown(report, EXPLANATIONS))
    return 0


# Why each remaining failure fails, keyed by "module.Class.test" or "Class.test"
# (filled in from the last run; the Markdown report shows them).
EXPLANATIONS: dict[str, str] = {
    "EPollEventLoopTests.test_create_server_multiple_hosts_ipv4": (
        "patches `asyncio.base_events.socket`, asyncio's module global, so that "
        "`socket.socket()` returns mocks that 'bind' 1.2.3.4 and 5.6.7.8; toyloop makes "
        "real sockets in its own module, which cannot bind there. create_server on "
        "several hosts is checked with real loopback addresses instead "
        "(tests/differential/test_diff_ch7_loose_ends.py)"),
    "EPollEventLoopTests.test_create_server_multiple_hosts_ipv6": (
        "the same mock of `asyncio.base_events.socket`, for ::1 and ::2"),
    "EPollEventLoopTests.test_internal_fds": (
        "skips itself unless the loop is an instance of asyncio's "
        "`selector_events.BaseSelectorEventLoop`, then checks that class's private "
        "`_internal_fds`, `_csock` and `_ssock`; toyloop is not that class (it counts "
        "its own fds the same way, chapter 4)"),
}


if __name__ == "__main__":
    sys.exit(main())
