"""Learner answers to chapter 2's ``async def sleep(delay, result=None)`` on BaseLoop."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "time_sleep", "kind": "wrong",
     "mistake": ("I call time.sleep(delay), which blocks the loop's thread instead of letting "
                 "other tasks run."),
     "expect": ["blocked the loop"],
     "source": '''
import time

async def sleep(delay, result=None):
    time.sleep(min(delay, 1))
    return result
'''},
    {"name": "delegates_to_asyncio", "kind": "wrong",
     "mistake": ("I just call asyncio.sleep instead of writing it with a future and a call_later "
                 "timer."),
     "expect": ["asyncio.sleep"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    return await asyncio.sleep(delay, result)
'''},
    {"name": "zero_forgets_result", "kind": "wrong",
     "mistake": "My sleep(0, result) path yields but returns None instead of result.",
     "expect": ["result"],
     "source": '''
import asyncio
import types

@types.coroutine
def _yield_once():
    yield

async def sleep(delay, result=None):
    if delay <= 0:
        await _yield_once()
        return
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    timer = loop.call_later(delay, lambda: fut.done() or fut.set_result(result))
    try:
        return await fut
    finally:
        timer.cancel()
'''},
    {"name": "zero_does_not_yield", "kind": "wrong",
     "mistake": "sleep(0) returns at once without giving the other tasks a turn.",
     "expect": ["sleep(0)"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    if delay == 0:
        return result
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    timer = loop.call_later(delay, lambda: fut.done() or fut.set_result(result))
    try:
        return await fut
    finally:
        timer.cancel()
'''},
    {"name": "timer_left_on_cancel", "kind": "wrong",
     "mistake": ("When the sleeping task is cancelled I never cancel the timer, so it stays "
                 "scheduled."),
     "expect": ["timer"],
     "source": '''
import asyncio

def _wake(fut, result):
    if not fut.done():
        fut.set_result(result)

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(delay, _wake, fut, result)
    return await fut
'''},
    {"name": "no_done_check_no_cancel", "kind": "wrong",
     "mistake": ("My timer calls fut.set_result blindly and is never cancelled, so after a cancel "
                 "it fires on a cancelled future (InvalidStateError)."),
     "expect": ["timer"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(delay, fut.set_result, result)
    return await fut
'''},
    {"name": "swallows_cancel", "kind": "wrong",
     "mistake": ("I catch CancelledError, cancel the timer and return result, so the cancelled "
                 "task goes on as if nothing happened."),
     "expect": ["cancel"],
     "source": '''
import asyncio
from asyncio import CancelledError

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    timer = loop.call_later(delay, lambda: fut.done() or fut.set_result(result))
    try:
        return await fut
    except CancelledError:
        timer.cancel()
        return result
'''},
    {"name": "poll_loop_time", "kind": "wrong",
     "mistake": ("I loop on sleep(0) until loop.time() passes the deadline: a busy-wait, and the "
                 "clock never gets to move."),
     "expect": ["busy"], "hangs": True,
     "source": '''
import asyncio
import types

@types.coroutine
def _yield_once():
    yield

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + delay
    while loop.time() < deadline:
        await _yield_once()
    return result
'''},
    {"name": "call_at_with_delay", "kind": "wrong",
     "mistake": "I pass delay to call_at, which wants an absolute loop time, not a delay.",
     "expect": ["delay"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    timer = loop.call_at(delay, lambda: fut.done() or fut.set_result(result))
    try:
        return await fut
    finally:
        timer.cancel()
'''},
    {"name": "returns_future", "kind": "wrong",
     "mistake": ("I return the future instead of awaiting it, so the caller gets a Future object "
                 "at once."),
     "expect": ["future"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(delay, fut.set_result, result)
    return fut
'''},
    {"name": "forgets_result", "kind": "wrong",
     "mistake": "I wait correctly but always return None instead of result.",
     "expect": ["result"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    timer = loop.call_later(delay, lambda: fut.done() or fut.set_result(None))
    try:
        await fut
    finally:
        timer.cancel()
'''},
    {"name": "rounds_delay", "kind": "wrong",
     "mistake": "I round the delay to whole seconds, so sleep(1.5) waits 2 s.",
     "expect": ["1.5"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    timer = loop.call_later(round(delay), lambda: fut.done() or fut.set_result(result))
    try:
        return await fut
    finally:
        timer.cancel()
'''},
    {"name": "concurrent_future_result", "kind": "wrong",
     "mistake": ("I used a concurrent.futures.Future and .result(), which blocks the loop's "
                 "thread, so the timer can never fire."),
     "expect": ["blocked the loop"],
     "source": '''
import asyncio
import concurrent.futures

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = concurrent.futures.Future()
    loop.call_later(delay, fut.set_result, result)
    try:
        return fut.result(timeout=1)
    except concurrent.futures.TimeoutError:
        return result
'''},
    {"name": "one_global_future", "kind": "wrong",
     "mistake": ("I keep the future in a module-level variable, so concurrent sleepers overwrite "
                 "each other's and only the last one wakes."),
     "expect": ["concurrent"], "hangs": True,
     "source": '''
import asyncio

_current = None

async def sleep(delay, result=None):
    global _current
    loop = asyncio.get_running_loop()
    _current = loop.create_future()

    def wake():
        if not _current.done():
            _current.set_result(result)

    loop.call_later(delay, wake)
    return await _current
'''},
    {"name": "bare_except_zero", "kind": "wrong",
     "mistake": ("I wrapped the wait in a bare except: that returns result, so a cancel is "
                 "swallowed and the timer left behind."),
     "expect": ["cancel"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(delay, lambda: fut.done() or fut.set_result(result))
    try:
        await fut
    except:
        pass
    return result
'''},
    {"name": "timer_per_tick", "kind": "wrong",
     "mistake": ("I wake up every 0.1 s to check whether the delay is over, instead of one timer "
                 "at the deadline."),
     "expect": ["busy"],
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    end = loop.time() + delay
    while True:
        fut = loop.create_future()
        step = max(0.0, min(0.1, end - loop.time()))
        timer = loop.call_later(step, lambda f=fut: f.done() or f.set_result(None))
        try:
            await fut
        finally:
            timer.cancel()
        if loop.time() >= end:
            return result
'''},
    # ---------------------------------------------------------------- correct
    {"name": "helper_callback", "kind": "correct",
     "source": '''
import asyncio

def _finish(future, value):
    if not future.cancelled():
        future.set_result(value)

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    waiter = loop.create_future()
    handle = loop.call_later(max(delay, 0), _finish, waiter, result)
    try:
        return await waiter
    finally:
        handle.cancel()
'''},
    {"name": "call_soon_for_zero", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    if delay <= 0:
        handle = loop.call_soon(lambda: fut.done() or fut.set_result(result))
    else:
        handle = loop.call_at(loop.time() + delay, lambda: fut.done() or fut.set_result(result))
    try:
        await fut
    except CancelledError:
        handle.cancel()
        raise
    return result
'''},
    {"name": "types_coroutine_zero", "kind": "correct",
     "source": '''
import asyncio
import types

@types.coroutine
def _one_turn():
    yield

async def sleep(delay, result=None):
    if delay <= 0:
        await _one_turn()
        return result
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    timer = loop.call_later(delay, done.set_result, result)
    try:
        return await done
    finally:
        timer.cancel()  # harmless if it already ran
'''},
    {"name": "asyncio_future_object", "kind": "correct",
     "source": '''
import asyncio

async def sleep(delay, result=None):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def ring():
        if not fut.done():
            fut.set_result(result)

    timer = loop.call_later(delay, ring)
    try:
        value = await fut
    except BaseException:
        timer.cancel()
        raise
    return value
'''},
]
