"""Misuse is refused and leaves the loop usable (issue 8; table shared with issue 2).

tests/differential/test_diff_misuse.py checks each row's exception against asyncio's;
here every row runs on toyloop, and afterwards the loop (unless the row closed it)
must still run a coroutine, with nothing left registered.
"""

from __future__ import annotations

import asyncio
import sys

import pytest
from differential.harness import leftovers
from differential.misuse_table import MISUSES, Misuse, outcome

import toyloop


# Rows with a known difference (xfail in the differential test) still must recover.
@pytest.mark.parametrize("case", MISUSES, ids=[c.id for c in MISUSES])
@pytest.mark.parametrize("debug", [False, True], ids=["nodebug", "debug"])
def test_misuse_leaves_loop_usable(case: Misuse, debug: bool) -> None:
    loop = toyloop.EventLoop()
    loop.set_debug(debug)
    errors: list = []
    loop.set_exception_handler(lambda loop, context: errors.append(context))
    try:
        exc = outcome(loop, case, toyloop.EventLoop)
        if case.debug and not debug and not case.toyloop_always:
            pass  # asyncio checks this only in debug mode; toyloop may accept it
        else:
            assert exc is not None, f"{case.id}: toyloop accepted the misuse"
        if loop.is_closed():
            return
        assert not loop.is_running()
        if exc is None or (case.id == "wait_for-non-awaitable" and sys.version_info < (3, 12)):
            # What an accepted misuse scheduled (call_later(1, coroutine_function)
            # without debug mode) is the caller's to cancel; and 3.11's
            # asyncio.wait_for sets its timer before checking its argument.
            for handle in [*loop._ready, *(e[2] for e in loop._scheduled)]:
                handle.cancel()
        assert loop.run_until_complete(asyncio.sleep(0.001, "still works")) == "still works"
        assert leftovers(loop) == {"ready": [], "timers": [], "fds": [], "tasks": []}
        assert [c["message"] for c in errors if "Task was destroyed" in c["message"]] == []
    finally:
        loop.close()
