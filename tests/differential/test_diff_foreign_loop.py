"""toyloop.run inside a running asyncio loop, as in a Jupyter cell (issue 2).

ipykernel runs an asyncio loop; a cell's code runs inside one of its callbacks.
toyloop.run steps that loop aside and puts it back; asyncio.run refuses.
"""

from __future__ import annotations

import asyncio

import pytest

import toyloop


async def _inner(tag: str) -> tuple:
    await asyncio.sleep(0.001)
    loop = asyncio.get_running_loop()
    return tag, type(loop).__name__, asyncio.current_task() is not None


def test_toyloop_run_inside_an_asyncio_coroutine() -> None:
    seen = []

    async def cell() -> None:
        outer_loop = asyncio.get_running_loop()
        outer_task = asyncio.current_task()
        seen.append(toyloop.run(_inner("nested")))
        seen.append(toyloop.run(_inner("virtual"), clock=toyloop.VirtualClock()))
        # asyncio's running loop and current task are back
        seen.append(asyncio.get_running_loop() is outer_loop)
        seen.append(asyncio.current_task() is outer_task)
        await asyncio.sleep(0)  # and the outer loop still works
        seen.append("outer resumed")

    asyncio.run(cell())
    assert seen == [("nested", "EventLoop", True), ("virtual", "EventLoop", True), True, True,
                    "outer resumed"]
    assert asyncio.events._get_running_loop() is None


def test_toyloop_run_inside_an_asyncio_callback() -> None:
    loop = asyncio.new_event_loop()
    seen = []

    def callback() -> None:
        seen.append(toyloop.run(_inner("from callback")))
        seen.append(asyncio.get_running_loop() is loop)
        loop.stop()

    try:
        loop.call_soon(callback)
        loop.run_forever()
    finally:
        loop.close()
    assert seen == [("from callback", "EventLoop", True), True]


def test_toyloop_run_restores_the_outer_loop_when_main_raises() -> None:
    async def failing() -> None:
        raise KeyError("inside")

    async def cell() -> str:
        outer_loop = asyncio.get_running_loop()
        with pytest.raises(KeyError):
            toyloop.run(failing())
        assert asyncio.get_running_loop() is outer_loop
        return "ok"

    assert asyncio.run(cell()) == "ok"


def test_asyncio_run_in_the_same_situation_raises() -> None:
    async def cell() -> str:
        coro = _inner("never runs")
        try:
            asyncio.run(coro)
        except RuntimeError as exc:
            return str(exc)
        finally:
            coro.close()
        return "did not raise"

    assert asyncio.run(cell()) == "asyncio.run() cannot be called from a running event loop"


def test_toyloop_loop_run_until_complete_inside_asyncio() -> None:
    async def cell() -> tuple:
        loop = toyloop.EventLoop()
        try:
            return loop.run_until_complete(_inner("loop method"))
        finally:
            loop.close()

    assert asyncio.run(cell()) == ("loop method", "EventLoop", True)


def test_asyncio_loop_refuses_to_run_inside_a_running_loop() -> None:
    # For contrast: asyncio's run_until_complete refuses where toyloop steps aside.
    async def cell() -> str:
        other = asyncio.new_event_loop()
        fut = other.create_future()
        try:
            other.run_until_complete(fut)
        except RuntimeError as exc:
            return str(exc)
        finally:
            other.close()
        return "did not raise"

    assert asyncio.run(cell()) == "Cannot run the event loop while another loop is running"
