"""The benchmark suite runs and computes the right thing (not a timed test).

Every workload runs once on every loop at a small size, in this process, and
must report a correct result; the harness's child process, the summary maths
(medians, ratios, PASS/MISS) and the CLI are checked on small inputs.  The
chapter 6 "before" loops must give the same answers as the real one.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import textwrap
import types

import pytest

import toyloop
from toyloop.bench import harness, report
from toyloop.bench.workloads import (
    LOOPS,
    WORKLOADS,
    Skip,
    callbacks,
    fan_out,
    run_workload,
    timers,
    uvloop_available,
)
from toyloop.ch2_futures import BaseLoop
from toyloop.ch6_performance import (
    AlwaysPollLoop,
    EagerCancelLoop,
    ListReadyLoop,
    NoHooksEventLoop,
    PlainHandle,
    PlainHandleLoop,
    SortedTimersLoop,
)

MAIN = ["toyloop", "asyncio"] + (["uvloop"] if uvloop_available() else [])


@pytest.mark.parametrize("loop_name", MAIN)
@pytest.mark.parametrize("name", list(WORKLOADS))
def test_workload_gives_correct_result(name: str, loop_name: str) -> None:
    workload = WORKLOADS[name]
    try:
        result = run_workload(name, loop_name, workload.small)
    except Skip as skip:
        # Only toyloop may skip, and only streams while create_server is missing.
        assert (name, loop_name) == ("stream_echo", "toyloop"), skip
        assert "create_server" in str(skip)
        return
    assert result.ok, f"{name} on {loop_name} computed a wrong result"
    assert result.elapsed > 0
    expected_ops = workload.small * (10 if name == "tasks" else 1) * (
        100 if name.endswith("echo") else 1)
    assert result.ops == expected_ops
    if name.startswith("idle_conns"):
        assert result.extra["served"] == workload.small
        assert "bytes_per_conn" in result.extra


@pytest.mark.parametrize("loop_name,name", [("toyloop-nohooks", "callbacks"),
                                            ("asyncio-pytask", "pingpong"),
                                            ("asyncio-pytask", "tasks")])
def test_extra_loops(loop_name: str, name: str) -> None:
    assert run_workload(name, loop_name, WORKLOADS[name].small).ok


def test_asyncio_pytask_really_uses_pure_python_classes() -> None:
    import asyncio

    loop = LOOPS["asyncio-pytask"]()
    try:
        async def main() -> tuple[type, type]:
            return type(loop.create_future()), type(asyncio.current_task())

        fut_type, task_type = loop.run_until_complete(loop.create_task(main()))
    finally:
        loop.close()
    assert fut_type is asyncio.futures._PyFuture
    assert task_type is asyncio.tasks._PyTask


def test_timers_check_catches_a_loop_that_ignores_cancel() -> None:
    """The workloads' checks can fail: timers that fire although cancelled are caught."""

    class IgnoresCancel(toyloop.EventLoop):
        def call_at(self, *args, **kwargs):
            super().call_at(*args, **kwargs)
            return types.SimpleNamespace(cancel=lambda: None)

    loop = IgnoresCancel()
    try:
        assert not timers(loop, 200).ok
    finally:
        loop.close()


# -- The harness ---------------------------------------------------------------


def test_child_process_reports_one_run() -> None:
    entry = harness.run_in_child("callbacks", "toyloop", 500, timeout=60)
    assert entry["ok"] is True and entry["ops"] == 500 and entry["elapsed"] > 0


def test_child_process_reports_errors_instead_of_raising() -> None:
    entry = harness.run_in_child("no_such_workload", "toyloop", 1, timeout=60)
    assert "error" in entry and "KeyError" in entry["error"]


def _fake_runs() -> dict:
    runs = []
    for rep, scale in enumerate([1.0, 1.2, 0.9]):  # medians: the middle value
        for loop, t in [("toyloop", 2.0), ("asyncio", 2.4), ("uvloop", 0.8),
                        ("toyloop-nohooks", 1.96)]:
            runs.append(dict(workload="callbacks", loop=loop, rep=rep, elapsed=t * scale,
                             ops=1000, ok=True, extra={}))
        for loop, t in [("toyloop", 3.0), ("asyncio", 2.0)]:
            runs.append(dict(workload="pingpong", loop=loop, rep=rep, elapsed=t * scale,
                             ops=500, ok=True, extra={}))
        for name, t in [("timers", 1.0), ("timers_1m", 13.0)]:
            runs.append(dict(workload=name, loop="toyloop", rep=rep, elapsed=t * scale,
                             ops=100_000 if name == "timers" else 1_000_000, ok=True,
                             extra={}))
        for loop, mem in [("toyloop", 1500.0), ("asyncio", 2000.0)]:
            runs.append(dict(workload="idle_conns", loop=loop, rep=rep, elapsed=1.0, ops=100,
                             ok=True, extra={"bytes_per_conn": mem, "served": 100}))
    runs.append(dict(workload="stream_echo", loop="toyloop", rep=0, skipped="no streams"))
    return {"meta": {}, "runs": runs}


def test_summary_medians_ratios_and_verdicts() -> None:
    data = _fake_runs()
    summary = harness.summarize(data)
    cb = summary["workloads"]["callbacks"]
    assert cb["toyloop"]["median_s"] == pytest.approx(2.0)
    assert cb["toyloop"]["ratio"] == pytest.approx(2.4 / 2.0)
    assert cb["uvloop"]["ratio"] == pytest.approx(3.0)
    verdicts = {t["workload"]: t["verdict"] for t in summary["targets"]
                if t["workload"] in harness.RATIO_TARGETS}
    assert verdicts["callbacks"] == "PASS"      # 1.2 >= 1.1
    assert verdicts["pingpong"] == "MISS"       # 0.67 < 0.75
    assert verdicts["timers"] == "n/a"          # no asyncio run to compare with
    assert verdicts["stream_echo"] == "n/a"
    others = {t["target"]: t for t in summary["targets"]
              if t["workload"] not in harness.RATIO_TARGETS}
    rss = others["memory/conn (RSS) <= asyncio's (ratio <= 1)"]
    assert rss["value"] == pytest.approx(0.75) and rss["verdict"] == "PASS"
    scaling = next(t for t in summary["targets"] if t["workload"] == "timers_1m")
    assert scaling["value"] == pytest.approx(13.0) and scaling["verdict"] == "MISS"
    for run in data["runs"]:  # the same figures at --quick sizes: no verdict
        if run.get("workload") in ("timers", "timers_1m"):
            run["ops"] //= 10
    quick = next(t for t in harness.summarize(data)["targets"] if t["workload"] == "timers_1m")
    assert quick["verdict"] == "n/a"
    assert summary["tracing_off"]["difference_pct"] == pytest.approx(100 * 0.04 / 1.96)
    assert summary["workloads"]["stream_echo"]["toyloop"]["notes"] == ["skipped: no streams"]


def test_report_renders_every_row() -> None:
    summary = harness.summarize(_fake_runs())
    table = report.markdown_table(summary)
    assert "| callbacks |" in table and "PASS" in table and "MISS" in table
    assert "callbacks on toyloop-nohooks" in table
    text = "\n".join(report.notes(summary))
    assert "Tracing off" in text and "1,000,000/100,000 = 13.0x" in text


def test_cli_writes_json(tmp_path, capsys) -> None:
    from toyloop.bench.__main__ import main

    out = tmp_path / "r.json"
    assert main(["--only", "callbacks", "--quick", "--reps", "1", "--quiet",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    loops = {run["loop"] for run in data["runs"]}
    assert {"toyloop", "asyncio", "toyloop-nohooks"} <= loops
    assert all(run["ok"] for run in data["runs"])
    assert "callbacks" in data["summary"]["workloads"]
    assert "toyloop benchmarks" in capsys.readouterr().out


def test_cli_rejects_unknown_workload() -> None:
    from toyloop.bench.__main__ import main

    with pytest.raises(SystemExit):
        main(["--only", "nope"])


# -- Chapter 6's loops ---------------------------------------------------------


@pytest.mark.parametrize("cls", [NoHooksEventLoop, ListReadyLoop, SortedTimersLoop,
                                 EagerCancelLoop, PlainHandleLoop, AlwaysPollLoop])
@pytest.mark.parametrize("name", ["callbacks", "timers", "tasks", "pingpong", "fan_out"])
def test_before_variants_compute_the_same(cls: type, name: str) -> None:
    func = fan_out if name == "fan_out" else WORKLOADS[name].func
    loop = cls()
    try:
        assert func(loop, 300).ok
    finally:
        loop.close()


def test_naive_variants_really_are_naive() -> None:
    loop = SortedTimersLoop()
    try:
        for when in (3.0, 1.0, 2.0):
            loop.call_at(when, print)
        assert [entry[0] for entry in loop._scheduled] == [1.0, 2.0, 3.0]  # sorted list
        handle = loop.call_at(0.5, print)
    finally:
        loop.close()
    eager = EagerCancelLoop()
    try:
        timer = eager.call_later(10, print)
        timer.cancel()
        assert eager._scheduled == [] and eager._timer_cancelled_count == 0
    finally:
        eager.close()
    ready = ListReadyLoop()
    try:
        assert type(ready._ready).__name__ == "_ListQueue"
    finally:
        ready.close()
    plain = PlainHandleLoop()
    try:
        assert not hasattr(toyloop.Handle(print, (), plain, None), "__dict__")
        assert hasattr(plain.call_soon(print), "__dict__")
        assert type(plain.call_soon(print)) is PlainHandle
        assert repr(plain.call_soon(print)).startswith("<PlainHandle print()")
    finally:
        plain.close()
    assert handle.when() == 0.5


def test_nohooks_loop_ignores_instruments() -> None:
    calls = []

    class Counter:
        def before_run_once(self) -> None:
            calls.append(1)

    loop = NoHooksEventLoop()
    loop.add_instrument(Counter())
    try:
        loop.run_until_complete(toyloop.sleep(0))
    finally:
        loop.close()
    assert calls == []


_HOOK_WORDS = ("hooks", "tracing", "instrument", "before_", "after_", "_observer")


def _run_once_code(cls: type) -> str:
    func = ast.parse(textwrap.dedent(inspect.getsource(cls._run_once))).body[0]
    return ast.unparse(func)  # without comments


def test_run_once_has_no_hook_points_so_nohooks_runs_the_same_code() -> None:
    """Observation wraps the loop from outside: the bare loop is the no-hooks loop."""
    code = _run_once_code(BaseLoop)
    assert not [word for word in _HOOK_WORDS if word in code]
    assert NoHooksEventLoop._run_once is BaseLoop._run_once
    assert NoHooksEventLoop._select is toyloop.EventLoop._select


def test_an_unwatched_loop_wears_no_wrappers() -> None:
    """After remove_instrument the loop's pieces are its class's again (zero cost)."""
    class Counter:
        def before_run_once(self) -> None:
            pass

    loop = toyloop.EventLoop()
    loop.set_debug(False)  # debug mode (python -X dev) keeps the observer on purpose
    try:
        plain = type(loop._ready)
        counter = Counter()
        loop.add_instrument(counter)
        assert "_run_once" in vars(loop)
        loop.run_until_complete(toyloop.sleep(0))
        assert type(loop._ready) is not plain  # observed while watched
        loop.remove_instrument(counter)
        assert not {"_run_once", "_select", "call_exception_handler"} & set(vars(loop))
        assert type(loop._ready) is plain and loop._observer is None
    finally:
        loop.close()


def test_always_poll_loop_polls_where_the_real_loop_does_not() -> None:
    """A callback chain with no sockets: EventLoop skips the poll, AlwaysPollLoop does not."""
    def counting(select, calls: list):
        def spy(timeout=None):
            calls.append(timeout)
            return select(timeout)
        return spy

    polls = {}
    for cls in (toyloop.EventLoop, AlwaysPollLoop):
        loop = cls()
        calls: list = []
        loop._selector.select = counting(loop._selector.select, calls)
        try:
            assert callbacks(loop, 200).ok
        finally:
            loop.close()
        polls[cls] = len(calls)
    assert polls[AlwaysPollLoop] >= 200
    assert polls[toyloop.EventLoop] == 0


def test_run_on_steps_a_running_loop_aside() -> None:
    """As in Jupyter: another loop is running in this thread while we benchmark."""
    from toyloop.bench.workloads import run_on

    async def outer() -> bool:
        running = asyncio.get_running_loop()
        result = run_on(LOOPS["asyncio"], "callbacks", 100)
        return result.ok and asyncio.get_running_loop() is running

    assert asyncio.run(outer())


def test_plots_draw(tmp_path) -> None:
    matplotlib = pytest.importorskip("matplotlib")

    matplotlib.use("Agg")
    summary = harness.summarize(_fake_runs())
    ax = report.plot_ratios(summary)
    assert len(ax.patches) == 3 * (len(summary["workloads"]) - 1)  # no idle_conns bars
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "toyloop's target" in legend and "1.0 = as fast as asyncio" in legend
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in ax.get_lines())  # 1.0 marked
    ax2 = report.plot_timer_scaling(summary)
    assert ax2.get_lines() and ax2.get_yscale() == "linear"
    rows = [("_run_once (ch2_futures.py:1)", 100, 60.0), ("call_soon", 100, 40.0)]
    ax3 = report.plot_profile(rows)
    assert [t.get_text() for t in ax3.get_yticklabels()] == ["call_soon",
                                                             "_run_once (ch2_futures.py:1)"]


def test_printed_report_fits_88_columns(capsys) -> None:
    pytest.importorskip("rich")
    report.print_report(harness.summarize(_fake_runs()), width=88)
    lines = capsys.readouterr().out.splitlines()
    assert lines and max(len(line.rstrip()) for line in lines) <= 88
    assert any(line.startswith("callbacks") for line in lines)


def test_profile_rows_share_of_own_time() -> None:
    stats = {("a.py", 1, "f"): (1, 10, 3.0, 3.0, {}), ("~", 0, "<len>"): (1, 5, 1.0, 1.0, {})}
    assert report.profile_rows(stats) == [("f (a.py:1)", 10, 75.0), ("<len>", 5, 25.0)]


def test_run_suite_in_process_with_sizes() -> None:
    data = harness.run_suite(["pingpong"], reps=2, in_process=True, loops=("toyloop", "asyncio"),
                             sizes={"pingpong": 200})
    runs = data["runs"]
    assert [(r["loop"], r["rep"]) for r in runs] == [
        ("toyloop", 0), ("asyncio", 0), ("asyncio-pytask", 0),
        ("toyloop", 1), ("asyncio", 1), ("asyncio-pytask", 1)]  # interleaved
    assert all(r["ok"] and r["ops"] == 200 and r["cpu"] > 0 for r in runs)
