"""Build notebooks/00_welcome.ipynb (and execute it with --execute).

    python notebooks/_build/build_00.py --execute

The notebook is written from the cells below; cell ids are fixed so that a
rebuild changes only what changed.  Execution uses nbclient with the kernel of
the running Python, from the notebooks/ folder.
"""

from __future__ import annotations

import sys

from nbbuild import Notebook

BOOK = Notebook("00_welcome.ipynb", "ch0")
md, code = BOOK.md, BOOK.code

IGNORE = "nbval-ignore-output"

# ---------------------------------------------------------------------------
md("""
# 0 · Welcome: what an event loop does

You write `async def` and `await` every day. These notebooks open the box underneath:
chapter by chapter we build **toyloop**, a complete event loop in readable Python, and
at the end asyncio itself runs your programs on it.

This first chapter shows what a loop does, with cells you can run; how to start one
(and why `asyncio.run` refuses to in Jupyter); the road map; and how the exercises
check your answers.

Run the cells in order with **Shift-Enter**. Nothing here needs the network. (To open
the notebooks yourself: `make lab` in the repository creates a virtual environment
with everything needed and starts JupyterLab.)
""")

code("""
import asyncio
import subprocess
import sys
import threading
import time

import toyloop
from toyloop.tools.tracer import run_traced
""")

# ---------------------------------------------------------------------------
md("""
## 1. What the loop keeps, and what it does with it

An event loop is a plain `while` loop that owns three things:

* a **ready queue** of callbacks to run now (`loop._ready`);
* a **timer heap** of callbacks to run later, ordered by deadline (`loop._scheduled`);
* a way to **wait for I/O**: it asks the operating system which sockets are ready,
  but never waits past the next timer.

Each turn it waits (not at all if something is ready), moves the due timers to the
ready queue, and runs what is ready. That is all. Here is toyloop's finished loop with
three callbacks in it, on a `VirtualClock`: time only moves when the loop has nothing
else to do, and then it jumps straight to the next timer, so the times below are exact.
""")

code("""
loop = toyloop.new_event_loop(clock=toyloop.VirtualClock())
loop.call_later(2, print, "timer set for 2 s")
loop.call_soon(print, "call_soon callback")
loop.call_later(1, print, "timer set for 1 s")

print("ready:    ", list(loop._ready))
print("scheduled:", [(when, handle) for when, _, handle in sorted(loop._scheduled)])
""")

md("""
`call_soon` put a `Handle` in the ready queue; each `call_later` put a `TimerHandle`
in the heap, keyed by its deadline (the middle number of each heap entry, a counter,
breaks ties). Nothing has run yet: only the loop runs callbacks.
""")

code("""
loop.call_later(2.5, loop.stop)
loop.run_forever()
print("loop time when it stopped:", loop.time())
loop.close()
""")

md("""
The ready callback ran first, then the timers in deadline order, though they were
added the other way round. Between them the loop waited (here: jumped) to the next
deadline. asyncio's loop does exactly this; its version is `BaseEventLoop._run_once`
in `Lib/asyncio/base_events.py`, and chapter 2 rebuilds it line by line.

Tasks are the same machinery. Below, `main` starts two workers that sleep for
different times. The tracer (`toyloop.tools.tracer`) prints one line per turn of the
loop: the clock, how long it was allowed to wait, and what it ran.
""")

code("""
async def worker(name, delay):
    await asyncio.sleep(delay)
    return name


async def main():
    return await asyncio.gather(worker("slow", 1.0), worker("fast", 0.5))


result, tracer = run_traced(main())
print(result)
tracer.print(compact=True)
""")

md("""
Read it top to bottom. A task runs in *steps*: `main():start` runs until its first
`await`, then the loop is free to run something else. Each `asyncio.sleep` became a
timer (`_set_result_unless_cancelled`, asyncio's own helper name); when it fired, the
sleeping task was woken in the next turn. The loop always decided what ran next,
and nothing ever ran at the same time as anything else.

### Recap
* The loop keeps a ready queue and a timer heap, and waits for I/O between turns.
* A coroutine runs until it awaits something that is not ready, then gives the loop back.
* What looks parallel is one thread taking turns.
""")

# ---------------------------------------------------------------------------
md("""
## 2. A thousand waits in the time of one

Why bother? Because waiting costs nothing while it is somebody else's turn. A
thousand coroutines each wait 0.1 seconds. Done one after the other that is 100
seconds; on one loop it is about 0.1 seconds. This time we use real time
(`toyloop.run` with its default clock), and note which thread ran each coroutine.
""")

code("""
async def wait_a_bit(i):
    await asyncio.sleep(0.1)
    return threading.get_ident()


async def thousand():
    start = time.perf_counter()
    threads = await asyncio.gather(*(wait_a_bit(i) for i in range(1000)))
    return time.perf_counter() - start, threads


elapsed, threads = toyloop.run(thousand())
print(f"1000 waits of 0.1 s took {elapsed:.3f} s of real time")
""", IGNORE)

md("""
The exact figure depends on your machine (so this cell's output is not checked by
the test suite), but it is close to 0.1 s, not 100 s. The next cell states the
facts that hold on every machine:
""")

code("""
print("under one second (one after another: 100 s):", elapsed < 1.0)
print("threads used:", len(set(threads)))
""")

md("""
One thread did it all. While a coroutine waits, it is not running at all: it is a
paused object in memory, and the loop holds a timer (or, for a socket, a file
descriptor) that will wake it. That is why a loop can juggle thousands of connections
where thousands of threads would be expensive.

On the virtual clock the same program takes exactly 0.1 s of loop time, and no real
time at all:
""")

code("""
async def thousand_virtual():
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(wait_a_bit(i) for i in range(1000)))
    return loop.time()


print("loop time at the end:", toyloop.run(thousand_virtual(), clock=toyloop.VirtualClock()))
""")

md("""
The catch, which chapter 1 shows: the turns are voluntary. A coroutine that calls
`time.sleep(1)` instead of `await asyncio.sleep(1)` holds the only thread, and every
other task waits with it.

### Recap
* Waiting tasks cost no thread and no CPU; the loop wakes each when its time comes.
* 1000 concurrent waits of 0.1 s finish in about 0.1 s on a single thread.
""")

# ---------------------------------------------------------------------------
md("""
## 3. Starting a loop: `asyncio.run`, the old way, and Jupyter

In a script, today's entry point is `asyncio.run(main())` (Python 3.7+). It makes a
**new** loop, runs `main` to completion, cancels the tasks `main` left behind,
finalises async generators, shuts down the default thread pool, and closes the
loop. Since 3.11 it is a thin wrapper around `asyncio.Runner`
(`Lib/asyncio/runners.py`). A script run in a separate process:
""")

code('''
script = """
import asyncio

async def main():
    await asyncio.sleep(0.01)
    return "main finished"

print(asyncio.run(main()))
"""
print(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True).stdout)
''')

md("""
Older code (and older tutorials) does this instead:

```python
loop = asyncio.get_event_loop()      # fetch, or silently create, "the" loop
loop.run_until_complete(main())
```

It works, but leaves the cleanup to you: the loop is never closed, tasks still
pending are dropped with a warning, and `get_event_loop()` creating a loop on the
fly hid bugs (the loop a library captured at import time was not the one running
later). Python 3.10 to 3.13 deprecate that implicit creation step by step, and 3.14
raises `RuntimeError` when there is no current loop. Written out in full, the old
style is:
""")

code('''
script = """
import asyncio

async def main():
    return "main finished"

loop = asyncio.new_event_loop()
try:
    print(loop.run_until_complete(main()))
    loop.run_until_complete(loop.shutdown_asyncgens())
finally:
    loop.close()
print("closed:", loop.is_closed())
"""
print(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True).stdout)
''')

md("""
Now try `asyncio.run` in this notebook. The Jupyter kernel is itself an asyncio
program: while a cell runs, the kernel's loop is the thread's *running loop*, and
`asyncio.run` refuses to start a second loop inside a running one. The cell below
catches the error and prints it:
""")

code("""
async def answer():
    await asyncio.sleep(0)
    return 42
""")

code("""
coro = answer()
try:
    asyncio.run(coro)
except RuntimeError as exc:
    print(f"RuntimeError: {exc}")
finally:
    coro.close()  # never started: close it, or Python warns it was never awaited
""")

md("""
Jupyter's own answer is top-level `await`: IPython runs such a cell as a coroutine
on the kernel's loop. That loop is asyncio's, not ours:
""")

code("""
print(await answer(), "computed on", type(asyncio.get_running_loop()).__name__)
""")

md("""
These notebooks want *toyloop's* loop instead, so they use two things that work
inside a cell:

* `toyloop.run(coro)`, toyloop's `asyncio.run`: it steps the kernel's loop aside for
  the duration of the call and puts it back afterwards (it is safe because the kernel's
  loop is blocked anyway while your cell runs);
* a toyloop loop's own `run_until_complete`, which does the same stepping aside.
""")

code("""
async def which_loop():
    await asyncio.sleep(0)
    loop_class = type(asyncio.get_running_loop())
    return f"{loop_class.__module__}.{loop_class.__name__}"


print("toyloop.run:        ", toyloop.run(which_loop()))

loop = toyloop.new_event_loop()
try:
    print("run_until_complete: ", loop.run_until_complete(which_loop()))
finally:
    loop.close()

print("kernel's loop back: ", type(asyncio._get_running_loop()).__name__)
""")

md("""
Inside `which_loop`, `asyncio.sleep` and `asyncio.get_running_loop()` worked
unchanged: toyloop's loop registers itself as the running loop exactly as asyncio's
does, so asyncio's own helpers run on it. Afterwards the kernel's loop is back.

### Recap
* Scripts: `asyncio.run(main())`, which creates, cleans up and closes its loop.
* Old style: `get_event_loop()` + `run_until_complete`; no cleanup, and the implicit
  loop creation is going away.
* In Jupyter, `asyncio.run` raises `RuntimeError` because the kernel's loop is running;
  use top-level `await` for asyncio, and `toyloop.run` or `loop.run_until_complete`
  for toyloop.
""")

# ---------------------------------------------------------------------------
ROAD_MAP = [  # (chapter, what you build, module): one table row each
    ("0 · Welcome", "what a loop does; how to run these notebooks", ""),
    ("1 · Generators", "the pausable function: `send`, `throw`, `yield from`; a round-robin "
     "scheduler with timers", "`ch1_generators.py`"),
    ("2 · Futures and tasks", "`Handle`, `Future`, `Task`, `BaseLoop._run_once`; `sleep`, "
     "`gather`, `wait_for`, cancellation", "`ch2_futures.py`"),
    ("3 · Selectors, sockets and timers", "waiting for sockets with `selectors`; `sock_recv`, "
     "`sock_sendall`, ...", "`ch3_selectors.py`"),
    ("4 · Threads and processes", "`call_soon_threadsafe`, the self-pipe, `run_in_executor`",
     "`ch4_threads.py`"),
    ("5 · Plugging into asyncio", "an `asyncio.AbstractEventLoop` that `asyncio.Runner` can "
     "use", "`ch5_asyncio.py`"),
    ("6 · Performance", "measuring the loop against asyncio and uvloop, and speeding it up",
     "`ch6_performance.py`"),
]
md("""
## 4. The road map

| Chapter | You build | Code in `toyloop/` |
|---|---|---|
""" + "".join(f"| {chapter} | {built} |{' ' + module if module else ''} |\n"
              for chapter, built, module in ROAD_MAP)
   + """
Each chapter's code is the package's code: a test compares the cells that define it
with the module, so what you read is what runs. Each module imports only earlier
chapters.
""")

# ---------------------------------------------------------------------------
md("""
## 5. Exercises, and how your answers are checked

Each chapter ends with exercises. An exercise comes as two cells:

1. a **stub** for you to fill in; its body is `raise NotImplementedError`;
2. a **check** cell, `exercise.check(your_function)`, which runs behaviour tests
   against your code and says *correct*, *incorrect* (with the failing case and what
   to look at) or *not attempted yet*.

`exercise.hint()` gives a hint; `exercise.solution()` shows one answer, but only
when you ask. The checks stop code that hangs after a few seconds and say so, and
the loop-based ones also notice a loop that spins or that nobody wakes up.

A warm-up: write `double_later(x)`, a coroutine that waits one second
(`asyncio.sleep`) and then returns `2 * x`. Here are its checker and its stub; in
later chapters the checkers live in `toyloop.exercises`, but this one is small
enough to read. A case is just a function that raises `AssertionError` with a
helpful message.
""")

code('''
import inspect

from toyloop.tools.checker import Exercise, run_in_loop


def case_is_a_coroutine_function(double_later):
    """double_later is a coroutine function (async def)"""
    assert inspect.iscoroutinefunction(double_later), "define it with `async def`, not `def`"


def case_returns_twice_x(double_later):
    """double_later(21) returns 42"""
    got = run_in_loop(double_later(21))
    assert got == 42, f"double_later(21) returned {got!r}; it should return 42"


def case_waits_one_second(double_later):
    """double_later(21) waits one second of loop time"""
    async def timed():
        loop = asyncio.get_running_loop()
        start = loop.time()
        await double_later(21)
        return loop.time() - start

    took = run_in_loop(timed)
    assert took == 1, f"it returned after {took} s of loop time: await asyncio.sleep(1) first"
''')

code('''
async def reference_double_later(x):
    await asyncio.sleep(1)
    return 2 * x


warm_up = Exercise(
    "warm-up: double_later",
    cases=[case_is_a_coroutine_function, case_returns_twice_x, case_waits_one_second],
    hint="Two lines: `await asyncio.sleep(1)`, then `return 2 * x`.",
    solution=reference_double_later,
)
''')

md("""
Your turn. Replace the `raise` line, run the cell, then run the check below it.
""")

code("""
async def double_later(x):
    raise NotImplementedError  # your code here
""")

code("""
warm_up.check(double_later)
""")

md("""
Until you edit the stub, the check says *not attempted yet*. Here is what a wrong
answer looks like: this one forgets to wait.
""")

code("""
async def too_fast(x):
    return 2 * x


warm_up.check(too_fast)
""")

md("""
The report names the case that failed, and its message says what to change. When
you are stuck, ask for a hint; `warm_up.solution()` (commented out below) shows
the reference answer.
""")

code("""
warm_up.hint()
# warm_up.solution()
""")

md("""
A few habits that help:

* **Run top to bottom.** Cells build on each other; after editing an earlier cell,
  use *Run → Run All Above Selected Cell* (or *Kernel → Restart Kernel and Run All*).
* **Errors on purpose.** Cells that show an error deliberately say so in the text
  before them (they carry the tag `raises-exception`, and *Run All* stops at them:
  run the cells after one with *Run → Run Selected Cell and All Below*).
* **Stuck cell?** *Kernel → Interrupt*. The checks stop a hung answer by themselves
  after a few seconds.
* **Read the real thing.** Each chapter names the asyncio file and function that it
  mirrors; `asyncio.__file__` tells you where they are on your machine.

### Recap
* Stub cell: replace `raise NotImplementedError`; check cell: `exercise.check(fn)`.
* `exercise.hint()` for a hint, `exercise.solution()` for one answer.

Next: **chapter 1**, where a plain generator turns out to be a function you can
pause, and a dozen lines of scheduler run many of them at once.
""")


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
