"""Build notebooks/02_futures_and_tasks.ipynb (and execute it with --execute).

    python notebooks/_build/build_02.py --execute

The cells that show package code are cut out of toyloop/ch2_futures.py *when this
script runs* (``src("Future.set_result")``: the source as written, comments kept,
docstring dropped) and tagged ``toyloop:ch2_futures...``; tests/test_notebook_sync.py
then checks the committed notebook against the module, so a later change to the
module shows up as drift until this script is run again.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

from nbbuild import Notebook

HERE = Path(__file__).resolve().parent
MODULE_FILE = HERE.parent.parent / "toyloop" / "ch2_futures.py"

BOOK = Notebook("02_futures_and_tasks.ipynb", "ch2")
md, code = BOOK.md, BOOK.code

IGNORE = "nbval-ignore-output"
MODULE = "toyloop:ch2_futures"
FUTURE = "toyloop:ch2_futures.Future"
TASK = "toyloop:ch2_futures.Task"
LOOP = "toyloop:ch2_futures.BaseLoop"

_SOURCE = MODULE_FILE.read_text(encoding="utf-8")
_TREE = ast.parse(_SOURCE)
_LINES = _SOURCE.splitlines()


def src(*paths: str) -> str:
    """The source of ``name`` or ``Class.method`` in ch2_futures.py, without docstring."""
    parts = []
    for path in paths:
        body: list = _TREE.body
        node = None
        for name in path.split("."):
            node = next(n for n in body
                        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                        and n.name == name)
            body = node.body
        assert node is not None
        start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        lines = _LINES[start - 1:node.end_lineno]
        first = node.body[0]
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            del lines[first.lineno - start:first.end_lineno - start + 1]
        parts.append(textwrap.dedent("\n".join(lines)))
    return "\n\n\n".join(parts)


# ---------------------------------------------------------------------------
md("""
# 2 · Futures, coroutines and tasks

Chapter 1's scheduler ran generators that yielded *request functions*. asyncio's loop
runs `async def` coroutines that yield **futures**. This chapter builds that layer,
`toyloop/ch2_futures.py`, and with it everything `await` needs:

1. callbacks, and why they tear the call stack apart;
2. the `Future`: a result that is not there yet; why its callbacks go through `call_soon`;
3. coroutines are generators underneath; what `await` really yields;
4. the `Task`: stepping a coroutine, waking it when its future is done;
5. the loop: `call_soon`, `call_later`, `_run_once`, `run_until_complete`;
6. cancellation: `CancelledError` thrown in, `cancelling()` and `uncancel()`;
7. exercises: `sleep`, `gather`, `wait_for`;
8. toyloop's own `sleep`, `gather`, `wait_for` and `current_task`;
9. watching it run: the tracer and the explorer;
10. where asyncio does it differently.

How to read the code cells: cells tagged `toyloop:ch2_futures` are the package's code,
cut out of the module (docstrings dropped); a test keeps them identical. Running such
a cell only defines a function here: the demos use the package's classes, which run
exactly that code.
""")

code("""
from __future__ import annotations  # the package's type hints stay unevaluated here too

import asyncio
import contextvars
import inspect
import traceback
import types
from asyncio import events as _events

from toyloop.ch2_futures import (
    BaseLoop, CancelledError, Future, Handle, InvalidStateError, Task, TimerHandle,
    _get_loop, _release_waiter, _sleep0, current_task, ensure_future,
)
from toyloop.clock import VirtualClock
from toyloop.tools.recorder import strip_paths  # ".../ipykernel_123/456.py:3" -> "456.py:3"


def new_loop():
    \"\"\"A chapter 2 loop on virtual time: sleeps are instant and times exact.\"\"\"
    return BaseLoop(clock=VirtualClock())
""")

# ---------------------------------------------------------------------------
md("""
## 1. Callbacks, and why they tear the call stack apart

Before `await`, asynchronous code passed *callbacks*: "do this, and call me back with
the answer". Here is a report that needs a user, then the user's orders, each answer
arriving a second later from a pretend server. One step has a bug: the orders come
back as `None`.
""")

code("""
loop = new_loop()


def fetch_user(user_id, on_done):
    loop.call_later(1, on_done, {"id": user_id, "name": "ada"})


def fetch_orders(user, on_done):
    loop.call_later(1, on_done, None)  # the server sent nothing: a bug waiting to happen


def count_orders(orders):
    print(f"{loop.time():.1f}  {len(orders)} orders")


def report(user_id):
    fetch_user(user_id, lambda user: fetch_orders(user, count_orders))
""")

code("""
def show_error(loop, context):
    exc = context["exception"]
    frames = [frame.name for frame in traceback.extract_tb(exc.__traceback__)]
    print(f"{loop.time():.1f}  {exc!r}")
    print("     traceback:", " -> ".join(frames))


loop.set_exception_handler(show_error)
try:
    report(42)  # returns at once; no error here
except TypeError:
    print("caught it!")  # never printed
loop.call_later(3, loop.stop)
loop.run_forever()
loop.close()
""")

md("""
The `try` around `report(42)` caught nothing: `report` had returned two seconds before
the error. The traceback starts in `Handle._run`, the loop calling a callback; who
asked for the orders, and why, is gone. Control flow is spread over callbacks, state
travels in closures, and errors have nobody to go back to, so the loop's exception
handler gets them. Futures and coroutines exist to give us back a call stack.
""")

# ---------------------------------------------------------------------------
md("""
## 2. The Future

A `Future` is a box for a result that is not there yet. Whoever produces the result
calls `set_result` (or `set_exception`); whoever wants it adds a *done callback*, or
(next section) awaits it.
""")

code("""
loop = new_loop()
fut = loop.create_future()
fut.add_done_callback(lambda f: print("done callback got", f.result()))
print(fut)
fut.set_result(42)
print(fut)
# A Handle's repr names the file of its callback: here, this cell's temporary file.
print("ready queue:", strip_paths(repr(list(loop._ready))))
""")

md("""
`set_result` did not call the callback: it handed it to `call_soon`, and it waits in
the ready queue for the loop's next iteration.
""")

code("""
loop._run_once()
loop.close()
""")

md("""
Here is that code, from `Future` in `toyloop/ch2_futures.py` (asyncio's pure-Python
original is `_PyFuture` in `Lib/asyncio/futures.py`):
""")

code(src("Future.set_result", "Future._schedule_callbacks", "Future.add_done_callback"),
     FUTURE)

md("""
`result()` gives the value, raises the stored exception, raises `CancelledError` if
the future was cancelled, and refuses if nothing is there yet:
""")

code(src("Future.result"), FUTURE)

code("""
loop = new_loop()
failed = loop.create_future()
failed.set_exception(ValueError("no such user"))
try:
    failed.result()
except ValueError as exc:
    print("result() raised", repr(exc))

pending = loop.create_future()
try:
    pending.result()
except InvalidStateError as exc:
    print("result() raised", repr(exc))
loop.close()
""")

md("""
### Why not call the callbacks right away?

Because the code that calls `set_result` is in the middle of something. A toy future
that runs its callbacks inline (not toyloop's, not asyncio's) shows the problem: the
producer finishes its bookkeeping *after* `set_result`, but the consumer runs *inside*
`set_result` and sees the state half-updated.
""")

code("""
class InlineFuture:
    \"\"\"A toy: done callbacks run inside set_result.\"\"\"

    def __init__(self):
        self._callbacks = []

    def add_done_callback(self, fn):
        self._callbacks.append(fn)

    def set_result(self, value):
        self.value = value
        for fn in self._callbacks:
            fn(self)


def producer(fut, inventory):
    inventory["items"] += 1
    fut.set_result("new item")
    inventory["log"].append("item counted")  # bookkeeping after set_result


def consumer(fut, inventory):
    print(f"  consumer sees {inventory}")
""")

code("""
inventory = {"items": 0, "log": []}
toy = InlineFuture()
toy.add_done_callback(lambda f: consumer(f, inventory))
print("inline callbacks:")
producer(toy, inventory)

loop = new_loop()
inventory = {"items": 0, "log": []}
real = loop.create_future()
real.add_done_callback(lambda f: consumer(f, inventory))
print("scheduled callbacks:")
producer(real, inventory)
loop._run_once()
loop.close()
""")

md("""
Inline, the consumer ran in the middle of `producer` and saw an empty log. Scheduled,
it ran after `producer` was done. Inline callbacks also nest: a chain of futures, each
completing the next from its callback, grows the stack by a few frames per link until
Python gives up:
""")

code("""
def chain(n, future_class):
    futures = [future_class() for _ in range(n)]
    for this, nxt in zip(futures, futures[1:]):
        this.add_done_callback(lambda f, nxt=nxt: nxt.set_result(f.value + 1))
    futures[0].set_result(0)
    return futures[-1]


print(chain(10, InlineFuture).value)
try:
    chain(100_000, InlineFuture)
except RecursionError as exc:  # its traceback is thousands of identical frames
    print("RecursionError:", exc)
""")

md("""
With `call_soon`, each link runs in its own loop iteration from a flat stack, however
long the chain. The same rule holds for every callback in asyncio: futures, tasks,
`call_soon` itself.

### Recap
* A Future holds a result, an exception, or a cancellation, and a list of done callbacks.
* Completing it *schedules* the callbacks with `call_soon`; it never runs them inline.
* That keeps the producer's code in one piece and the stack flat.
""")

# ---------------------------------------------------------------------------
md("""
## 3. Coroutines are generators underneath

An `async def` function returns a coroutine object, and a coroutine has the generator
interface of chapter 1: `send`, `throw`, `close`. A coroutine that never waits
finishes on the first `send`, with its return value in `StopIteration.value`:
""")

code("""
async def add(a, b):
    return a + b


coro = add(2, 3)
try:
    coro.send(None)
except StopIteration as stop:
    print("finished in one send, value =", stop.value)
""")

md("""
So who yields? Not `await` on a coroutine: that only delegates, like `yield from`.
Only something at the bottom of the chain yields: a future that is not done yet
(or a bare `yield`, below). Here a coroutine awaits another coroutine that awaits a
future, and we drive it by hand:
""")

code("""
async def fetch(fut):
    value = await fut  # the only place anything can be yielded
    return value + 1


async def handler(fut):
    result = await fetch(fut)  # delegates: no yield here
    return f"handled {result}"


loop = new_loop()
fut = loop.create_future()
coro = handler(fut)
yielded = coro.send(None)
print("the whole chain yielded the future itself:", yielded is fut)
outer, inner = coro, coro.cr_await
print("await chain:", outer.cr_code.co_name, "->", inner.cr_code.co_name, "->", inner.cr_await)
""")

md("""
The future travelled up through both `await`s to whoever called `send`. That caller
(a Task, next section) keeps it and waits. When the future gets its result, one more
`send` resumes the chain at the bottom, and the value flows back up as return values:
""")

code("""
fut.set_result(41)
try:
    coro.send(None)
except StopIteration as stop:
    print("value =", repr(stop.value))
loop.close()
""")

md("""
This matters on a loop. Two tasks each loop three times. When they await a coroutine,
the first runs to the end before the second starts: nothing ever went back to the
loop. With a real suspension point (`asyncio.sleep(0)`) they take turns.
""")

code("""
async def no_wait():
    return "instant"


async def counter(name, log, pause):
    for i in range(3):
        await (asyncio.sleep(0) if pause else no_wait())
        log.append(f"{name}{i}")


for pause in (False, True):
    loop, log = new_loop(), []
    tasks = [loop.create_task(counter(name, log, pause)) for name in "ab"]
    loop.run_until_complete(asyncio.gather(*tasks))
    print(f"awaiting {'asyncio.sleep(0)' if pause else 'a coroutine'}: {log}")
    loop.close()
""")

md("""
The yielding happens in `Future.__await__`: a generator that yields the future itself
if it is not done, and returns its result once it is. `_asyncio_future_blocking` tells
the Task "this future was yielded by `await`, on purpose":
""")

code(src("Future.__await__"), FUTURE)

md("""
A generator decorated with `@types.coroutine` can be awaited too. `_sleep0` is the
smallest possible suspension, a bare `yield`, which is what `asyncio.sleep(0)` does
(asyncio calls it `__sleep0`):
""")

code(src("_sleep0"), MODULE)

code("""
async def polite():
    await _sleep0()
    return "resumed"


coro = polite()
print("yielded:", coro.send(None))
try:
    coro.send(None)
except StopIteration as stop:
    print("then:", stop.value)
""")

md("""
And `throw` works through the chain as well: the exception appears at the `await`
that is waiting, which is how a failed future (and, in section 6, a cancellation)
reaches your code.
""")

code("""
async def careful(fut):
    try:
        return await fut
    except ConnectionError as exc:
        return f"recovered from {exc!r}"


loop = new_loop()
coro = careful(loop.create_future())
coro.send(None)
try:
    coro.throw(ConnectionError("reset by peer"))
except StopIteration as stop:
    print(stop.value)
loop.close()
""")

md("""
### Recap
* Coroutines have `send`/`throw`/`close`; `return x` arrives as `StopIteration.value`.
* `await coroutine` delegates and yields nothing by itself; only a pending future (or a bare
  `yield` from a `@types.coroutine` generator) travels up the chain to the driver.
* `Future.__await__` is `yield self`, then `return self.result()`.
""")

# ---------------------------------------------------------------------------
md("""
## 4. The Task: driving a coroutine

A `Task` is a Future that drives a coroutine: it `send`s into it until the coroutine
yields a future, then asks that future to call it back when done. When the coroutine
returns, the task's own result is set, so tasks can be awaited like any future.

Creating a task schedules its first step with `call_soon` (asyncio since 3.12 can also
start it *eagerly*, see section 10):
""")

code(src("Task.__init__"), TASK)

md("""
`__step` is the heart of asyncio (`Task.__step` in `Lib/asyncio/tasks.py`), one
comment per phase: honour a pending cancel, resume the coroutine, record how it
finished, or decide when to resume it. A bare `yield` (`asyncio.sleep(0)`) is handled
right there, as the most common case: step again in the next iteration.
""")

code(src("Task.__step"), TASK)

md("""
`_park` handles everything else the coroutine can yield. A future (the normal case)
gets `__wakeup` as its done callback, and the task is parked: nothing will step it
until that callback runs. Anything else is a bug, thrown back into the coroutine as a
`RuntimeError` with asyncio's wording.
""")

code(src("Task._park"), TASK)

code(src("Task.__wakeup"), TASK)

md("""
`__wakeup` does not pass the future's value to `__step`: the coroutine is paused
inside `Future.__await__`, which reads `self.result()` when it resumes. A failed
future is thrown into the coroutine instead. Let's watch a task do all of this:
""")

code("""
async def worker(fut):
    print(f"{loop.time():.1f}  worker: waiting for the future")
    value = await fut
    print(f"{loop.time():.1f}  worker: got {value!r}")
    return value * 2


loop = new_loop()
fut = loop.create_future()
task = loop.create_task(worker(fut), name="worker")
loop.call_later(2, fut.set_result, 21)
print("before:", strip_paths(repr(task)))  # the cell's file, without its folder
print("result:", loop.run_until_complete(task))
print("after: ", strip_paths(repr(task)))
loop.close()
""")

md("""
`run_until_complete` ran the loop until the task was done. The task's first step ran
to `await fut` and parked on `fut`; at t=2.0 the timer set the future's result,
which scheduled `__wakeup`; the next step finished the coroutine, and the task's
result became the coroutine's return value.

An exception set on the future is raised at the `await`; one the coroutine does not
catch becomes the task's exception:
""")

code("""
async def fragile(fut):
    return await fut


loop = new_loop()
fut = loop.create_future()
task = loop.create_task(fragile(fut))
loop.call_later(1, fut.set_exception, TimeoutError("server too slow"))
try:
    loop.run_until_complete(task)
except TimeoutError as exc:
    print("run_until_complete raised", repr(exc))
print(task.done(), repr(task.exception()))
loop.close()
""")

md("""
### Recap
* A task's first step is scheduled with `call_soon`; each step is one `send` or `throw`.
* A yielded future gets the task's `__wakeup` as a done callback; a bare `yield` means
  "again, soon".
* The coroutine's return value or exception becomes the task's.
""")

# ---------------------------------------------------------------------------
md("""
## 5. The loop

`BaseLoop` is chapter 1's scheduler grown up. Callbacks are `Handle` objects (they can
be cancelled, and they run in a `contextvars` context); timers are `TimerHandle`s in
the heap `_scheduled`, as `(when, seq, handle)`:
""")

code(src("BaseLoop.call_soon", "BaseLoop.call_later", "BaseLoop.call_at"), LOOP)

md("""
One iteration, in phases (asyncio: `BaseEventLoop._run_once` in
`Lib/asyncio/base_events.py`). Cancelled timers stay in the heap and are skipped when
they reach the top, or purged all at once when they are most of it. Chapter 2's
`_select` only lets time pass; chapter 3's waits for sockets. The `tracing`/`hooks`
lines are toyloop's own: hook points where the tracer and explorer of section 9 watch
the loop. With no tool attached each costs a test of the local flag `tracing`.
""")

code(src("BaseLoop._run_once"), LOOP)

md("""
Note phase 5: it counts the ready handles *before* running them, so a callback that
schedules another callback (a task stepping again after `await asyncio.sleep(0)`)
waits for the next iteration, after another look at timers and I/O.

`run_forever` runs iterations until `stop()`; `run_until_complete` adds a done
callback to the future that calls `stop()`:
""")

code(src("BaseLoop.run_forever", "BaseLoop.run_until_complete"), LOOP)

md("""
`run_forever` also makes the loop the thread's *running loop*
(`asyncio.get_running_loop()`), which is why asyncio's own functions work on it.
`current_task()` reads asyncio's table of running tasks, which `__step` fills in:
""")

code("""
async def who_am_i():
    await asyncio.sleep(0.5)  # asyncio's sleep, on our loop
    return current_task().get_name()


loop = new_loop()
tasks = [loop.create_task(who_am_i(), name=f"job-{i}") for i in range(3)]
print(loop.run_until_complete(asyncio.gather(*tasks)), "at t =", loop.time())
loop.close()
""")

md("""
### Recap
* Handles and timer handles are cancellable callbacks; timers sit in a heap as
  `(when, seq, handle)`.
* `_run_once`: prune timers, compute the timeout, wait, move due timers, run what is ready.
* `run_until_complete(fut)` = a done callback that stops the loop + `run_forever()`.
""")

# ---------------------------------------------------------------------------
md("""
## 6. Cancellation

`task.cancel()` asks a task to stop. It cannot interrupt code that is running (there
is only one thread), so it acts at the task's `await`: it cancels the future the task
waits on, whose done callback (`__wakeup`) then throws `CancelledError` into the
coroutine. If the task is not waiting on anything, `_must_cancel` makes the next
step throw it instead.
""")

code(src("Task.cancel"), TASK)

code("""
async def downloader():
    try:
        await asyncio.sleep(10)
    except CancelledError:
        print(f"{loop.time():.1f}  downloader: cancelled, cleaning up")
        raise  # re-raise: the task ends cancelled
    finally:
        print(f"{loop.time():.1f}  downloader: finally runs")


async def main():
    task = loop.create_task(downloader())
    await asyncio.sleep(1)
    waiting_on = task._fut_waiter
    task.cancel()
    print(f"{loop.time():.1f}  main: cancel() requested, the future it awaited is "
          f"cancelled: {waiting_on.cancelled()}")
    try:
        await task
    except CancelledError:
        print(f"{loop.time():.1f}  main: task.cancelled() = {task.cancelled()}")


loop = new_loop()
loop.run_until_complete(main())
loop.close()
""")

md("""
The `CancelledError` appeared at the `await asyncio.sleep(10)`, `except` and `finally`
ran, and re-raising made the task end *cancelled*. A coroutine may also swallow the
error and carry on; asyncio then needs to know whether the cancellation was "handled".
Since 3.11 a task counts cancel requests: `cancelling()` says how many are pending and
`uncancel()` takes one back. `asyncio.timeout()` and `TaskGroup` use this to tell
their own cancellations from someone else's.
""")

code(src("Task.cancelling", "Task.uncancel"), TASK)

code("""
async def stubborn():
    try:
        await asyncio.sleep(10)
    except CancelledError:
        me = current_task()
        print("cancel requests pending:", me.cancelling())
        me.uncancel()  # "that one was mine, I have dealt with it"
        print("after uncancel():", me.cancelling())
    return "finished anyway"


loop = new_loop()
task = loop.create_task(stubborn())
loop.call_later(1, task.cancel)
print(loop.run_until_complete(task), "| cancelled:", task.cancelled())
loop.close()
""")

md("""
### Recap
* `cancel()` cancels the awaited future; its `__wakeup` throws `CancelledError` in at the `await`.
* Cleanup runs in `except`/`finally`; re-raising makes the task end cancelled.
* `cancelling()` counts pending requests; `uncancel()` takes one back when it was handled.
""")

# ---------------------------------------------------------------------------
md("""
## 7. Exercises

Three exercises, easiest first, on the chapter 2 `BaseLoop` with a virtual clock.
Inside your code `asyncio.get_running_loop()` returns that loop, so you can use
`loop.create_future()`, `loop.call_later()`, `ensure_future()` from above, and
`CancelledError`. `exercise.hint()` gives hints one at a time.
""")

code("""
from toyloop.exercises.ch2 import gather_exercise, sleep_exercise, wait_for_exercise
""")

md("""
### Exercise 1: `sleep`

Write `async def sleep(delay, result=None)`: return `result` after `delay` seconds of
loop time. Use a future that a `call_later` timer completes. `sleep(0)` must still give
the other tasks a turn. If the sleeping task is cancelled, the `CancelledError` must
come out and the timer must not stay behind.
""")

code('''
async def sleep(delay, result=None):
    """Suspend the current task for delay seconds, then return result."""
    raise NotImplementedError  # your code here
''')

code("""
sleep_exercise.check(sleep)
""")

md("""
### Exercise 2: `gather`

Write `async def gather(*aws)`: run all the awaitables (coroutines, tasks, futures)
concurrently and return their results as a list in argument order. If one raises, raise
that exception at once (the others may go on running). If the task awaiting `gather` is
cancelled, cancel all the children.
""")

code('''
async def gather(*aws):
    """Run aws concurrently; return their results in argument order."""
    raise NotImplementedError  # your code here
''')

code("""
gather_exercise.check(gather)
""")

md("""
### Exercise 3: `wait_for`

Write `async def wait_for(aw, timeout)`: return the result of `aw` if it finishes
within `timeout` seconds. If not, cancel it, wait until it has wound down, and raise
`TimeoutError`. Its own exceptions pass through; `timeout=None` means no limit; if the
task running `wait_for` is cancelled, cancel `aw` too.
""")

code('''
async def wait_for(aw, timeout):
    """Wait for aw, at most timeout seconds; then cancel it and raise TimeoutError."""
    raise NotImplementedError  # your code here
''')

code("""
wait_for_exercise.check(wait_for)
""")

# ---------------------------------------------------------------------------
md("""
## 8. toyloop's `sleep`, `gather` and `wait_for`

(Spoilers for the exercises.) The package's versions follow asyncio's
(`Lib/asyncio/tasks.py`). These cells define the real functions in this notebook, so
the demos below run them. `sleep`: a future, a timer, and `_set_result_unless_cancelled`
because the sleeper may be gone when the timer fires.
""")

code("""
import functools
import math

from toyloop.ch2_futures import (
    _cancel_and_wait, _collect_results, _GatheringFuture, _result_or_timeout,
    _set_result_unless_cancelled,
)
""")

code(src("sleep"), MODULE)

md("""
`gather` wraps each argument with `ensure_future` and counts finished children in one
done callback. Its outer future is a `_GatheringFuture`, whose `cancel()` cancels the
children.
""")

code(src("gather"), MODULE)

code("""
async def job(name, delay, fail=False):
    await sleep(delay)
    if fail:
        raise ValueError(f"{name} failed")
    return name


async def main():
    print(await gather(job("a", 2), job("b", 1)))
    print(await gather(job("c", 1), job("d", 0.5, fail=True), return_exceptions=True))
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        await gather(job("e", 5), job("f", 1, fail=True))
    except ValueError as exc:
        print(f"raised after {loop.time() - start:.1f} s, without waiting for e:", repr(exc))


loop = new_loop()
loop.run_until_complete(main())
loop.close()
""")

md("""
`wait_for` is the 3.11 design: a waiter future released by whichever comes first, the
child finishing or a timer; after a timeout it cancels the child and *waits* for it
(`_cancel_and_wait`), so the child's cleanup has run before `TimeoutError` is raised.
Since 3.12 asyncio's `wait_for` is written with `asyncio.timeout()`
(`Lib/asyncio/timeouts.py`) instead.
""")

code(src("wait_for"), MODULE)

code("""
async def slow():
    try:
        await sleep(10)
        return "slow result"
    finally:
        print(f"{asyncio.get_running_loop().time():.1f}  slow: cleanup")


async def main():
    loop = asyncio.get_running_loop()
    print(f"{loop.time():.1f}  {await wait_for(sleep(1, 'quick result'), timeout=5)}")
    try:
        await wait_for(slow(), timeout=2)
    except TimeoutError:
        print(f"{loop.time():.1f}  TimeoutError, after slow's cleanup")


loop = new_loop()
loop.run_until_complete(main())
loop.close()
""")

# ---------------------------------------------------------------------------
md("""
## 9. Watching it run: the tracer and the explorer

The tracer (`toyloop.tools.tracer`) records every iteration of a loop: what the clock
said, how long the loop could wait, which timers fired and which callbacks ran. Here is
a producer and two consumers sharing one future:
""")

code("""
from toyloop.tools.tracer import run_traced


async def consumer(name, box):
    value = await box
    return f"{name} got {value}"


async def program():
    loop = asyncio.get_running_loop()
    box = loop.create_future()
    readers = [loop.create_task(consumer(n, box)) for n in ("c1", "c2")]
    loop.call_later(1, box.set_result, "data")
    return await asyncio.gather(*readers)


result, tracer = run_traced(program)
print(result)
tracer.print(compact=True)
""")

md("""
Iteration 3: the timer fired and ran `set_result`, which scheduled both consumers'
`__wakeup`s; iteration 4 ran them, one after the other. The same two iterations as
trees, with what each step did:
""")

code("""
tracer.print(first=3, last=4)
""")

md("""
The explorer replays the same recording with buttons: Step, Back, Play, a slider, and
panes for the ready queue, the timer heap and each task's await chain. Step to
iteration 3 and watch the futures' callbacks land in the ready queue.
""")

code("""
from toyloop.tools.explorer import Explorer

explorer = Explorer(program)
explorer
""")

# ---------------------------------------------------------------------------
md("""
## 10. Where asyncio does it differently

* **C accelerators.** asyncio's `Future` and `Task` are written in C (`_asyncio` module,
  `Modules/_asynciomodule.c`); `Lib/asyncio/futures.py` and `tasks.py` keep the Python
  versions as `_PyFuture` and `_PyTask`, which are what toyloop mirrors.
* **Eager tasks (3.12+).** With `loop.set_task_factory(asyncio.eager_task_factory)`, a
  new task runs its first step *inside* `create_task`, before returning; if it
  finishes without waiting, it never touches the loop.
* **Contexts.** Every `Handle` runs its callback inside a `contextvars.Context` (see
  `Handle._run`); a task copies the context when it is created, so context variables
  set in a task stay in that task.
* **Timeouts.** Since 3.11 `asyncio.timeout()` (`Lib/asyncio/timeouts.py`) cancels the
  current task and uses `uncancel()` to turn that into `TimeoutError`; `TaskGroup`
  relies on the same counting, and since 3.12 `wait_for` is built on `timeout()`.
* **What to read next:** `futures.Future` (`set_result`, `__schedule_callbacks`),
  `tasks.Task.__step` and `__wakeup`, `base_events.BaseEventLoop._run_once`,
  `tasks.sleep`, `tasks.gather`, `tasks.wait_for`.

### Chapter recap

* Callbacks lose the stack; futures and coroutines give it back.
* A Future schedules its done callbacks with `call_soon`, never inline.
* `await` delegates; only a pending future (or a bare `yield`) reaches the Task.
* A Task steps its coroutine with `send`/`throw`, parks it on the yielded future, and
  wakes it from that future's done callback.
* Cancellation is a `CancelledError` thrown in at the `await`.

Next, **chapter 3** puts a selector into `_run_once`'s waiting phase, and the loop can
wait for sockets as well as for time.
""")


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
