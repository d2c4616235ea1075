"""The explorer's model (no browser): recording, stepping, pane text; widgets; live mode."""

from __future__ import annotations

import asyncio
import socket

import pytest

pytest.importorskip("ipywidgets")

import toyloop  # noqa: E402
from toyloop.tools.explorer import PANES, Explorer, ExplorerModel, LiveMonitor  # noqa: E402


async def leaf(delay):
    await toyloop.sleep(delay)
    return delay


async def middle(delay):
    return await leaf(delay)


async def main():
    loop = asyncio.get_running_loop()
    slow = loop.create_task(middle(1.0))
    fast = await middle(0.5)
    return fast, await slow


@pytest.fixture(scope="module")
def model():
    return ExplorerModel(main)


def test_records_one_snapshot_per_iteration(model):
    assert model.result == (0.5, 1.0) and model.exception is None
    assert model.last == len(model.iterations) == len(model.snapshots) - 1
    assert [s.index for s in model.snapshots] == list(range(model.last + 1))
    assert model.snapshots[0].ready == ["Task-1 step -> main() starts"]
    assert model.snapshots[-1].ready == [] and model.snapshots[-1].timers == []


def test_step_back_goto_stay_in_range():
    ex = ExplorerModel(main)
    assert ex.position == 0
    assert ex.back() == 0
    assert ex.step() == 1 and ex.step() == 2
    assert ex.back() == 1
    assert ex.goto(10_000) == ex.last
    assert ex.step() == ex.last
    assert ex.goto(-5) == 0


def test_panes_before_the_first_iteration(model):
    assert model.pane_text("iteration", 0) == "Nothing has run yet.\n  created Task-1 main()"
    assert model.pane_text("ready", 0) == "1. Task-1 step -> main() starts"
    assert model.pane_text("timers", 0) == "(no timers)"
    assert model.pane_text("selector", 0).startswith("self-pipe  READ       R: drain self-pipe")
    assert model.pane_text("tasks", 0) == "Task-1 main()  [ready]\n    main() starts"
    assert model.status(0) == f"before iteration 1 (of {model.last}) · clock t=0.000"


def test_panes_while_both_tasks_sleep(model):
    # Iteration 1: main starts Task-2 and awaits middle() -> leaf() -> sleep(0.5) itself.
    # Iteration 2: Task-2 starts and sleeps 1.0.  Both timers are now in the heap.
    text = model.pane_text("timers", 2)
    lines = text.splitlines()
    assert lines[0].startswith("at t=0.500  _set_result_unless_cancelled(<Future pending "
                               "awaited by Task-1>")
    assert lines[1].startswith("at t=1.000  _set_result_unless_cancelled(<Future pending "
                               "awaited by Task-2>")
    assert model.pane_text("ready", 2) == "(empty)"
    tasks = model.pane_text("tasks", 2).splitlines()
    line_main = main.__code__.co_firstlineno + 3
    line_middle = middle.__code__.co_firstlineno + 1
    line_leaf = leaf.__code__.co_firstlineno + 1
    assert tasks[:6] == [
        "Task-1 main()  [pending]",
        f"    main() at line {line_main}",
        f"      awaits middle() at line {line_middle}",
        f"        awaits leaf() at line {line_leaf}",
        "          awaits sleep() in toyloop",
        "            awaits <Future pending>",
    ]
    assert tasks[6] == "Task-2 middle()  [pending]"


def test_iteration_pane_says_what_ran(model):
    text = model.pane_text("iteration", 3)
    assert text.splitlines()[0] == "iteration 3: clock t=0.500, select(timeout=0.5)"
    assert "timer fired: _set_result_unless_cancelled(" in text
    assert "* Future finished result=None -> wakes Task-1" in text
    assert model.pane_text("ready", 3) == (
        f"1. Task-1 wakeup -> main() at line {main.__code__.co_firstlineno + 3}")
    assert "Task-1 main()  [ready]" in model.pane_text("tasks", 3)


def test_finished_tasks_and_result_in_status(model):
    tasks = model.pane_text("tasks", model.last)
    assert "Task-1 main()  [done]\n    done, result=(0.5, 1.0)" in tasks
    assert "Task-2 middle()  [done]\n    done, result=1.0" in tasks
    assert model.status(model.last).endswith("· result=(0.5, 1.0)")


def test_timeline_marks_which_task_ran_when(model):
    names, runs = model.timeline_rows()
    assert names == ["Task-1", "Task-2"]
    assert 1 in runs[0] and 2 in runs[1] and 1 not in runs[1]
    text = model.pane_text("timeline", 2).splitlines()
    assert text[0] == " " * 7 + " v" + " " * (model.last - 2)
    assert text[1].startswith("Task-1 #.")
    assert text[2].startswith("Task-2 .#")


def test_unknown_pane():
    with pytest.raises(KeyError, match="no pane 'heap'"):
        ExplorerModel(main).pane_text("heap")


def test_selector_pane_shows_sockets():
    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)

    async def reader():
        loop = asyncio.get_running_loop()
        got = loop.create_future()

        def on_read():
            loop.remove_reader(rsock)
            got.set_result(rsock.recv(10))

        loop.add_reader(rsock, on_read)
        loop.call_later(0.25, wsock.send, b"hi")
        return await got

    try:
        ex = ExplorerModel(reader)
    finally:
        rsock.close()
        wsock.close()
    assert ex.result == b"hi"
    panes = [ex.pane_text("selector", i) for i in range(ex.last + 1)]
    assert any(line.startswith("fd#1       READ       R: test_selector_pane_shows_sockets."
                               "reader.on_read()") for p in panes for line in p.splitlines())
    assert "fd#1" not in panes[-1]  # removed again
    assert any("I/O events: fd#1 READ" in ex.pane_text("iteration", i)
               for i in range(1, ex.last + 1))


def test_a_failing_program_is_still_explorable():
    async def broken():
        await toyloop.sleep(0.1)
        raise ValueError("nope")

    ex = ExplorerModel(broken)
    assert isinstance(ex.exception, ValueError)
    assert ex.status(ex.last).endswith("· program raised ValueError: nope")
    assert "failed with ValueError: nope" in ex.pane_text("tasks", ex.last)


def test_deterministic_across_runs():
    first, second = ExplorerModel(main), ExplorerModel(main)
    for pos in range(first.last + 1):
        for name in PANES:
            assert first.pane_text(name, pos) == second.pane_text(name, pos)


def test_max_iterations():
    async def spin():
        while True:
            await asyncio.sleep(0)

    ex = ExplorerModel(spin, max_iterations=25)
    assert ex.last == 25 and ex.recorder.truncated
    assert ex.status(ex.last).endswith("stopped: max_iterations reached")


# ---------------------------------------------------------------------------
# Widgets, built without a frontend
# ---------------------------------------------------------------------------


def test_widgets_follow_the_model():
    ex = Explorer(main)
    box = ex.widget
    assert "toyloop-explorer" in box._dom_classes
    assert set(ex.panes) == set(PANES)
    assert ex.slider.max == ex.play.max == ex.last
    assert ex.back_button.disabled and not ex.step_button.disabled
    assert "before iteration 1" in ex.header.value
    assert "Task-1 step -&gt; main() starts" in ex.panes["ready"].value

    ex.step_button.click()  # what the browser's click does, on the kernel side
    assert ex.position == 1 and ex.slider.value == 1
    assert "after iteration 1 of" in ex.header.value
    assert "Task-2 step -&gt; middle() starts" in ex.panes["ready"].value

    ex.slider.value = 3  # what the slider and Play do
    assert ex.position == 3
    assert "iteration 3: clock t=0.500" in ex.panes["iteration"].value
    assert "background:#ffe8a3" in ex.panes["timeline"].value

    ex.back_button.click()
    assert ex.position == 2 and ex.slider.value == 2
    ex.goto(ex.last)
    assert ex.step_button.disabled and ex.slider.value == ex.last


def test_display_text_is_stable():
    ex = Explorer(main)
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"] == f"<Explorer main(): {ex.last} iterations recorded>"
    assert "application/vnd.jupyter.widget-view+json" in bundle


# ---------------------------------------------------------------------------
# Live mode: an echo server, watched while it runs
# ---------------------------------------------------------------------------


async def _echo_session(stats, messages=20):
    loop = asyncio.get_running_loop()
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)

    async def handle(conn):
        with conn:
            while data := await loop.sock_recv(conn, 1024):
                stats["bytes"] += len(data)
                await loop.sock_sendall(conn, data)

    async def serve():
        conn, _ = await loop.sock_accept(server)
        conn.setblocking(False)
        await handle(conn)

    server_task = loop.create_task(serve())
    client = socket.socket()
    client.setblocking(False)
    try:
        await loop.sock_connect(client, server.getsockname())
        for i in range(messages):
            await loop.sock_sendall(client, b"ping %d" % i)
            assert (await loop.sock_recv(client, 1024)).startswith(b"ping")
            await asyncio.sleep(0.05)  # virtual time: spread over several refreshes
    finally:
        client.close()
        await server_task
        server.close()


def test_live_monitor_refreshes_and_stops_cleanly():
    stats = {"bytes": 0}
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    try:
        with LiveMonitor(loop, interval=0.1, gauges={"bytes echoed": lambda: stats["bytes"]}
                         ) as mon:
            assert mon.running and mon in loop._hooks.instruments
            loop.run_until_complete(_echo_session(stats))
            assert mon.refreshes >= 5
            assert max(h["sockets watched now"] for h in mon.history) >= 1
            assert "running" in mon.widget.value
        assert not mon.running
        assert loop._hooks == {} and loop._hooks.instruments == []
        assert not [e for e in loop._scheduled if not e[2].cancelled()]  # no timer left
        final = mon.history[-1]
        assert final["sockets watched now"] == 0 and final["sockets watched (peak)"] >= 1
        assert final["bytes echoed"] == stats["bytes"] == sum(len(b"ping %d" % i)
                                                              for i in range(20))
        assert final["iterations"] == mon.iterations > 20
        assert final["callbacks run"] == mon.callbacks > 20
        assert "stopped" in mon.widget.value and "bytes echoed" in mon.widget.value
        mon.stop()  # idempotent
        refreshes = mon.refreshes
        loop.run_until_complete(asyncio.sleep(1))  # nothing of the monitor runs any more
        assert mon.refreshes == refreshes
    finally:
        loop.close()


def test_live_monitor_without_widget():
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    try:
        mon = LiveMonitor(loop, interval=0.5, widget=False).start()
        loop.run_until_complete(asyncio.sleep(2))
        mon.stop()
    finally:
        loop.close()
    assert mon.widget is None and mon.refreshes >= 4
