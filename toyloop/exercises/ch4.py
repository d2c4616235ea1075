"""Chapter 4 exercises: threads, processes and the loop.

* ``to_thread_exercise``   -- ``to_thread(func, *args, **kwargs)``, asyncio's modern
  spelling of ``run_in_executor``;
* ``hash_exercise``        -- ``hash_files(loop, paths, executor)``: hash many files in
  a pool (threads or processes) without blocking the loop;
* ``handoff_exercise``     -- ``collect_from_thread(loop, produce, n)``: hand items
  from a worker thread back to the loop safely.

The module also holds what a process pool needs to import by name (a worker
function defined in a notebook cannot be pickled into a spawned process):
:func:`sha256_file` and :func:`count_primes` (with :func:`count_primes_timed`), the
CPU-bound job of the notebook.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import hashlib
import multiprocessing
import os
import tempfile
import threading
import time
from typing import Any

from toyloop.ch4_threads import ThreadLoop
from toyloop.clock import MonotonicClock, VirtualClock
from toyloop.exercises.ch2 import _without
from toyloop.tools.checker import Exercise, run_in_loop

__all__ = [
    "collect_from_thread", "count_primes", "count_primes_timed", "handoff_exercise",
    "hash_exercise", "hash_files", "sha256_file", "to_thread", "to_thread_exercise",
]


# ---------------------------------------------------------------------------
# Worker functions: importable, so process pools can run them
# ---------------------------------------------------------------------------


def count_primes(limit: int) -> int:
    """How many primes are below ``limit``, by trial division: pure-Python CPU work."""
    count = 0
    for n in range(2, limit):
        for d in range(2, int(n ** 0.5) + 1):
            if n % d == 0:
                break
        else:
            count += 1
    return count


def count_primes_timed(limit: int) -> tuple[int, float]:
    """``count_primes(limit)`` and the CPU seconds the calling thread spent on it."""
    start = time.thread_time()
    return count_primes(limit), time.thread_time() - start


def sha256_file(path: str) -> str:
    """The SHA-256 of the file at ``path``, as hex, read in 64 KiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(65536):
            digest.update(block)
    return digest.hexdigest()


class _Handles:
    """Instrument: counts the handles a loop runs (a polling answer runs many)."""

    def __init__(self) -> None:
        self.count = 0

    def before_handle(self, handle: Any) -> None:
        self.count += 1


POLLING = ("the loop ran {n} callbacks and task steps while one job of {t} s ran, where a "
           "handful do: your code checks again and again whether the work is done (polling, "
           "a busy-wait). Await the future the executor gives you (run_in_executor, or "
           "asyncio.wrap_future), which wakes the task once, when the result is there")


def _run(main: Any, *, real_time: bool = False, loop_factory: Any = ThreadLoop,
         detect_idle: bool = True, handles: _Handles | None = None) -> Any:
    """Run ``main(loop)`` on a fresh ThreadLoop (virtual time unless ``real_time``)."""
    async def with_loop() -> Any:
        loop = asyncio.get_running_loop()
        if handles is not None:
            loop.add_instrument(handles)
        return await main(loop)

    clock = MonotonicClock() if real_time else VirtualClock()
    try:
        return run_in_loop(with_loop, loop_factory=loop_factory, clock=clock,
                           detect_idle=detect_idle)
    except AssertionError as error:
        if "went idle" not in str(error):
            raise
        raise AssertionError(
            f"{error} Here a worker thread must wake the loop: from another thread, only "
            "loop.call_soon_threadsafe(...) may touch the loop or its futures (a "
            "future.set_result() from a thread does not wake it)") from None
    except Exception as error:
        text = f"{type(error).__name__}: {error}"
        if "pickle" not in text.lower():
            raise
        raise AssertionError(
            f"your code sent the job to a process pool, which could not pickle it ({text}). "
            "Use a thread: the loop's default executor (run_in_executor(None, ...)) runs "
            "any function, lambdas and closures included, and keeps the context") from None


# ===========================================================================
# Exercise 1: to_thread
# ===========================================================================


async def to_thread(func, /, *args, **kwargs):
    """Run ``func(*args, **kwargs)`` in the loop's default executor; await its result.

    Like ``asyncio.to_thread``, the call sees the caller's context variables.
    """
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    return await loop.run_in_executor(None, call)


request_id = contextvars.ContextVar("request_id", default=None)


def case_thread_result(candidate):
    """runs the function in another thread and returns its result"""
    async def main(loop):
        here = threading.get_ident()
        result = await candidate(lambda a, b: (a + b, threading.get_ident()), 2, 3)
        return here, result

    here, result = _run(main)
    assert isinstance(result, tuple), (
        f"to_thread returned {result!r}, not the function's result: await the future that "
        "run_in_executor gives you")
    value, ident = result
    assert value == 5, f"func(2, 3) returned 5, but to_thread gave {value!r}"
    assert ident != here, ("the function ran on the loop's own thread, so it blocked the "
                           "loop meanwhile: hand it to loop.run_in_executor(None, ...)")


def case_thread_kwargs(candidate):
    """passes keyword arguments through"""
    async def main(loop):
        return await candidate(lambda *a, **kw: (a, kw), 1, sep="-", end="!")

    result = _run(main)
    assert result == ((1,), {"sep": "-", "end": "!"}), (
        f"func received {result!r}; expected ((1,), {{'sep': '-', 'end': '!'}}). "
        "run_in_executor passes only positional arguments: wrap the call in "
        "functools.partial(func, *args, **kwargs)")


def case_thread_exception(candidate):
    """an exception in the function reaches the awaiting coroutine"""
    def fail():
        raise LookupError("from the worker")

    async def main(loop):
        try:
            await candidate(fail)
        except LookupError as exc:
            return exc
        return None

    exc = _run(main)
    assert exc is not None and str(exc) == "from the worker", (
        "the worker's LookupError did not reach the caller of to_thread")


def case_thread_context(candidate):
    """the function sees the caller's context variables (asyncio.to_thread does)"""
    def read():
        return request_id.get()

    async def main(loop):
        request_id.set("req-42")
        return await candidate(read)

    seen = _run(main)  # main runs in its task's own copy of the context
    assert seen == "req-42", (
        f"in the worker thread request_id was {seen!r}, not 'req-42'. Threads start with "
        "an empty context: copy the caller's (contextvars.copy_context()) and call "
        "func through context.run")


def case_thread_loop_free(candidate):
    """the loop keeps running callbacks while the function works"""
    def wait_for_loop(flag):
        return flag.wait(2.0)  # set by a loop callback: only if the loop is free

    async def main(loop):
        flag = threading.Event()
        loop.call_later(0.01, flag.set)
        return await candidate(wait_for_loop, flag)

    assert _run(main, real_time=True), (
        "while the function waited, the loop ran no callbacks: it was blocked. Run the "
        "function in the executor and await the result")


def case_thread_no_polling(candidate):
    """while the function works (0.3 s), the loop sleeps: no polling"""
    handles = _Handles()

    async def main(loop):
        return await candidate(time.sleep, 0.3)

    _run(main, real_time=True, handles=handles)
    assert handles.count <= 15, POLLING.format(n=handles.count, t=0.3)


@contextlib.contextmanager
def _pools_made():
    """Every ThreadPoolExecutor created meanwhile, held (so not garbage-collected).

    A pool dropped without ``shutdown()`` is collected as soon as the caller's frame
    ends, and its threads then leave on their own, so nothing would be left to see:
    holding the pools keeps the evidence.  They are shut down on the way out.
    """
    made: list[concurrent.futures.ThreadPoolExecutor] = []
    cls = concurrent.futures.ThreadPoolExecutor
    original = cls.__init__

    @functools.wraps(original)
    def __init__(pool, *args, **kwargs):
        original(pool, *args, **kwargs)
        made.append(pool)

    cls.__init__ = __init__
    try:
        yield made
    finally:
        cls.__init__ = original
        for pool in made:
            pool.shutdown(wait=True, cancel_futures=True)


def case_thread_no_pool_per_call(candidate):
    """called three times, it leaves no new thread pool running"""
    calls = 3

    async def main(loop):
        for n in range(calls):
            await candidate(abs, -n)
        return getattr(loop, "_default_executor", None)  # closed with the loop

    with _pools_made() as made:
        default = _run(main)
        left = [pool for pool in made if pool is not default and not pool._shutdown]
    assert len(left) < calls - 1, (
        f"{calls} calls left {len(left)} thread pools running: your code makes a new thread "
        "pool on every call, never shut down, and each keeps its worker threads until the "
        "garbage collector finds it. Use the loop's default executor "
        "(run_in_executor(None, ...)), which every call shares")


to_thread_exercise = Exercise(
    "to_thread",
    cases=_without("to_thread", [case_thread_result, case_thread_kwargs,
                                 case_thread_exception, case_thread_context,
                                 case_thread_loop_free, case_thread_no_polling,
                                 case_thread_no_pool_per_call]),
    hint=[
        "loop = asyncio.get_running_loop(), then await loop.run_in_executor(None, ...): "
        "None means the loop's default thread pool.",
        "run_in_executor takes positional arguments only: functools.partial(func, *args, "
        "**kwargs) carries the keywords.",
        "For context variables: ctx = contextvars.copy_context(), then run "
        "functools.partial(ctx.run, func, *args, **kwargs) in the executor.",
    ],
    solution=to_thread,
)


# ===========================================================================
# Exercise 2: hash many files in a pool without blocking the loop
# ===========================================================================


async def hash_files(loop, paths, executor):
    """``{path: sha256 hex}`` for every path, hashed in ``executor``, all at once."""
    futures = {path: loop.run_in_executor(executor, sha256_file, path) for path in paths}
    return {path: await future for path, future in futures.items()}


@contextlib.contextmanager
def _sample_files(n: int = 6):
    with tempfile.TemporaryDirectory(prefix="toyloop-ch4-") as folder:
        paths = []
        for i in range(n):
            path = os.path.join(folder, f"file{i}.bin")
            with open(path, "wb") as f:
                f.write(bytes([i]) * (50_000 + 1000 * i))
            paths.append(path)
        yield paths


class GatedExecutor(concurrent.futures.ThreadPoolExecutor):
    """A thread pool whose jobs start only once ``expected`` jobs were submitted.

    If the caller waits for a result before submitting the rest, the gate opens
    after ``patience`` seconds anyway and ``gave_up`` records it.
    """

    def __init__(self, expected: int, patience: float = 1.0) -> None:
        super().__init__(max_workers=expected, thread_name_prefix="gated")
        self.expected = expected
        self.patience = patience
        self.submitted = 0
        self.gate = threading.Event()
        self.gave_up = False

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        self.submitted += 1
        if self.submitted >= self.expected:
            self.gate.set()
        return super().submit(self._gated, fn, *args, **kwargs)

    def _gated(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.gate.wait(self.patience):
            self.gave_up = True
            self.gate.set()
        return fn(*args, **kwargs)


def _expected_hashes(paths):
    return {p: sha256_file(p) for p in paths}


def case_hash_results(candidate):
    """returns {path: sha256 hex digest} for every file"""
    with _sample_files() as paths, concurrent.futures.ThreadPoolExecutor(4) as pool:
        result = _run(lambda loop: candidate(loop, paths, pool), real_time=True)
        expected = _expected_hashes(paths)
        try:
            pool.submit(len, "still usable").result()
        except RuntimeError:
            raise AssertionError(
                "after hash_files returned, the executor it was given was shut down (a "
                "`with executor:` block shuts it down when it ends). The executor belongs "
                "to the caller, who may use it again: use it, but leave it open") from None
    assert isinstance(result, dict), f"hash_files should return a dict, got {type(result)}"
    assert set(result) == set(expected), (
        f"the keys should be the paths given; got {sorted(result)[:3]}...")
    wrong = [p for p in paths if result[p] != expected[p]]
    assert not wrong, (f"wrong digest for {os.path.basename(wrong[0])}: use "
                       "sha256_file(path), which returns hashlib.sha256(...).hexdigest()")


def case_hash_in_executor(candidate):
    """hashes in the executor it is given, not on the loop's thread"""
    with _sample_files(4) as paths:
        pool = GatedExecutor(len(paths), patience=0.2)
        try:
            _run(lambda loop: candidate(loop, paths, pool), real_time=True)
        finally:
            pool.shutdown(wait=True)
    assert pool.submitted == len(paths), (
        f"{pool.submitted} jobs went to the executor you were given, for {len(paths)} "
        "files: hash every file there (loop.run_in_executor(executor, sha256_file, path)), "
        "not on the loop's thread, where hashing blocked the loop (a big file would "
        "freeze every task)")


def case_hash_all_at_once(candidate):
    """submits every file before waiting for the first result"""
    with _sample_files(5) as paths:
        pool = GatedExecutor(len(paths), patience=0.5)
        try:
            _run(lambda loop: candidate(loop, paths, pool), real_time=True)
        finally:
            pool.shutdown(wait=True)
    assert pool.submitted == len(paths), (
        f"{pool.submitted} jobs were submitted for {len(paths)} files")
    assert not pool.gave_up, (
        "the first job waited for the others to be submitted, and they were not, so the "
        "files were not hashed at once: you "
        "awaited each file before submitting the next, so only one ran at a time. "
        "Submit them all first (a list of futures), then await them")


def case_hash_process_pool(candidate):
    """works with a process pool (the worker must be importable, not a lambda)"""
    context = multiprocessing.get_context("spawn")
    with _sample_files(3) as paths, concurrent.futures.ProcessPoolExecutor(
            2, mp_context=context) as pool:
        try:
            result = _run(lambda loop: candidate(loop, paths, pool), real_time=True)
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}".lower()
            if isinstance(exc, concurrent.futures.process.BrokenProcessPool) or \
                    "attribute" in text and "__main__" in text:
                raise AssertionError(
                    f"the process pool broke ({type(exc).__name__}: {exc}): a worker "
                    "process could not load your job. A new process imports functions by "
                    "module and name, and a function defined in the notebook (or inside "
                    "another function) cannot be found there. Pass sha256_file itself "
                    "(from toyloop.exercises.ch4)") from None
            if "pickl" in text or "local object" in text:  # 3.13 says "Can't get local"
                raise AssertionError(
                    f"the process pool could not pickle your job ({exc}). A process gets "
                    "the function by name: pass sha256_file itself (it lives in "
                    "toyloop.exercises.ch4), not a lambda or a function defined in the "
                    "notebook") from None
            raise
        expected = _expected_hashes(paths)
    assert result == expected, "the process pool gave different digests"


class _SlowExecutor(concurrent.futures.ThreadPoolExecutor):
    """Jobs take 0.8, 0.65, 0.5 s more, in the order submitted.

    Long enough to see whether the caller polls or blocks (the watchdog's budget is
    a third of a second), and the last one submitted finishes first.
    """

    submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        delay = max(0.2, 0.8 - 0.15 * self.submitted)
        self.submitted += 1
        return super().submit(self._slow, delay, fn, *args, **kwargs)

    @staticmethod
    def _slow(delay: float, fn: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(delay)
        return fn(*args, **kwargs)


def case_hash_no_polling(candidate):
    """waits for the jobs (up to 0.8 s each) without polling or blocking"""
    handles = _Handles()
    with _sample_files(3) as paths:
        pool = _SlowExecutor(3)
        try:
            result = _run(lambda loop: candidate(loop, paths, pool), real_time=True,
                          handles=handles)
        finally:
            pool.shutdown(wait=True)
        expected = _expected_hashes(paths)
    if isinstance(result, dict) and result != expected and \
            sorted(result.values()) == sorted(expected.values()):
        raise AssertionError(
            "every digest is there, but under the wrong path: the jobs finished in another "
            "order than you submitted them (as_completed gives them as they finish). Keep "
            "each digest with its path: {path: await future} for each (path, future) pair")
    assert result == expected, "the digests are wrong when the jobs take a while"
    assert handles.count <= 25, POLLING.format(n=handles.count, t=0.8)


def case_hash_errors_reach_the_caller(candidate):
    """a file that cannot be read: its exception reaches the caller"""
    with _sample_files(2) as paths, concurrent.futures.ThreadPoolExecutor(2) as pool:
        missing = os.path.join(os.path.dirname(paths[0]), "no-such-file.bin")
        try:
            result = _run(lambda loop: candidate(loop, paths + [missing], pool),
                          real_time=True)
        except FileNotFoundError:
            return
    raise AssertionError(
        f"one of the paths does not exist, and hash_files returned {result!r:.120}: the "
        "FileNotFoundError the job raised should reach the caller as an exception, not be "
        "caught and turned into a value")


hash_exercise = Exercise(
    "hash_files",
    cases=[case_hash_results, case_hash_in_executor, case_hash_all_at_once,
           case_hash_no_polling, case_hash_errors_reach_the_caller, case_hash_process_pool],
    hint=[
        "loop.run_in_executor(executor, sha256_file, path) returns a future at once; the "
        "file is hashed in the pool while the loop goes on.",
        "Make all the futures first (a list comprehension), then await them one by one "
        "(or with gather), and build the dict {path: digest}.",
    ],
    solution=hash_files,
    timeout=15.0,
)


# ===========================================================================
# Exercise 3: hand results from a worker thread back to the loop
# ===========================================================================


async def collect_from_thread(loop, produce, n):
    """Start ``produce(emit)`` in a new thread; return the ``n`` items it emits.

    ``emit`` runs in the worker thread, so it must not touch the loop or a
    future directly: it hands each item over with ``call_soon_threadsafe``,
    which also wakes the loop if it is waiting in ``select``.
    """
    items = []
    done = loop.create_future()

    def receive(item):  # runs on the loop's thread
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    def emit(item):  # runs in the worker thread
        loop.call_soon_threadsafe(receive, item)

    worker = threading.Thread(target=produce, args=(emit,), name="producer")
    worker.start()
    try:
        await done
    finally:
        # produce() has emitted its last item, so this join is short; a thread
        # left running would outlive the caller.
        await loop.run_in_executor(None, worker.join)
    return items


THREAD_MESSAGE = "Non-thread-safe operation invoked on an event loop other than the current one"


class StrictLoop(ThreadLoop):
    """A ThreadLoop that refuses ``call_soon``/``call_later``/``call_at`` from other threads.

    asyncio makes the same check in debug mode (``BaseEventLoop._check_thread``),
    with the same message.  ``call_soon_threadsafe`` is allowed, of course.
    """

    def _check_thread(self) -> None:
        if self._thread_id is not None and threading.get_ident() != self._thread_id:
            raise RuntimeError(THREAD_MESSAGE)

    def call_soon(self, *args: Any, **kwargs: Any) -> Any:
        self._check_thread()
        return super().call_soon(*args, **kwargs)

    def call_at(self, *args: Any, **kwargs: Any) -> Any:
        self._check_thread()
        return super().call_at(*args, **kwargs)


def _producer(items, loop_ran=None, gap=0.005, tidy=0.1):
    """A ``produce(emit)`` that emits ``items`` and records what went wrong.

    After the last item it tidies up for a moment (0.1 s) before returning, so
    ``report["finished"]`` tells whether the caller waited for the thread.
    """
    report = {"errors": [], "thread": None, "loop_blocked": False, "finished": False,
              "abort": None}

    def produce(emit):
        report["thread"] = threading.get_ident()
        if loop_ran is not None and not loop_ran.wait(1.0):
            report["loop_blocked"] = True
        for item in items:
            try:
                emit(item)
            except Exception as exc:
                report["errors"].append(exc)
                if report["abort"] is not None:
                    report["abort"]()  # the learner's future will never complete now
                return
            time.sleep(gap)
        time.sleep(tidy)
        report["finished"] = True

    return produce, report


def _resolve(future):
    if not future.done():
        future.set_result(None)


class _Iterations:
    """Instrument: counts the loop's iterations (how often it woke up)."""

    def __init__(self):
        self.count = 0

    def before_run_once(self):
        self.count += 1


def _handoff_run(candidate, items, *, timer=None, gap=0.005, tidy=0.1, iterations=None):
    loop_ran = threading.Event()

    async def main(loop):
        loop.call_later(0.02, loop_ran.set)  # runs only if the loop is free by then
        if iterations is not None:
            loop.add_instrument(iterations)
        if timer is not None:
            loop.call_later(timer, lambda: None)  # a far-away timer: select sleeps till then
        start = time.monotonic()
        # Wait for the learner's coroutine, or for the producer to report that emit()
        # failed (then the coroutine would wait forever).
        over = loop.create_future()
        report["abort"] = functools.partial(loop.call_soon_threadsafe, _resolve, over)
        task = loop.create_task(candidate(loop, produce, len(items)))
        task.add_done_callback(lambda _task: _resolve(over))
        await over
        if not task.done():
            return None
        return task.result(), time.monotonic() - start, threading.get_ident()

    produce, report = _producer(items, loop_ran, gap=gap, tidy=tidy)
    # The learner's own thread is invisible to the checker's "idle loop" detector (it
    # knows executor jobs only), so that detector is off: a missed wake-up times out.
    outcome = _run(main, real_time=True, loop_factory=StrictLoop,
                   detect_idle=False)
    if report["errors"]:
        exc = report["errors"][0]
        raise AssertionError(
            f"emit() raised {type(exc).__name__}: {exc}. emit runs in the worker thread; "
            "from there only loop.call_soon_threadsafe may touch the loop (not call_soon, "
            "not future.set_result)")
    return outcome, report


def case_handoff_items(candidate):
    """returns every item, in the order the thread emitted them"""
    items = [f"item {i}" for i in range(20)]  # a set would lose their order
    (result, _elapsed, loop_thread), report = _handoff_run(candidate, items)
    assert report["thread"] is not None and report["thread"] != loop_thread, (
        "produce() ran on the loop's thread, so it blocked the loop: start it in a "
        "threading.Thread")
    assert result == items, (
        f"collected {result!r}, expected {items!r}: keep the items in the order the thread "
        "emitted them (a list, appended to on the loop)")


def case_handoff_wakes_loop(candidate):
    """the loop wakes up for each item, even while select waits for a far-off timer"""
    items = ["a", "b", "c"]
    counter = _Iterations()
    (result, elapsed, _), _ = _handoff_run(candidate, items, timer=30.0, gap=0.25,
                                           iterations=counter)
    assert result == items, f"collected {result!r}, expected {items!r}"
    assert counter.count <= 30, (
        f"the loop woke up {counter.count} times while the thread emitted 3 items, a "
        "quarter of a second apart: your coroutine polls (a short asyncio.sleep in a "
        "loop, checking a queue) instead of being woken. Have the thread wake the loop "
        "with loop.call_soon_threadsafe(...) for each item, and await a future that the "
        "last item completes")
    assert elapsed < 2.0, (
        f"the items took {elapsed:.1f} s to arrive although the thread emitted them at "
        "once: the loop slept in select until something else woke it. "
        "call_soon_threadsafe writes to the self-pipe to wake it")


def case_handoff_loop_free(candidate):
    """the loop keeps running while the thread works (no blocking join or sleep)"""
    items = [1, 2, 3]
    counter = _Iterations()
    _, report = _handoff_run(candidate, items, tidy=0.8,  # a join would block 0.8 s
                             iterations=counter)
    assert counter.count <= 20, (
        f"the loop woke up {counter.count} times while the thread produced 3 items and "
        "tidied up for 0.8 s: your code checks on the thread again and again (polling "
        "is_alive() or a flag, a busy-wait). Await its end instead: await "
        "loop.run_in_executor(None, thread.join)")
    assert not report["loop_blocked"], (
        "the loop ran no callback while the thread was producing: something blocked it "
        "(thread.join() or time.sleep on the loop's thread?). Await a future that the "
        "last item completes, and join the thread afterwards")


def case_handoff_thread_finished(candidate):
    """waits for the worker thread to finish before returning"""
    items = [1, 2]
    _, report = _handoff_run(candidate, items)
    assert report["finished"], (
        "collect_from_thread returned while produce() was still running in its thread. "
        "Join the worker before returning, without blocking the loop: "
        "await loop.run_in_executor(None, thread.join)")


handoff_exercise = Exercise(
    "collect_from_thread",
    cases=[case_handoff_items, case_handoff_wakes_loop, case_handoff_loop_free,
           case_handoff_thread_finished],
    hint=[
        "Make a list and a future. emit(item) runs in the worker thread: all it may do "
        "is loop.call_soon_threadsafe(receive, item).",
        "receive(item) runs on the loop: append, and once there are n items set the "
        "future's result. Start threading.Thread(target=produce, args=(emit,)), await "
        "the future, return the list.",
        "Finally join the thread without blocking the loop: await "
        "loop.run_in_executor(None, worker.join).",
    ],
    solution=collect_from_thread,
)
