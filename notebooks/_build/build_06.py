"""Build notebooks/06_performance.ipynb (and execute it with --execute).

    python notebooks/_build/build_06.py --execute

The notebook is written from the cells below; cell ids are fixed so that a
rebuild changes only what changed.  Cells tagged ``toyloop:ch6_performance``
hold the source of that module's classes, copied here at build time, so they
cannot drift (tests/test_notebook_sync.py checks it anyway).

Timings differ on every run: every cell that prints one is tagged
``nbval-ignore-output``.  The full-size table is read from the committed
``benchmarks/results.json`` and is checked like any other output.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from nbbuild import Notebook

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's toyloop, whose classes the cells show

from toyloop import ch6_performance  # noqa: E402

BOOK = Notebook("06_performance.ipynb", "ch6")
md, code = BOOK.md, BOOK.code


def source(obj: object) -> str:
    return inspect.getsource(obj).strip("\n")


IGNORE = "nbval-ignore-output"
MODULE = "toyloop:ch6_performance"

# ---------------------------------------------------------------------------
md("""
# 6 · Performance: how fast is our loop, and why

toyloop is pure Python. asyncio's loop is *mostly* Python too: `base_events.py` and
`selector_events.py` are plain Python, but its `Future` and `Task` are written in C
(`Modules/_asynciomodule.c`). uvloop replaces the whole loop with Cython on top of
libuv, the C library under Node.js. So how far behind is toyloop, and where does its
time go?

In this chapter:

1. measuring fairly: workloads, fresh processes, medians, CPU time;
2. the three loops on every workload, small here and full size from the command line;
3. profiling: where an iteration spends its time;
4. before and after: five design decisions of chapters 2-3, measured on the real loop;
5. what hooks cost when nobody listens;
6. what C buys: asyncio's C `Future`/`Task`, and uvloop;
7. exercises: find the slow step and fix it.

The benchmark code is `toyloop/bench/` (run `python -m toyloop.bench`); the "before"
loops are in `toyloop/ch6_performance.py`.
""")

code("""
import cProfile
import gc
import heapq
import inspect
import json
import math
import pstats
import statistics
import tracemalloc
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from toyloop.bench import harness, report, workloads
from toyloop.bench.workloads import run_on, run_workload
from toyloop.ch2_futures import Handle, TimerHandle
from toyloop.ch5_asyncio import EventLoop
from toyloop.ch6_performance import NoHooksEventLoop
""")

# ---------------------------------------------------------------------------
md("""
## 1. Measuring fairly

A benchmark here is a plain function `workload(loop, size)`. It sets up, times only
the part that exercises the loop, checks that the loop computed the right answer, and
returns a `Result` with the number of operations. The same function runs on every
loop. Here is the simplest: a chain of callbacks, each scheduling the next.
""")

code("""
print(inspect.getsource(workloads.callbacks))
""")

md("""
One callback runs per iteration of the loop, so this measures what one iteration costs
(look for I/O, pop a handle, run it) plus one `call_soon`. Run it once on each loop:
""")

code("""
for name in ["toyloop", "asyncio", "uvloop"]:
    if name == "uvloop" and not workloads.uvloop_available():
        continue
    r = run_workload("callbacks", name, 50_000)
    print(f"{name:8} correct={r.ok}  {r.ops:,} callbacks: "
          f"{r.cpu * 1e3:6.1f} ms CPU, {r.elapsed * 1e3:6.1f} ms wall")
""", IGNORE)

md("""
One run proves little: the numbers move by 10% or more from run to run. The command
line tool `python -m toyloop.bench` is more careful:

* **a fresh process per run.** Each (workload, loop, repetition) runs in a new
  interpreter, so garbage from one run (a million timer handles) cannot slow the next
  run's garbage collector, and memory figures start from the same place;
* **interleaved.** Runs go toyloop, asyncio, uvloop, toyloop, asyncio, uvloop, ... so a
  slow minute on the machine hurts every loop alike;
* **medians** of 5 repetitions, and **ratios to asyncio measured in the same run**;
* **CPU time by default.** Each run records wall time (`time.perf_counter`) and the
  process's CPU time (`time.process_time`). Our benchmark machine was shared with other
  jobs: wall time came out up to 3 times the CPU time and swung by a quarter between
  runs, because it also measures how often the scheduler let us run. `--metric wall`
  shows wall time.

Inside this notebook we use its in-process mode, at small sizes, so the chapter runs in
seconds. `run_workload` and `run_on` step Jupyter's own running loop aside, as
`toyloop.run` does, so that asyncio's and uvloop's `run_until_complete` agree to start.
""")

code("""
SMALL = {"callbacks": 20_000, "timers": 10_000, "tasks": 1_000, "pingpong": 3_000,
         "sock_echo": 5, "stream_echo": 5, "executor": 200}
small = harness.summarize(harness.run_suite(SMALL, sizes=SMALL, reps=3, in_process=True))
report.print_report(small, title="in-notebook run (small sizes, 3 reps)")
""", IGNORE)

code("""
report.plot_ratios(small, title="In this notebook, small sizes")
plt.show()
""", IGNORE)

md("""
Bars above the dashed line are faster than asyncio. uvloop is the fastest by far;
toyloop beats asyncio on plain callbacks and timers, and trails
it where tasks and futures dominate (`tasks`, `pingpong`): those are exactly the
objects asyncio writes in C. Small sizes are noisy; the next section has the real run.
""")

# ---------------------------------------------------------------------------
md("""
## 2. The full-size run

The command below ran every workload at full size, 5 times per loop, and saved the
figures to `benchmarks/results.json` (the README's Performance section shows the
same table):

```sh
python -m toyloop.bench --json benchmarks/results.json
```

Sizes: 300,000 chained callbacks; 100,000 timers, half cancelled (and 10,000 and
1,000,000 to see how the cost grows); 10,000 tasks switching 10 times each; 50,000
future ping-pongs; 100 TCP clients doing 100 echo round trips each, once through
`sock_recv`/`sock_sendall` and once through streams; 10,000 idle connections; 5,000
`run_in_executor` round trips. This cell reads the saved file; it runs nothing.
""")

code("""
saved = json.loads(Path("../benchmarks/results.json").read_text())
full = harness.summarize(saved)
meta = saved["meta"]
print(f"Python {meta['python']}, {meta['cpus']} CPUs, uvloop {meta['uvloop']}, "
      f"{meta['reps']} repetitions, {full['metric']} time, {meta['date']}")
print(report.markdown_table(full))
print("\\n".join(report.notes(full)))
""")

code("""
fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4), width_ratios=[2.2, 1])
report.plot_ratios(full, ax=left, title="Full size, from benchmarks/results.json")
report.plot_timer_scaling(full, ax=right)
plt.show()
""", IGNORE)

md("""
What the table says:

* **callbacks and timers**: toyloop is faster than asyncio. Both loops are Python here;
  toyloop's iteration does less (section 4 shows two of the reasons), and its timer heap
  holds `(when, seq, handle)` tuples, which compare in C, where asyncio's heap compares
  `TimerHandle` objects through a Python `__lt__`.
* **tasks, pingpong**: every step of a task, every future completed, is Python code in
  toyloop and C code in asyncio. Section 6 measures exactly that difference.
* **TCP echo**: most of the time goes to system calls (`send`, `recv`, `epoll_ctl`), the
  same for both, so the gap narrows.
* **timer scaling**: ten times more timers cost more than ten times the time, for every
  loop. The heap of a million entries no longer fits in the CPU's caches.
* **idle connections**: all three loops hold 10,000 open connections and serve each;
  what one connection costs in memory (a socket, a parked task, its future, a reader
  handle) is in the lines under the table, once as resident memory (RSS, all memory,
  page-grained) and once as Python heap (`tracemalloc`, to the byte, but blind to
  uvloop's C allocations).
""")

# ---------------------------------------------------------------------------
md("""
## 3. Where does the time go? Profiling the loop

`cProfile` counts every Python function call and the time spent inside it. Profiling
slows Python code down (C code much less), so read the *proportions*, not the totals.
""")

code("""
def profile(loop_factory, workload: str, size: int, top: int = 12) -> None:
    \"\"\"Run a workload under cProfile; print the functions with the most own time.\"\"\"
    profiler = cProfile.Profile()
    profiler.enable()
    result = run_on(loop_factory, workload, size)
    profiler.disable()
    assert result.ok
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, calls, own, cum, ...)}
    total = sum(row[2] for row in stats.values())
    print(f"{'calls':>9} {'own time':>9}  function")
    for (filename, line, name), row in sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]:
        where = f"  ({Path(filename).name}:{line})" if filename != "~" else ""
        print(f"{row[1]:>9,} {100 * row[2] / total:8.1f}%  {name}{where}")
""")

code("""
profile(EventLoop, "callbacks", 50_000)
""", IGNORE)

md("""
"Own time" is the time inside the function itself, not in what it calls. For the
callback chain the list is short and every function in it runs once per callback:
`_run_once` (one iteration) takes about a third, then `call_soon`, `Handle.__init__`,
`_select` (should we look at the sockets?), `Handle._run`, the workload's own `step`.
One line is a surprise: `__len__` of `selectors.py`, once per iteration. That is
`_select` asking the selector's map how many file descriptors are registered, and
the map's `__len__` is Python code. An earlier version called
`self._selector.get_map()` there, which also built a new mapping object every
iteration; this profile pointed at it, and the loop now keeps one map
(`self._selector_map`, a live view). The cost is spread thinly over a few small
functions; the way to go faster is to do less per iteration, not to fix one slow line.

A task-heavy workload looks different:
""")

code("""
profile(EventLoop, "pingpong", 10_000)
""", IGNORE)

md("""
Now `Task.__step`, `Future.__await__`, `set_result`, `_schedule_callbacks`,
`add_done_callback`, `_park` and `create_future` fill the list: the machinery of
futures and tasks. In asyncio these are C functions and barely show up in a profile.
""")

# ---------------------------------------------------------------------------
md("""
## 4. Before and after: five decisions, measured

Chapters 2 and 3 made some choices without proving them. `toyloop/ch6_performance.py`
keeps a deliberately naive variant of each as a small subclass of the finished
`EventLoop`, so we can time *before* against *after* on the real loop. We time CPU
milliseconds of a workload at a few sizes (the median of 3 runs, or a single run
where the gap dwarfs the noise): if the cost per operation grows with the size,
something is not O(1).
""")

code("""
def cpu_ms(loop_factory, workload: str, size: int, reps: int = 3) -> float:
    \"\"\"Median CPU milliseconds of `workload` at `size` on a fresh loop each time.

    The garbage collector is off while it runs, so that a collection that happens
    to fall in one run does not blur the comparison.
    \"\"\"
    times = []
    for _ in range(reps):
        gc.collect()
        gc.disable()
        try:
            result = run_on(loop_factory, workload, size)
        finally:
            gc.enable()
        assert result.ok, "wrong result"
        times.append(result.cpu * 1e3)
    return statistics.median(times)


def compare(before, after, workload: str, sizes: list[int], reps: int = 3) -> None:
    print(f"{'size':>8} {before.__name__:>18} {after.__name__:>12}   before/after")
    for n in sizes:
        b, a = cpu_ms(before, workload, n, reps), cpu_ms(after, workload, n, reps)
        print(f"{n:>8,} {b:>15.1f} ms {a:>9.1f} ms   {b / a:8.1f}x")
""")

md("""
### 4.1 The ready queue: a deque, not a list

`loop._ready` is a `collections.deque`. With a list, taking the oldest callback is
`pop(0)`, which shifts every remaining item one place left. Here is that "before"
loop; `_run_once` calls `popleft`, so the list gets a `popleft` that does `pop(0)`:
""")

code(source(ch6_performance._ListQueue) + "\n\n\n" + source(ch6_performance.ListReadyLoop),
     MODULE)

md("""
The callback chain never has more than one handle ready, so it cannot tell the two
apart. `workloads.fan_out` can: it queues n callbacks at once, so one iteration starts
with n handles ready.
""")

code("""
compare(ListReadyLoop, EventLoop, workloads.fan_out, [20_000, 40_000, 80_000, 160_000], reps=1)
""", IGNORE)

md("""
Each size is twice the previous one. The deque's time about doubles (linear); the
list's soon quadruples, because each `pop(0)` moves all the handles still waiting:
n pops of a list that averages n/2 items. Moving memory is fast, so the quadratic
hides below a few tens of thousands of ready handles, then takes over. asyncio uses a
deque too (`base_events.py`:
`self._ready = collections.deque()`).
""")

md("""
### 4.2 The timer queue: a heap, not a sorted list

A sorted list makes "which timer is next?" trivial, but keeping it sorted costs at
least O(n) per new timer. (A sorted list is also a valid heap, which is why
`_run_once`'s `heappop` still works on it.)
""")

code(source(ch6_performance.SortedTimersLoop), MODULE)

code("""
compare(SortedTimersLoop, EventLoop, "timers", [2_000, 4_000, 8_000], reps=1)
""", IGNORE)

md("""
The heap version grows linearly (well, n log n); the sorted list grows with the square
of the number of timers. `heapq.heappush` is O(log n) and is what asyncio uses
(`base_events.py`, `call_at`).
""")

md("""
### 4.3 Cancelling a timer: count it, don't search for it

`TimerHandle.cancel()` in chapter 2 only marks the handle and bumps a counter; the
entry stays in the heap until it reaches the top, or until cancelled entries are more
than half of the heap and `_run_once` rebuilds it in one O(n) pass. The eager
alternative finds the entry and removes it at once:
""")

code(source(ch6_performance.EagerCancelLoop), MODULE)

code("""
compare(EagerCancelLoop, EventLoop, "timers", [1_000, 2_000, 4_000], reps=1)
""", IGNORE)

md("""
Finding the entry is O(n) and `heapify` is O(n) again, for each of the n/2 cancels: a
quadratic. Lazy removal is asyncio's design too (`_timer_handle_cancelled` and the
`_MIN_CANCELLED_TIMER_HANDLES_FRACTION` purge in `_run_once`).
""")

md("""
### 4.4 Handles with `__slots__`

`Handle` declares `__slots__`, so its instances have no `__dict__`. `PlainHandle` has
the same methods without slots:
""")

code(source(ch6_performance.PlainHandle) + "\n\n\n" + source(ch6_performance.PlainHandleLoop),
     MODULE)

code("""
def bytes_per_handle(cls, n: int = 10_000) -> float:
    loop = EventLoop()
    try:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        handles = [cls(print, (i,), loop, None) for i in range(n)]
        used = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    finally:
        loop.close()
    return used / len(handles)


for cls in (Handle, PlainHandle):
    print(f"{cls.__name__:12} {bytes_per_handle(cls):6.0f} bytes each")
compare(PlainHandleLoop, EventLoop, "callbacks", [50_000])
""", IGNORE)

md("""
Slots save about 40 bytes per handle here (the figure includes the handle's context
and arguments; it depends on the Python version, and since 3.11 an instance's
`__dict__` is created lazily, which narrows the gap). The time is the same within
noise. A loop creates a handle for every callback and keeps one per pending timer and
per watched socket, so memory is where slots pay. asyncio's `Handle` has `__slots__`
as well.
""")

md("""
### 4.5 Don't poll when nobody can answer

Every iteration may ask the selector which sockets are ready. With a callback ready the
timeout is 0, so the call does not wait, but it is still a system call
(`epoll_wait`) plus the Python code of `selectors`. When the only registered file
descriptor is the loop's own self-pipe (chapter 4), which only matters when the loop
is about to *block*, toyloop's `_select` skips that poll. The "before" loop always
polls:
""")

code(source(ch6_performance.AlwaysPollLoop), MODULE)

code("""
compare(AlwaysPollLoop, EventLoop, "callbacks", [50_000])
""", IGNORE)

md("""
This is the largest single win on the callback chain: one system call per iteration
saved. asyncio always polls (`_run_once` calls `self._selector.select(timeout)`
unconditionally). The trade-off is fairness to I/O only when there *is* I/O, and then
toyloop polls like asyncio.

**Recap.** Three of these five were about *complexity*: a list where a deque belongs,
a sort where a heap belongs, a search where a counter belongs. Those are the ones that
turn into disasters at scale. The other two were constant factors: a few dozen bytes
per handle, one system call per iteration. They matter on the hot path, which the
profile in section 3 showed us.
""")

md("""
### 4.6 Three more, found by profiling

While this chapter was being written, the profiles of section 3 led to three small
changes in the core. Each was timed in a scratch copy of the package, before and after,
with the benchmark tool (CPU time, alternating runs):

| where | change | gain |
|---|---|---|
| `Task.__step` | a bare `yield` (`asyncio.sleep(0)`) skips `_park`'s `getattr` | 3-6%, `tasks` |
| `_select` | keep the selector's map, not `get_map()` each time | ~3%, `callbacks` |
| `sock_recv`... | `partial(done, fd, handle)`: no `handle=` keyword dict | -112 B/connection |

None of them changes what the loop does; each removes work the profile showed.
""")

# ---------------------------------------------------------------------------
md("""
## 5. What hooks cost when nobody listens

The tracer and the explorer of the earlier chapters watch the loop through *hook
points*: `before_run_once`, `before_select`, `before_handle`... `_run_once` sets
`tracing = bool(hooks)` once per iteration, and each hook point first tests that local
flag; the lookup of the hook's name (`"before_select" in hooks`) runs only when a tool
is attached. `NoHooksEventLoop` is the same loop with every hook point removed
(`tests/test_bench.py` checks that it is an exact copy otherwise). Alternate the two,
7 times:
""")

code("""
with_hooks, without = [], []
for _ in range(7):
    with_hooks.append(run_on(EventLoop, "callbacks", 50_000).cpu)
    without.append(run_on(NoHooksEventLoop, "callbacks", 50_000).cpu)
a, b = statistics.median(with_hooks), statistics.median(without)
print(f"hook tests, nobody listening: {a * 1e3:.1f} ms")
print(f"no hook points at all:        {b * 1e3:.1f} ms")
print(f"difference: {100 * (a - b) / b:+.1f}%   (spread between runs: "
      f"{100 * (max(with_hooks) - min(with_hooks)) / a:.0f}%)")
""", IGNORE)

md("""
The difference is a few percent at most, about the size of the spread between runs
of the same loop, on a chain of callbacks that does almost nothing else per
iteration. Nobody listening costs next to nothing. An attached instrument is another
matter: every handle then goes through `_run_handle_watched`. That is the price of
watching, paid only while watching:
""")

code("""
class CountHandles:
    def __init__(self) -> None:
        self.n = 0

    def before_handle(self, handle: Handle) -> None:
        self.n += 1


def traced_loop() -> EventLoop:
    loop = EventLoop()
    loop.add_instrument(CountHandles())
    return loop


print(f"with an instrument: {cpu_ms(traced_loop, 'callbacks', 50_000):.1f} ms, "
      f"without: {cpu_ms(EventLoop, 'callbacks', 50_000):.1f} ms")
""", IGNORE)

# ---------------------------------------------------------------------------
md("""
## 6. What C buys

asyncio keeps its pure-Python `Future` and `Task` as `asyncio.futures._PyFuture` and
`asyncio.tasks._PyTask`; normally the C versions from the `_asyncio` module replace
them. The benchmark's `asyncio-pytask` loop is asyncio's loop with the Python versions
put back (a `create_future` that returns `_PyFuture`, a task factory that makes
`_PyTask`). On the future ping-pong:
""")

code("""
loops = ["toyloop", "asyncio", "asyncio-pytask"] + (
    ["uvloop"] if workloads.uvloop_available() else [])
times = {name: [] for name in loops}
for _ in range(3):
    for name in loops:
        times[name].append(run_workload("pingpong", name, 10_000).cpu)
base = statistics.median(times["asyncio"])
for name in loops:
    t = statistics.median(times[name])
    print(f"{name:15} {10_000 / t:>10,.0f} round trips/s   {base / t:5.2f}x asyncio")
""", IGNORE)

md("""
With its Python `Future` and `Task`, asyncio falls *below* toyloop: toyloop's tasks
are leaner than asyncio's own Python ones. The C versions win because:

* a C `Future` is one compact object; its first done callback and context live in two
  fields (`fut_callback0`, `fut_context0` in `_asynciomodule.c`), so the common case of
  one waiter allocates no list and no tuple;
* `Task.__step` and `__wakeup` are C functions (`task_step`, `task_wakeup`): resuming a
  coroutine, recognising the future it yielded and subscribing to it make no Python
  function calls at all;
* `_enter_task`/`_leave_task` and `current_task` are C too (toyloop calls asyncio's).

**uvloop** goes all the way. Its loop (`uvloop/loop.pyx`) is Cython compiled to C;
handles are C-level objects; timers are libuv timers (a C heap with millisecond
resolution; our timer check allows for that rounding); sockets are watched by libuv's
poll handles on epoll, and `sock_recv` and friends are implemented on them. What is
left in Python is your coroutines and the asyncio `Task`, which is C already.

That is the honest conclusion of this chapter: a Python loop can match asyncio where
asyncio is Python too, and good data structures keep it from falling over at scale,
but the per-step cost of Python function calls is a floor that only C gets under.
""")

# ---------------------------------------------------------------------------
md("""
## 7. Exercises

The checker never times your code (timings are too noisy to grade). It runs your
method on a loop whose queue is a *spy* that records what you did to it.

**Exercise 1: a `call_soon` in O(1).** This one works, but something in it makes n
calls cost O(n²). Find it and write a fast `call_soon` that behaves the same.
""")

code("""
from toyloop.exercises import ch6

print(inspect.getsource(ch6.slow_call_soon))
""")

code("""
ch6.call_soon_exercise.check(ch6.slow_call_soon);
""")

code("""
def my_call_soon(self, callback, *args, context=None):
    raise NotImplementedError  # your code here

ch6.call_soon_exercise.check(my_call_soon);
""")

md("""
**Exercise 2: a timer queue that is a heap.** `sorted_call_at` keeps `loop._scheduled`
sorted. Find the quadratic step and write a `call_at` that keeps it a heap of
`(when, seq, TimerHandle)` entries. `ch6.call_at_exercise.hint()` helps;
`.solution()` shows one answer.
""")

code("""
print(inspect.getsource(ch6.sorted_call_at))
""")

code("""
def my_call_at(self, when, callback, *args, context=None):
    raise NotImplementedError  # your code here

ch6.call_at_exercise.check(my_call_at);
""")

# ---------------------------------------------------------------------------
md("""
## 8. Recap

* Measure in fresh processes, interleave the contenders, take medians, compare with a
  baseline measured in the same run; on a shared machine, compare CPU time.
* Check the result too: a fast wrong loop is easy to write.
* Profile before optimising. The loop's cost is spread over a few small functions per
  callback; remove work per iteration (a system call, a method call) rather than
  hunting one slow line.
* Complexity first: deque, heap, lazy cancellation. Constant factors second: slots,
  fewer calls on the hot path.
* A hook point nobody listens to should cost a test of a local flag, no more; an
  attached instrument costs much more, and only while attached.
* C wins where the work is many tiny steps: asyncio's C `Future`/`Task`, and uvloop
  everywhere.

**asyncio does more here.** Read `Lib/asyncio/base_events.py` (`_run_once`,
`call_at`, `_timer_handle_cancelled`) next to chapter 2's loop, and
`Modules/_asynciomodule.c` for the C `Future` and `Task`. Python 3.12 added
`asyncio.eager_task_factory`, which runs a new task's first step at once, saving one
trip through the ready queue per task.
""")


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
