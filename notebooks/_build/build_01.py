"""Build notebooks/01_generators.ipynb (and execute it with --execute).

    python notebooks/_build/build_01.py --execute

The notebook is written from the cells below; cell ids are fixed so that a
rebuild changes only what changed.  Cells tagged ``toyloop:ch1_generators...``
must match toyloop/ch1_generators.py (tests/test_notebook_sync.py checks it).
"""

from __future__ import annotations

import sys

from nbbuild import Notebook

BOOK = Notebook("01_generators.ipynb", "ch1")
md, code = BOOK.md, BOOK.code

IGNORE = "nbval-ignore-output"
RAISES = "raises-exception"
MODULE = "toyloop:ch1_generators"
TASK = "toyloop:ch1_generators.Task"
SCHED = "toyloop:ch1_generators.Scheduler"

# ---------------------------------------------------------------------------
md("""
# 1 · Generators: the pausable function

An event loop runs many tasks on one thread by *pausing* them: a task runs until it
waits for something, then gives the thread back, and later carries on from where it
stopped, local variables intact. Python has had pausable functions since 2001: the
**generator**. `async def` coroutines are built on the same machinery, so we start
here.

In this chapter:

1. a generator's life: `next`, `StopIteration.value`, its states;
2. talking to a paused generator: `send`, `throw`, `close`;
3. `yield from`: one generator driving another, and its return value;
4. generators taking turns: a round-robin scheduler in ten lines;
5. tasks and a ready queue (`call_soon`);
6. sleeping: a timer heap. This is the first version of our loop,
   `toyloop/ch1_generators.py`;
7. why one blocking call stalls every task;
8. where asyncio differs;
9. exercises.
""")

code("""
import collections
import heapq
import inspect
import itertools
import time
from collections import deque

from toyloop.clock import MonotonicClock, VirtualClock
""")

# ---------------------------------------------------------------------------
md("""
## 1. A function that pauses

A function with `yield` in its body is a *generator function*. Calling it runs none
of its code: it returns a generator object, paused before the first line.
""")

code("""
def countdown(n):
    print("  (countdown starts)")
    while n > 0:
        yield n
        n -= 1
    return "liftoff"


gen = countdown(3)
print(gen)
print(inspect.getgeneratorstate(gen))
""")

md("""
`GEN_CREATED`: nothing has run, not even the `print`. Each `next(gen)` runs the body
up to the next `yield`, hands out the yielded value and freezes the frame there
(`GEN_SUSPENDED`):
""")

code("""
print(next(gen))
print(inspect.getgeneratorstate(gen), "with n =", gen.gi_frame.f_locals["n"])
print(next(gen))
print(next(gen))
""")

md("""
The local `n` survived between calls: the frame lives inside the generator object. When
the body runs off its end (or hits `return`), `next` raises `StopIteration`, and the
return value rides on the exception as `.value`. A `for` loop swallows that
exception and with it the value; a scheduler must not, because a task's result is
exactly that return value.
""")

code("""
try:
    next(gen)
except StopIteration as stop:
    print("StopIteration, value =", repr(stop.value))
print(inspect.getgeneratorstate(gen))
""")

md("""
The fourth state, `GEN_RUNNING`, can only be seen from inside: while its code runs.
""")

code("""
def look_at_myself():
    yield inspect.getgeneratorstate(me)


me = look_at_myself()
print(next(me))
""")

md("""
### Recap
* Calling a generator function creates a paused generator; `next` runs it to the next `yield`.
* Its frame (locals, position) survives between calls.
* `return x` ends it with `StopIteration(x)`; read `.value`.
* States: `GEN_CREATED`, `GEN_RUNNING`, `GEN_SUSPENDED`, `GEN_CLOSED`.
""")

# ---------------------------------------------------------------------------
md("""
## 2. Talking to a paused generator: `send`, `throw`, `close`

`yield` is also an expression: `gen.send(value)` resumes the generator and makes the
paused `yield` evaluate to `value`. (`next(gen)` is `gen.send(None)`.)
""")

code("""
def running_total():
    total = 0
    while True:
        amount = yield total
        total += amount


acc = running_total()
print(next(acc))  # run to the first yield ("priming")
print(acc.send(10))
print(acc.send(5))
""")

md("""
A generator that has not started has no paused `yield` to receive a value, so the
first resume must send `None`. The error below is expected:
""")

code("""
running_total().send(10)
""", RAISES)

md("""
`gen.throw(exc)` resumes the generator by *raising* `exc` at the paused `yield`. The
generator can catch it and carry on, and `throw` returns whatever it yields next:
""")

code("""
def resilient():
    while True:
        try:
            yield "waiting"
        except ValueError as exc:
            print("  caught inside the generator:", exc)


r = resilient()
print(next(r))
print(r.throw(ValueError("bad input")))
""")

md("""
`gen.close()` throws `GeneratorExit` in, so `finally` blocks and `with` statements
clean up. A generator that yields again instead of finishing gets a `RuntimeError`
(expected below):
""")

code("""
def with_cleanup():
    try:
        yield 1
        yield 2
    finally:
        print("  cleanup runs")


g = with_cleanup()
next(g)
g.close()
print(inspect.getgeneratorstate(g))
""")

code("""
def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield "no, I won't stop"


s = stubborn()
next(s)
s.close()
""", RAISES)

md("""
These three are the whole interface a scheduler needs: `send` resumes a task with a
value, `throw` delivers an error into it where it waits (chapter 2 cancels tasks this
way), `close` makes it clean up.

### Recap
* `send(v)`: resume, and the paused `yield` evaluates to `v`; the first send must be `None`.
* `throw(e)`: resume by raising `e` at the paused `yield`.
* `close()`: raise `GeneratorExit` there; `finally` runs.
""")

# ---------------------------------------------------------------------------
md("""
## 3. `yield from`: a generator driving another

`yield from sub` runs the generator `sub` to completion *through* the outer one:
everything `sub` yields goes straight to whoever drives the outer generator, every
`send` and `throw` goes straight to `sub`, and when `sub` returns, its return value
becomes the value of the `yield from` expression.
""")

code("""
def inner():
    received = yield "inner: first"
    print("  inner received", repr(received))
    yield "inner: second"
    return "inner's result"


def outer():
    result = yield from inner()
    print("  outer got", repr(result))
    yield "outer: done"


g = outer()
print(next(g))
print(g.send("hello"))
print("outer is delegating to:", g.gi_yieldfrom.__name__)
print(next(g))
""")

md("""
`"hello"` reached `inner`, not `outer`. `outer` saw nothing of the conversation: it
only got `inner`'s return value at the end. So a deep chain of `yield from` behaves as
one generator: the driver talks to the innermost one, and `gi_yieldfrom` follows the
chain down.

This is how `await` works. `await coro` delegates exactly like `yield from`, so an
`async def` calling another `async def` calling `asyncio.sleep` is one chain, and
the loop at the top talks to whatever is at the bottom. Chapter 2 shows it with
real coroutines.

### Recap
* `x = yield from sub`: `sub`'s yields pass out, `send`/`throw` pass in, `x` is `sub`'s
  return value.
* A chain of delegating generators acts as one; `gi_yieldfrom` shows the chain.
""")

# ---------------------------------------------------------------------------
md("""
## 4. Generators taking turns

If every `yield` means "I can pause here", a scheduler can run many generators on one
thread by resuming each in turn. This is the whole idea, with a `deque` of
generators. (A throwaway first version: it is not in the `toyloop` package.)
""")

code("""
def run_round_robin(*generators):
    ready = deque(generators)
    while ready:
        gen = ready.popleft()
        try:
            next(gen)
        except StopIteration:
            continue  # finished: don't put it back
        ready.append(gen)


def ticker(name, n):
    for i in range(n):
        print(name, i)
        yield


run_round_robin(ticker("a", 3), ticker("b", 2))
""")

md("""
The two tickers interleave, though each is written as a plain loop. Nobody interrupts
them: each decides where it may be paused. That is *cooperative* multitasking, and
its weakness shows in section 7.

### Recap
* A scheduler keeps a queue of paused generators and resumes them one at a time.
* A `yield` is a voluntary pause; between two yields a generator has the thread to itself.
""")

# ---------------------------------------------------------------------------
md("""
## 5. Tasks and a ready queue

Now the real thing, the code of `toyloop/ch1_generators.py`. Two changes from the toy:

* a **`Task`** wraps each generator and remembers its result or exception, plus the
  *done callbacks* to run when it finishes (the seed of chapter 2's Future);
* the ready queue holds **callbacks**, `(callback, args)` pairs, not generators.
  Resuming a task is just one kind of callback, `task.step`. That makes the loop
  general: anything can be scheduled with `call_soon`, as in asyncio.

What a task yields is a *request* to the scheduler: `None` means "run me again after
the others"; a function `arrange(task)` means "I am waiting; this function arranges
who will resume me". `sleep` will be such a function.
""")

code("""
class Task:
    def __init__(self, gen, loop, name):
        self._gen = gen
        self.loop = loop
        self.name = name
        self._done = False
        self._result = None
        self._exception = None
        self._callbacks = []

    def done(self):
        return self._done

    def result(self):
        if not self._done:
            raise RuntimeError(f"{self.name} has not finished yet")
        if self._exception is not None:
            raise self._exception
        return self._result
""", MODULE)

md("""
`result()` returns the generator's return value, or raises the exception that ended it.
The heart of a task is `step`: one `send` (or `throw`), then act on the request.
""")

code("""
def step(self, exc=None):
    try:
        if exc is None:
            request = self._gen.send(None)
        else:
            request = self._gen.throw(exc)
    except StopIteration as stop:  # ``return value`` inside the generator
        self._finish(result=stop.value)
    except Exception as error:  # kept for whoever asks for the result
        self._finish(exception=error)
    else:
        if request is None:
            self.loop.call_soon(self.step)  # a bare yield: go again, after the others
        elif callable(request):
            request(self)  # it schedules our next step itself (see sleep)
        else:
            bad = TypeError(f"{self.name} yielded {request!r}: "
                            "yield nothing, or a function that schedules the task")
            self.loop.call_soon(self.step, bad)


Task.step = step
""", TASK)

md("""
Three outcomes: the generator returned (record the result), raised (record the
exception), or yielded a request. A bad request is thrown back *into* the generator on
its next step, where it points at the guilty `yield`. (asyncio does the same in
`Task.__step`: "Task got bad yield".)

When a task finishes it hands its done callbacks to `call_soon` rather than calling
them: whoever finished the task finishes its own work first. Chapter 2 shows what goes
wrong otherwise.
""")

code("""
def add_done_callback(self, fn):
    if self._done:
        self.loop.call_soon(fn)
    else:
        self._callbacks.append(fn)


def _finish(self, result=None, exception=None):
    self._done = True
    self._result = result
    self._exception = exception
    for fn in self._callbacks:
        self.loop.call_soon(fn)  # never inline: whoever finished us finishes first
    self._callbacks.clear()


def __repr__(self):
    if not self._done:
        state = "pending"
    elif self._exception is not None:
        state = f"exception={self._exception!r}"
    else:
        state = f"result={self._result!r}"
    return f"<Task {self.name} {state}>"


Task.add_done_callback, Task._finish, Task.__repr__ = add_done_callback, _finish, __repr__
""", TASK)

md("""
The scheduler owns the ready queue `_ready` (asyncio's name) and, for section 6, a
timer heap `_scheduled`. Its clock is injectable: a `VirtualClock` makes every time we
print exact.
""")

code("""
class Scheduler:
    def __init__(self, clock=None):
        self._clock = MonotonicClock() if clock is None else clock
        self._ready = collections.deque()  # (callback, args)
        self._scheduled = []  # heap of (when, seq, callback, args)
        self._seq = itertools.count()  # tie-breaker: equal deadlines run in order set
        self._task_ids = itertools.count(1)
        self._stopping = False

    def time(self):
        return self._clock.time()

    def call_soon(self, callback, *args):
        self._ready.append((callback, args))

    def create_task(self, gen, name=None):
        task = Task(gen, self, name or f"Task-{next(self._task_ids)}")
        self.call_soon(task.step)
        return task
""", MODULE)

md("""
One turn of the loop, for now, runs what is ready. This first `_run_once` is a
stepping stone, replaced in section 6, so it is not the package's code:
""")

code("""
def _run_once(self):
    for _ in range(len(self._ready)):  # count first: what these add waits a turn
        callback, args = self._ready.popleft()
        callback(*args)


Scheduler._run_once = _run_once
""")

code("""
def run_forever(self):
    try:
        while True:
            self._run_once()
            if self._stopping:
                break
    finally:
        self._stopping = False


def stop(self):
    self._stopping = True


def run(self, gen):
    task = self.create_task(gen)
    task.add_done_callback(self.stop)
    self.run_forever()
    return task.result()


Scheduler.run_forever, Scheduler.stop, Scheduler.run = run_forever, stop, run
""", SCHED)

md("""
`run(gen)` is `asyncio.run` in miniature: make the main task, stop the loop when it is
done, return its result (or raise its exception). Let's run the tickers again, now as
tasks, with a main task that returns a value:
""")

code("""
def main():
    sched.create_task(ticker("a", 3))
    sched.create_task(ticker("b", 2))
    yield
    print("main: the others are running")
    yield
    return "main's result"


sched = Scheduler(clock=VirtualClock())
print(sched.run(main()))
print("still ready:", list(sched._ready))
""")

md("""
`main`'s result came back through `StopIteration.value`, `Task._finish` and
`Task.result()`. `run` stopped the loop as soon as `main` was done, and `ticker a`'s
last step is still in the ready queue: asyncio's `run_until_complete` behaves the same
way (and `asyncio.run` then cancels what is left).

Why "count first" in `_run_once`? A callback that schedules another callback must not
get it run in the same turn, or a task that yields in a loop would starve everyone
else, and (in chapter 3) the loop would never get back to checking I/O.
""")

code("""
def echo(n):
    print("turn callback", n)
    if n < 3:
        sched.call_soon(echo, n + 1)


sched = Scheduler(clock=VirtualClock())
sched.call_soon(echo, 1)
sched.call_soon(print, "queued second")
for turn in range(3):
    print(f"-- turn {turn}")
    sched._run_once()
""")

md("""
### Recap
* The ready queue holds `(callback, args)`; resuming a task is the callback `task.step`.
* A task yields a request: `None` (again, later) or a function that arranges its wake-up.
* A turn runs only what was ready when it began.
* Done callbacks go through `call_soon`, never inline.
""")

# ---------------------------------------------------------------------------
md("""
## 6. Sleeping: the timer heap

A sleeping task must not be resumed until its deadline. Keep timers in a *heap*
ordered by deadline: the next one due is always `heap[0]`, and adding or removing one
costs O(log n). An entry `(when, callback)` has a catch: two timers for the same time
make `heapq` compare the callbacks, and functions cannot be ordered (expected error):
""")

code("""
timers = []
heapq.heappush(timers, (1.0, print))
heapq.heappush(timers, (1.0, len))
""", RAISES)

md("""
A counter between the two fixes it, and makes equal deadlines run in the order they
were set: entries are `(when, seq, callback, args)`. asyncio's `TimerHandle` compares
by `when` alone, and `heapq` promises no order among equal keys; toyloop's `seq`
makes them first-come first-served.
""")

code("""
def call_later(self, delay, callback, *args):
    self.call_at(self.time() + delay, callback, *args)


def call_at(self, when, callback, *args):
    heapq.heappush(self._scheduled, (when, next(self._seq), callback, args))


Scheduler.call_later, Scheduler.call_at = call_later, call_at
""", SCHED)

md("""
Now the real `_run_once`, in four phases. This is the shape of asyncio's
`BaseEventLoop._run_once` (`Lib/asyncio/base_events.py`); chapter 3 puts a
`select()` call in phase 2.
""")

code("""
def _run_once(self):
    # Phase 1: how long may we wait?  Not at all if something is ready.
    if self._ready or self._stopping:
        timeout = 0.0
    elif self._scheduled:
        timeout = max(0.0, self._scheduled[0][0] - self.time())
    else:
        raise RuntimeError("Nothing is ready and no timer is set: "
                           "the scheduler would wait forever")
    # Phase 2: wait.  There is no I/O yet, so waiting is letting time pass.
    if timeout:
        self._wait(timeout)
    # Phase 3: move the timers that are due to the ready queue.
    now = self.time()
    while self._scheduled and self._scheduled[0][0] <= now:
        _, _, callback, args = heapq.heappop(self._scheduled)
        self._ready.append((callback, args))
    # Phase 4: run what is ready *now*; what these callbacks add waits a turn.
    for _ in range(len(self._ready)):
        callback, args = self._ready.popleft()
        callback(*args)


Scheduler._run_once = _run_once
""", SCHED)

code("""
def _wait(self, timeout):
    if getattr(self._clock, "virtual", False):
        self._clock.advance(timeout)  # virtual time: jump, don't sleep
    else:
        time.sleep(timeout)


Scheduler._wait = _wait
""", SCHED)

md("""
With nothing ready and no timer, phase 1 gives up: no event could ever arrive, so
waiting would be forever. (asyncio's loop would block in `select()`, since a socket
might still wake it.) And `sleep` is a generator that yields one request, "step me
again in `delay` seconds":
""")

code("""
def sleep(delay):
    if delay <= 0:
        yield  # just let the others run, as asyncio.sleep(0) does
        return
    yield lambda task: task.loop.call_later(delay, task.step)
""", MODULE)

code("""
def sleeper(name, delay):
    print(f"{sched.time():4.1f}  {name} goes to sleep for {delay} s")
    yield from sleep(delay)
    print(f"{sched.time():4.1f}  {name} wakes up")
    return name


def main():
    plan = [("c", 3), ("a", 1), ("b", 2), ("a2", 1)]
    tasks = [sched.create_task(sleeper(name, delay)) for name, delay in plan]
    yield from sleep(5)
    return [t.result() for t in tasks]


sched = Scheduler(clock=VirtualClock())
print(sched.run(main()))
""")

md("""
The tasks woke in deadline order at exact times, `a` before `a2` (same deadline,
set first), and the whole program took 5 s of *virtual* time and no real time. Each
task called `sleep` through `yield from`, so the request travelled up from `sleep`
through `sleeper` to `Task.step`: the chain from section 3.

On the real clock, sleeps overlap just the same:
""")

code("""
sched = Scheduler()  # MonotonicClock: real time


def quick(delay):
    yield from sleep(delay)


def real_main():
    start = sched.time()
    tasks = [sched.create_task(quick(delay)) for delay in (0.4, 0.2, 0.4)]
    yield from sleep(0.45)
    return tasks, sched.time() - start


quick_tasks, elapsed = sched.run(real_main())
print(f"sleeps of 0.4, 0.2 and 0.4 s, all done after {elapsed:.3f} s")
""", IGNORE)

code("""
print("all three sleepers finished:", all(t.done() for t in quick_tasks))
print("well under the 1.0 s they add up to:", elapsed < 0.9)
""")

md("""
### Recap
* Timers live in a heap of `(when, seq, callback, args)`; `seq` breaks ties in order of arrival.
* `_run_once`: compute the timeout, wait, move due timers to the ready queue, run the ready.
* `sleep(d)` yields one request: `call_later(d, task.step)`.
* This is the first version of the loop, `toyloop/ch1_generators.py`.
""")

# ---------------------------------------------------------------------------
md("""
## 7. One blocking call stalls every task

The scheduler only gets control back when a task yields. A task that blocks without
yielding (`time.sleep`, a slow database driver, a CPU-heavy loop) holds the only
thread, and every other task waits with it, timers included.

On the virtual clock we can show it exactly: `blocker` stands in for `time.sleep(3)`
by moving the clock forward 3 s without yielding, which is what a blocking call looks
like to the loop.
""")

code("""
clock = VirtualClock()
sched = Scheduler(clock=clock)


def ticker_every_second():
    for _ in range(4):
        print(f"{sched.time():4.1f}  tick")
        yield from sleep(1)


def blocker():
    yield from sleep(1.5)
    print(f"{sched.time():4.1f}  blocker: calls time.sleep(3) (3 s pass, nothing yields)")
    clock.advance(3)


sched.create_task(blocker())
sched.run(ticker_every_second())
""")

md("""
The tick due at 2.0 came at 4.5: the timer was due, but nobody could run it. With real
time it looks the same, only less exact:
""")

code("""
sched = Scheduler()
ticks = []


def real_ticker():
    for _ in range(5):
        ticks.append(sched.time())
        yield from sleep(0.05)


def real_blocker():
    yield from sleep(0.07)
    time.sleep(0.3)  # blocks the whole thread


sched.create_task(real_blocker())
sched.run(real_ticker())
gaps = [round(b - a, 3) for a, b in zip(ticks, ticks[1:])]
print("gaps between ticks (s):", gaps)
""", IGNORE)

code("""
print("one gap of 0.3 s or more:", max(gaps) >= 0.3)
""")

md("""
This is why asyncio offers `loop.run_in_executor` / `asyncio.to_thread` for blocking
calls (chapter 4), and why its debug mode (`loop.set_debug(True)`) warns about
callbacks that take longer than 0.1 s (`slow_callback_duration`).

### Recap
* Tasks switch only at `yield` (in asyncio: at an `await` that really waits).
* One blocking call delays every task and every timer by its full duration.
""")

# ---------------------------------------------------------------------------
md("""
## 8. Where asyncio differs

Our scheduler already has asyncio's skeleton: `_ready`, `_scheduled`, `call_soon`,
`call_later`, `call_at`, `run_forever`, `stop`, and a `_run_once` in phases. What
asyncio does differently, and chapter 2 adds:

* **Coroutines, not generators.** `async def` functions make coroutine objects; `await`
  delegates like `yield from`, and the object at the bottom of the chain yields. A
  `@types.coroutine` generator can be awaited, which is how asyncio's `sleep(0)` is a
  bare `yield` (`__sleep0` in `Lib/asyncio/tasks.py`).
* **Futures, not request functions.** A task waits by yielding a `Future`; the task
  adds its wake-up as the future's done callback (`Task.__step` and `Task.__wakeup`).
  Our request functions are a simpler form of the same idea (curio calls them traps).
* **Handles.** Callbacks are `Handle` / `TimerHandle` objects that can be cancelled
  (`Lib/asyncio/events.py`); the heap then drops cancelled timers lazily.
* **Errors.** An exception nobody retrieves is reported to the loop's exception
  handler; ours just waits inside the task.
* **Phase 2 waits for I/O**: `self._selector.select(timeout)` (chapter 3).
""")

# ---------------------------------------------------------------------------
md("""
## 9. Exercises

Three exercises, easiest first. Each has a stub cell to edit and a check cell.
`exercise.hint()` gives hints one at a time; `exercise.solution()` shows an answer.
The scheduler-based ones use the package's `Scheduler`, `Task` and `sleep` (the same
code as above).
""")

code("""
from toyloop.ch1_generators import Scheduler, Task, sleep
from toyloop.exercises.ch1 import event_exercise, join_exercise, round_robin_exercise
""")

md("""
### Exercise 1: `round_robin`

Write `round_robin(*generators)`, which runs plain generators in turns (one `next` per
generator per round) until all are exhausted, and returns a pair `(yielded, returned)`:
every yielded value in the order they came, and each generator's return value in
argument order.

```python
def gen(name, n):
    for i in range(n):
        yield f"{name}{i}"
    return f"{name} done"

round_robin(gen("a", 1), gen("b", 2))
# (['a0', 'b0', 'b1'], ['a done', 'b done'])
```
""")

code('''
def round_robin(*generators):
    """Run the generators in turns; return (yielded values, return values)."""
    raise NotImplementedError  # your code here
''')

code("""
round_robin_exercise.check(round_robin)
""")

md("""
### Exercise 2: `join`

Write `join(task)`, a generator for the `Scheduler`, so that inside a task
`result = yield from join(other)` waits until `other` has finished and gives its
result (or raises its exception). It must not busy-wait: the joining task should be
resumed once, when `other` is done. `Task.add_done_callback(fn)` calls `fn()` through
`call_soon` when the task finishes.
""")

code('''
def join(task):
    """yield from join(task): wait for task to finish; return its result."""
    raise NotImplementedError  # your code here
''')

code("""
join_exercise.check(join)
""")

md("""
### Exercise 3: `Event`

Write an `Event` (like `asyncio.Event`) for the `Scheduler`: `yield from event.wait()`
parks the task until the event is set and then returns `True` (at once if it is
already set); `event.set()` sets it and wakes **every** waiting task through
`call_soon`, not inline; `event.is_set()` tells. Setting it twice wakes nobody twice.
""")

code('''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []  # tasks parked in wait()

    def is_set(self):
        raise NotImplementedError  # your code here

    def set(self):
        raise NotImplementedError  # your code here

    def wait(self):
        """yield from event.wait(): park until set; return True."""
        raise NotImplementedError  # your code here
''')

code("""
event_exercise.check(Event)
""")

md("""
### Chapter recap

* A generator is a function that pauses at `yield`; `send`, `throw` and `close` resume it
  with a value, an exception or a request to clean up; `return x` arrives as
  `StopIteration.value`.
* `yield from` chains generators into one, passing values out and sends/throws in.
* A scheduler resumes tasks in turns from a ready queue, and wakes sleepers from a timer
  heap ordered by `(when, seq)`; one turn = timeout, wait, due timers, ready callbacks.
* Switching is cooperative: a blocking call stalls everything.

Next, **chapter 2** replaces request functions with `Future`s and generators with
`async def` coroutines, and the scheduler becomes toyloop's `BaseLoop`.
""")


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
