"""Learner answers to chapter 2's ``async def wait_for(aw, timeout)`` on BaseLoop."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "no_timeout_at_all", "kind": "wrong",
     "mistake": "I just await aw and ignore the timeout.",
     "expect": ["timeout"],
     "source": '''
async def wait_for(aw, timeout):
    return await aw
'''},
    {"name": "always_waits_timeout", "kind": "wrong",
     "mistake": ("I sleep for the whole timeout and then look at the child, so a fast child's "
                 "result comes late."),
     "expect": ["as soon as"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    await asyncio.sleep(timeout)
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "no_cancel_on_timeout", "kind": "wrong",
     "mistake": "On timeout I raise TimeoutError but leave the child running.",
     "expect": ["cancel"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
    if fut.done():
        return fut.result()
    raise TimeoutError
'''},
    {"name": "no_wait_for_wind_down", "kind": "wrong",
     "mistake": ("On timeout I cancel the child but raise TimeoutError straight away, before it "
                 "has wound down."),
     "expect": ["wound down"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    except asyncio.CancelledError:
        fut.cancel()
        raise
    finally:
        timer.cancel()
    if fut.done():
        return fut.result()
    fut.cancel()
    raise TimeoutError
'''},
    {"name": "cancelled_not_timeout", "kind": "wrong",
     "mistake": ("My timer just cancels the child and I await it, so the caller gets "
                 "CancelledError instead of TimeoutError."),
     "expect": ["timeouterror"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    timer = loop.call_later(timeout, fut.cancel)
    try:
        return await fut
    finally:
        timer.cancel()
'''},
    {"name": "timer_left_when_child_wins", "kind": "wrong",
     "mistake": ("When the child finishes in time I never cancel the timeout timer, so it stays "
                 "scheduled."),
     "expect": ["timer"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    except asyncio.CancelledError:
        fut.cancel()
        raise
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "timer_left_when_child_raises", "kind": "wrong",
     "mistake": ("I cancel the timer only after a successful result, so when the child raises its "
                 "exception the timer stays scheduled."),
     "expect": ["timer"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    except asyncio.CancelledError:
        timer.cancel()
        fut.cancel()
        raise
    if fut.done():
        result = fut.result()
        timer.cancel()
        return result
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "caller_cancel_not_passed_on", "kind": "wrong",
     "mistake": ("If the task running wait_for is cancelled I let CancelledError out but leave the"
                 " child running."),
     "expect": ["cancel"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        timeout = 1e9
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "none_crashes", "kind": "wrong",
     "mistake": "I pass timeout straight to call_later, so timeout=None crashes with a TypeError.",
     "expect": ["none"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    except asyncio.CancelledError:
        fut.cancel()
        raise
    finally:
        timer.cancel()
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "swallows_child_exception", "kind": "wrong",
     "mistake": ("I catch the child's exception and return None, so its errors never reach the "
                 "caller."),
     "expect": ["exception"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        timeout = float("inf")
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake) if timeout != float("inf") else None
    fut.add_done_callback(wake)
    try:
        await waiter
    except asyncio.CancelledError:
        fut.cancel()
        raise
    finally:
        if timer:
            timer.cancel()
    if fut.done():
        try:
            return fut.result()
        except Exception:
            return None
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "exception_becomes_timeout", "kind": "wrong",
     "mistake": ("I turn any exception of the child into TimeoutError instead of letting it pass "
                 "through unchanged."),
     "expect": ["exception"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    timed_out = []

    def on_timeout():
        timed_out.append(True)
        fut.cancel()

    timer = loop.call_later(timeout, on_timeout)
    try:
        return await fut
    except Exception:
        raise TimeoutError
    except asyncio.CancelledError:
        if timed_out:
            raise TimeoutError
        raise
    finally:
        timer.cancel()
'''},
    {"name": "create_task_only_coroutines", "kind": "wrong",
     "mistake": ("I wrap aw with loop.create_task, which only takes coroutines, so a Task or "
                 "Future given to wait_for fails."),
     "expect": ["task"],
     "source": '''
import asyncio

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = loop.create_task(aw)
    if timeout is None:
        return await fut
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)
    timer = loop.call_later(timeout, wake)
    fut.add_done_callback(wake)
    try:
        await waiter
    except asyncio.CancelledError:
        fut.cancel()
        raise
    finally:
        timer.cancel()
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "busy_poll", "kind": "wrong",
     "mistake": ("I poll with sleep(0) until the child is done or loop.time() passes the deadline:"
                 " a busy-wait that stops the clock."),
     "expect": ["busy"], "hangs": True,
     "source": '''
import asyncio
import types
from toyloop.ch2_futures import ensure_future

@types.coroutine
def _turn():
    yield

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    deadline = None if timeout is None else loop.time() + timeout
    while not fut.done():
        if deadline is not None and loop.time() >= deadline:
            fut.cancel()
            try:
                await fut
            except asyncio.CancelledError:
                pass
            raise TimeoutError
        await _turn()
    return fut.result()
'''},
    {"name": "poll_10ms", "kind": "wrong",
     "mistake": ("I check every 10 ms with asyncio.sleep whether the child is done: polling, late "
                 "by up to 10 ms."),
     "expect": ["busy"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    start = loop.time()
    try:
        while not fut.done():
            if timeout is not None and loop.time() - start >= timeout:
                fut.cancel()
                try:
                    await fut
                except asyncio.CancelledError:
                    pass
                raise TimeoutError
            await asyncio.sleep(0.01)
    except asyncio.CancelledError:
        fut.cancel()
        raise
    return fut.result()
'''},
    {"name": "blocking_result", "kind": "wrong",
     "mistake": ("I wait with time.sleep and then check, which blocks the loop's thread while the "
                 "child can't run."),
     "expect": ["blocked the loop"],
     "source": '''
import asyncio
import time
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    time.sleep(min(timeout, 1))
    await asyncio.sleep(0)
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    {"name": "sleeper_task_left", "kind": "wrong",
     "mistake": ("I race the child against a sleep task with asyncio.wait(FIRST_COMPLETED) but "
                 "never cancel the sleep task when the child wins, so its timer stays scheduled."),
     "expect": ["timer"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    loop = asyncio.get_running_loop()
    sleeper = loop.create_task(asyncio.sleep(timeout))
    try:
        await asyncio.wait({fut, sleeper}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        fut.cancel()
        raise
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        await fut
    except asyncio.CancelledError:
        pass
    raise TimeoutError
'''},
    # ---------------------------------------------------------------- correct
    {"name": "asyncio_wait_timeout", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    child = ensure_future(aw)
    try:
        done, _ = await asyncio.wait({child}, timeout=timeout)
    except CancelledError:
        child.cancel()
        await asyncio.wait({child})   # let it wind down before we go
        raise
    if done:
        return child.result()
    child.cancel()
    try:
        await child
    except CancelledError:
        pass
    else:
        pass  # it finished anyway while being cancelled: still a timeout
    raise TimeoutError()
'''},
    {"name": "timer_cancels_child", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    child = ensure_future(aw)
    if timeout is None:
        return await child
    expired = False

    def expire():
        nonlocal expired
        expired = True
        child.cancel()

    timer = loop.call_later(timeout, expire)
    try:
        return await child   # cancelling us cancels the awaited child too
    except CancelledError:
        if expired:
            raise TimeoutError from None
        raise
    finally:
        timer.cancel()
'''},
    {"name": "waiter_with_helper", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future


def _release(waiter, *_):
    if not waiter.done():
        waiter.set_result(None)


async def wait_for(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    if timeout is None:
        return await fut
    waiter = loop.create_future()
    handle = loop.call_later(timeout, _release, waiter)
    fut.add_done_callback(lambda f: _release(waiter))
    try:
        try:
            await waiter
        except CancelledError:
            fut.cancel()
            try:
                await fut
            except BaseException:
                pass
            raise
        if not fut.done():
            fut.cancel()
            try:
                await fut
            except CancelledError:
                raise TimeoutError from None
            raise TimeoutError
        return fut.result()
    finally:
        handle.cancel()
'''},
]
