"""A callback that cancels its own handle and then raises is reported, not fatal (issue 12).

Cancelling a Handle drops its callback and arguments (``_args`` becomes None).
If the callback then raises, the loop formats "Exception in callback ..." from
that half-torn-down handle; asyncio prints ``None()`` and reports the error.
toyloop used to iterate over ``None`` there (Python 3.11/3.12, and 3.13 in
debug mode), so ``run_until_complete`` raised TypeError and the loop died.
Full messages are compared (``compare_callback_sources=True``).
"""

from __future__ import annotations

import re
import socket

import pytest
from differential.harness import Env, run_on_both


def _socketpair() -> tuple[socket.socket, socket.socket]:
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    return a, b


def _reader_removes_itself(env: Env) -> None:
    loop = env.loop
    a, b = _socketpair()
    with a, b:
        def on_readable() -> None:
            env.log("reader ran")
            loop.remove_reader(a.fileno())
            raise OSError("reader")

        loop.add_reader(a.fileno(), on_readable)
        b.send(b"x")
        loop.run_until_complete(env.h.sleep(0.01))
        env.log("loop still runs", loop.run_until_complete(env.h.sleep(0, "yes")))


def _writer_removes_itself(env: Env) -> None:
    loop = env.loop
    a, b = _socketpair()
    with a, b:
        def on_writable() -> None:
            env.log("writer ran")
            loop.remove_writer(a.fileno())
            raise OSError("writer")

        loop.add_writer(a.fileno(), on_writable)
        loop.run_until_complete(env.h.sleep(0.01))
        env.log("loop still runs", loop.run_until_complete(env.h.sleep(0, "yes")))


def _callback_cancels_itself(env: Env) -> None:
    loop = env.loop
    handles = []

    def cancel_me_then_fail(n: int) -> None:
        handles[n].cancel()
        raise ValueError(f"callback {n}")

    handles.append(loop.call_soon(cancel_me_then_fail, 0))
    handles.append(loop.call_later(0.001, cancel_me_then_fail, 1))
    loop.call_later(0.005, loop.stop)
    loop.run_forever()
    # In debug mode asyncio freezes a handle's repr when it is cancelled, callback and
    # arguments included; otherwise the repr says only "cancelled".
    env.log("handles", [re.sub(r"when=[0-9.e+-]+", "when=?", repr(h)) for h in handles])


SCENARIOS = [_reader_removes_itself, _writer_removes_itself, _callback_cancels_itself]


@pytest.mark.parametrize("debug", [False, True], ids=["normal", "debug"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.strip("_"))
def test_self_cancelling_failing_callback_is_reported(scenario, debug: bool) -> None:
    events = run_on_both(scenario, debug=debug, compare_callback_sources=True)
    reports = [e for e in events if e[0] == "handler"]
    assert reports, "asyncio reported nothing: the scenario tests nothing"
    for report in reports:
        # asyncio's words for a handle whose callback is gone, and its context keys
        assert report[1] == "Exception in callback None()"
        keys = ("exception", "handle", "message") + (("source_traceback",) if debug else ())
        assert report[2] == tuple(sorted(keys))
        assert report[3] in {"OSError", "ValueError"}
