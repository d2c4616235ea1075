"""Build notebooks/04_threads_and_processes.ipynb (and execute it with --execute).

    python notebooks/_build/build_04.py --execute

The notebook is written from the cells below; cell ids are fixed so that a
rebuild changes only what changed.  Execution uses nbclient with the kernel of
the running Python, from the notebooks/ folder.
"""

from __future__ import annotations

import sys

from nbbuild import Notebook

BOOK = Notebook("04_threads_and_processes.ipynb", "ch4")
md, code = BOOK.md, BOOK.code

IGNORE = "nbval-ignore-output"

# ---------------------------------------------------------------------------
md("""
# 4 · `run_in_executor`: threads and processes

The loop of chapter 3 runs every callback in one thread, one after another. That is
its strength (no locks) and its weakness: a callback that *blocks* (a `time.sleep`, a
slow file, a big computation) stops everything else. This chapter measures that, then
gives the loop a way out:

1. a blocking call freezes the loop: a heartbeat shows the stall;
2. threads with `concurrent.futures`;
3. `run_in_executor`: a concurrent future, wrapped, with its result chained back;
4. waking the selector from another thread: why `call_soon` is not enough, the
   self-pipe and `call_soon_threadsafe`;
5. CPU-bound work: threads don't help (the GIL), processes do;
6. shutting down the default executor, and `asyncio.to_thread`;
7. exercises.

The code is `toyloop/ch4_threads.py` (class `ThreadLoop`, a `SelectorLoop` with a
self-pipe and executors); asyncio's originals are in `base_events.py`
(`run_in_executor`, `shutdown_default_executor`), `selector_events.py` (the self-pipe)
and `futures.py` (`wrap_future`, `_chain_future`).
""")

code('''
import asyncio
import concurrent.futures
import inspect
import multiprocessing
import os
import sys
import threading
import time

from toyloop.ch2_futures import gather, sleep
from toyloop.ch4_threads import ThreadLoop, wrap_future


def run(main, clock=None):
    """Run main(loop) on a fresh ThreadLoop; then shut its executor down and close it."""
    loop = ThreadLoop(clock=clock)
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
''')

# ---------------------------------------------------------------------------
md("""
## 1. A blocking call freezes the loop

A heartbeat task notes the loop time every 50 ms. While it beats, another coroutine does
half a second of "work" with a blocking `time.sleep(0.5)`. This uses real time (a
virtual clock could not see a blocking call: time stands still while code runs).
""")

code('''
PERIOD = 0.05


async def heartbeat(beats):
    while True:
        beats.append(time.monotonic())
        await sleep(PERIOD)


async def with_heartbeat(loop, work):
    """Run work(loop) while a heartbeat beats; return (longest gap, beats)."""
    beats = []
    beating = loop.create_task(heartbeat(beats))
    await sleep(0.2)   # a few normal beats first
    await work(loop)
    await sleep(0.2)   # and a few after
    beating.cancel()
    return max(b - a for a, b in zip(beats, beats[1:])), beats


async def blocking_work(loop):
    time.sleep(0.5)    # blocks the thread, and with it the loop
''')

code("""
gap, beats = run(lambda loop: with_heartbeat(loop, blocking_work))
print("the heartbeat stopped for at least 0.5 s:", gap >= 0.5)
print("it missed at least 8 beats:", round(gap / PERIOD) - 1 >= 8)
""")

code('''
def strip(beats):
    """One character per PERIOD: '|' a beat, '.' a missed beat."""
    slots = [round((t - beats[0]) / PERIOD) for t in beats]
    marks = ["."] * (slots[-1] + 1)
    for i in slots:
        marks[i] = "|"
    return "".join(marks)

print(f"longest gap {gap:.3f} s, {round(gap / PERIOD) - 1} beats missed")
print(strip(beats))
''', IGNORE)

md("""
The strip has a hole where the beats stopped: for half a second no task ran at all.
In a server that is half a second in which no client is served. Now the same work, but
handed to a thread with `loop.run_in_executor`:
""")

code('''
async def offloaded_work(loop):
    await loop.run_in_executor(None, time.sleep, 0.5)  # None: the default thread pool

gap, beats = run(lambda loop: with_heartbeat(loop, offloaded_work))
print("the longest gap between beats stayed well under 0.5 s:", gap < 0.3)
''')

code("""
print(f"longest gap {gap:.3f} s")
print(strip(beats))
""", IGNORE)

md("""
The heartbeat never stopped: `time.sleep` ran in a worker thread while the loop went on,
and the coroutine simply *awaited* the result. (The bound 0.3 s leaves room for a busy
machine; the gaps are usually the 50 ms period.) How does a thread's result get back
into the loop? Two steps: `concurrent.futures`, then a bridge.
""")

# ---------------------------------------------------------------------------
md("""
## 2. Threads with `concurrent.futures`

`concurrent.futures.ThreadPoolExecutor` keeps a pool of worker threads. `submit(fn,
*args)` returns at once with a `concurrent.futures.Future`, a cousin of the loop's
future with one big difference: it is thread-safe, and `result()` *blocks* until the
job is done.
""")

code("""
with concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo") as pool:
    job = pool.submit(pow, 2, 100)
    print(type(job).__module__, type(job).__name__)
    print(job.result())        # blocks this thread until the worker is done
    callback_threads = []
    job = pool.submit(time.sleep, 0.1)
    job.add_done_callback(lambda f: callback_threads.append(threading.current_thread()))
# leaving the with block waited for the workers (shutdown(wait=True))
print("the done callback ran in a worker thread:",
      callback_threads[0] is not threading.main_thread())
""")

md("""
That last line is the catch. A concurrent future's done callbacks run in whatever thread
completes it: a worker. The loop's objects are *not* thread-safe: a loop future's
`set_result` calls `loop.call_soon` for its callbacks, and the loop, asleep in `select`,
would not even notice. So the bridge must cross threads on purpose.
""")

# ---------------------------------------------------------------------------
md("""
## 3. `run_in_executor` and `wrap_future`

`run_in_executor(executor, func, *args)` submits `func(*args)` to the executor (`None`:
a default `ThreadPoolExecutor` created on first use, threads named `asyncio_N` as in
asyncio) and wraps the concurrent future in a loop future:
""")

code("""
print(inspect.getsource(ThreadLoop.run_in_executor))
""", IGNORE)

md("""
The bridge is `_chain_future`: a done callback on the concurrent future which, running
in the worker thread, does only one thing: ask the loop, thread-safely, to copy the
outcome over (`_copy_state`) on the loop's own thread. The other direction: cancelling
the loop future cancels the job, if it has not started yet.
""")

code("""
from toyloop import ch4_threads

print(inspect.getsource(ch4_threads._chain_future))
print(inspect.getsource(ch4_threads._copy_state))
""", IGNORE)

code('''
async def where_things_run(loop):
    fut = loop.run_in_executor(None, threading.current_thread)
    print("run_in_executor returned a", type(fut).__module__ + "." + type(fut).__name__)
    worker = await fut
    print("the function ran in a pool thread:", worker.name.startswith("asyncio_"))
    print("the awaiting coroutine runs in the main thread:",
          threading.current_thread() is threading.main_thread())

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        job = pool.submit(sum, [1, 2, 3])
        print("wrap_future of a concurrent future, awaited:",
              await wrap_future(job, loop=loop))

run(where_things_run)
''')

md("""
`wrap_future` is public (asyncio has it too, `asyncio.wrap_future`): any code that holds
a `concurrent.futures.Future` can await it this way.
""")

md("""
The chain also runs backwards, for cancellation. With the only worker of a pool busy, a
second job waits in the pool's queue; cancelling its loop future cancels the queued job
too. (A job that has started cannot be stopped: Python has no way to kill a thread.)
""")

code("""
async def cancel_a_queued_job(loop):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        gate = threading.Event()
        busy = wrap_future(pool.submit(gate.wait, 5), loop=loop)
        job = pool.submit(print, "never printed")
        fut = wrap_future(job, loop=loop)
        fut.cancel()
        await sleep(0)  # the loop future's done callbacks run: one cancels the job
        print("the queued job was cancelled:", job.cancelled())
        gate.set()
        print("the busy job finished normally:", await busy)

run(cancel_a_queued_job)
""")

# ---------------------------------------------------------------------------
md("""
`_chain_future` relies on `call_soon_threadsafe`, and that is where the selector comes in.

## 4. Waking the selector from another thread

Suppose a thread just appended a handle to the loop's ready queue, the way `call_soon`
does. If the loop is asleep in `select(timeout)`, nothing tells the kernel to wake it:
the handle sits in the queue until the timeout runs out or some socket happens to fire.
An experiment: a loop whose only timer is 1 s away, and a thread that schedules a
callback 0.1 s in, first with `call_soon`, then with `call_soon_threadsafe`.
""")

code('''
def delay_of(method_name, timer=1.0):
    """When did a callback scheduled from a thread at t=0.1 run (loop time)?"""
    loop = ThreadLoop()
    start = loop.time()
    ran_at = []
    loop.call_later(timer, loop.stop)  # the only timer: select may sleep up to 1 s

    def in_thread():
        time.sleep(0.1)  # the loop is in select by now
        schedule = getattr(loop, method_name)
        schedule(lambda: ran_at.append(loop.time() - start))

    thread = threading.Thread(target=in_thread)
    thread.start()
    loop.run_forever()
    thread.join()
    loop.close()
    return ran_at[0]
''')

code("""
plain = delay_of("call_soon")
safe = delay_of("call_soon_threadsafe")
print("call_soon:            the callback waited for the 1 s timer:", plain >= 0.9)
print("call_soon_threadsafe: the callback ran within 0.5 s:", safe < 0.5)
""")

code("""
print(f"call_soon            ran at t = {plain:.3f} s")
print(f"call_soon_threadsafe ran at t = {safe:.3f} s")
""", IGNORE)

md("""
Same handle, same queue; the difference is one byte. `ThreadLoop` keeps a *self-pipe*:
a connected socket pair whose read end is registered with the selector like any
socket. `call_soon_threadsafe` appends the handle and writes a byte to the other end;
the read end becomes readable, `select` returns, and the loop runs the handle at once.
The reader, `_read_from_self`, only drains the bytes: their sole job was to end the
wait. (asyncio: `BaseSelectorEventLoop._make_self_pipe`, `_write_to_self`,
`_read_from_self` in `selector_events.py`.)
""")

code("""
for name in ("_make_self_pipe", "_write_to_self", "call_soon_threadsafe"):
    print(inspect.getsource(getattr(ThreadLoop, name)))
""", IGNORE)

md("""
Two details worth a second look. `deque.append` is atomic in CPython, so the handle
needs no lock. And `_write_to_self` ignores a full pipe: if the pipe is full, the loop
has plenty of bytes to wake up to already. In asyncio, `call_soon` from the wrong thread
is an error in debug mode (`BaseEventLoop._check_thread`); toyloop lets the experiment
above run so that you can see why.
""")

# ---------------------------------------------------------------------------
md("""
## 5. CPU-bound work: threads don't help, processes do

A thread is the right tool for *waiting* (`time.sleep`, a blocking library call, disk):
a thread that waits in C releases the GIL. Pure-Python *computation* holds the GIL, so
two threads take turns and finish no sooner than one. A process has its own interpreter
and its own GIL.

The job is `count_primes` (timed by `count_primes_timed`), from
`toyloop/exercises/ch4.py`. It has to live in a module:
a process pool sends the *name* of the function to the worker processes, and a
function defined in a notebook cell has no importable name. The pool uses the `spawn`
start method, the default on macOS and Windows and safe in a kernel full of threads.
""")

code('''
from toyloop.exercises.ch4 import count_primes_timed

LIMIT, JOBS, WORKERS, REPEAT = 100_000, 4, 2, 2
spawn = multiprocessing.get_context("spawn")


async def timed(loop, executor):
    """JOBS count_primes jobs, best of REPEAT: (wall seconds, CPU seconds, results)."""
    best = None
    for _ in range(REPEAT):  # the best run is the one least disturbed by other programs
        start = time.perf_counter()
        if executor is None:  # one after another, in this thread
            runs = [count_primes_timed(LIMIT) for _ in range(JOBS)]
        else:
            runs = await gather(*(loop.run_in_executor(executor, count_primes_timed, LIMIT)
                                  for _ in range(JOBS)))
        wall = time.perf_counter() - start
        if best is None or wall < best[0]:
            best = (wall, sum(cpu for _, cpu in runs), [n for n, _ in runs])
    return best
''')

md("""
`count_primes_timed` returns the primes and the CPU time its thread spent on them, so
besides the wall-clock time we get **cores busy**: CPU seconds of work per wall-clock
second. One thread working flat out is 1.0; two cores working flat out, 2.0.
""")

code("""
async def compare(loop):
    serial = await timed(loop, None)
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as threads:
        threaded = await timed(loop, threads)
    with concurrent.futures.ProcessPoolExecutor(WORKERS, mp_context=spawn) as processes:
        await gather(*(loop.run_in_executor(processes, int) for _ in range(WORKERS)))  # start
        in_processes = await timed(loop, processes)
    return serial, threaded, in_processes

serial, threaded, in_processes = run(compare)
print("all three found the same primes:", serial[2] == threaded[2] == in_processes[2])
print("the threads kept at most one core busy:", threaded[1] / threaded[0] <= 1.1)
""")

code("""
print(f"{os.cpu_count()} cores; {JOBS} jobs of count_primes({LIMIT:_})")
for name, (wall, cpu, _) in [("one thread", serial), (f"{WORKERS} threads", threaded),
                             (f"{WORKERS} processes", in_processes)]:
    print(f"{name:12} {wall:.2f} s   speedup x{serial[0] / wall:.2f}   "
          f"cores busy {cpu / wall:.2f}")
""", IGNORE)

md("""
The second line is the GIL at work, and it holds however busy the machine is: two
threads together never used more than one core's worth of CPU, because only the thread
holding the GIL runs Python code. Processes have no shared GIL: on an idle machine with
two or more cores they keep close to 2 cores busy and finish in about half the time
(less what it costs to send jobs and results between processes). The timings above are
this machine's, the best of two runs, measured when the notebook last ran; on a busy
machine (a CI runner, a shared JupyterHub) the processes get only what the other
programs leave them, and their gain shrinks. Run the cell again and compare.

**Free-threaded Python.** CPython 3.13 has an optional build without the GIL
(`python3.13t`, PEP 703). There, threads *can* run Python code in parallel: the threads
row would speed up too, and the "at most one core" line above would print `False`. The
check below says which kind of interpreter ran this notebook:
""")

code("""
gil = getattr(sys, "_is_gil_enabled", lambda: True)()  # the function exists from 3.13 on
print("this interpreter has a GIL:", gil)
""")

# ---------------------------------------------------------------------------
md("""
## 6. Shutting down the default executor; `asyncio.to_thread`

The default pool's threads outlive the jobs. `await loop.shutdown_default_executor()`
waits until they have finished (in a helper thread, so the loop is not blocked while it
joins them) and forbids new jobs on it; `asyncio.run` calls it for you before closing the
loop, and `run()` at the top of this notebook does the same. `loop.close()` alone only
tells the pool to shut down, without waiting.
""")

code("""
async def after_shutdown(loop):
    await loop.run_in_executor(None, print, "a job on the default executor")
    await loop.shutdown_default_executor()
    try:
        loop.run_in_executor(None, print, "never printed")
    except RuntimeError as exc:
        print("RuntimeError:", exc)

before = threading.active_count()
run(after_shutdown)
print("threads left behind:", threading.active_count() - before)
""")

md("""
Since Python 3.9 the modern spelling of "run this blocking function in a thread" is
`asyncio.to_thread(func, *args, **kwargs)`. It is a thin layer over
`run_in_executor(None, ...)` that also passes keyword arguments and the caller's
context variables, and, since it finds the loop with `asyncio.get_running_loop()`, it
runs unchanged on toyloop:
""")

code("""
async def modern(loop):
    return await asyncio.to_thread(sorted, [3, 1, 2], reverse=True)

print(run(modern))
""")

md("""
**Recap.** A blocking call stops every task, so blocking work goes to an executor:
threads for waiting, processes for pure-Python computation (until free-threaded builds
are the norm). `run_in_executor` returns a loop future chained to the executor's
concurrent future; the chain crosses threads with `call_soon_threadsafe`, which writes
one byte to the self-pipe so that a sleeping `select` wakes up. asyncio does more here:
its `_chain_future` (`futures.py`) also chains two loop futures on different loops,
which `asyncio.run_coroutine_threadsafe` uses to hand a coroutine to a loop running in
another thread; `loop.getaddrinfo` runs name lookups in the executor (toyloop moves them
there in chapter 5); and in debug mode `call_soon` checks which thread calls it.
""")

# ---------------------------------------------------------------------------
md("""
## 7. Exercises

As in chapter 3: replace the stub's body, run its cell, run the check; `ex.hint()` and
`ex.solution()` help. The checks run on a fresh `ThreadLoop`.
""")

code("""
from toyloop.exercises import ch4
""")

md("""
### Exercise 1: `to_thread`

Write `to_thread(func, /, *args, **kwargs)`: run `func(*args, **kwargs)` in the running
loop's default executor and return its result, with the caller's context variables
visible in the thread (as `asyncio.to_thread` does). Find the loop with
`asyncio.get_running_loop()`.
""")

code("""
async def my_to_thread(func, /, *args, **kwargs):
    raise NotImplementedError  # your code here

ch4.to_thread_exercise.check(my_to_thread);
""")

md("""
### Exercise 2: hash many files without blocking the loop

Write `hash_files(loop, paths, executor)` returning `{path: sha256 hex}`. Hash each file
with `ch4.sha256_file(path)` in `executor` (the check passes thread pools and a process
pool), all files at once, and without blocking the loop.
""")

code("""
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    raise NotImplementedError  # your code here

ch4.hash_exercise.check(my_hash_files);
""")

md("""
### Exercise 3: hand results from a worker thread back to the loop

Write `collect_from_thread(loop, produce, n)`: start `produce(emit)` in a new thread;
`produce` calls `emit(item)` `n` times, *from that thread*. Return the list of items, in
order, on the loop. The check's loop refuses `call_soon` from other threads, as
asyncio's does in debug mode, and keeps a far-off timer so that a missed wake-up shows.
""")

code("""
async def my_collect_from_thread(loop, produce, n):
    raise NotImplementedError  # your code here

ch4.handoff_exercise.check(my_collect_from_thread);
""")

md("""
Next: chapter 5 plugs `ThreadLoop` into asyncio itself, so that unchanged asyncio
programs (and libraries) run on toyloop.
""")


# ---------------------------------------------------------------------------


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
