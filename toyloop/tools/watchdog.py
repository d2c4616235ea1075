"""The checker's watchdog: blocking calls, time limits that cannot be swallowed, leaks.

A learner tool (it sits outside the core, like the tracer): the checker runs
every case under a :class:`CaseGuard`, and every loop a case runs carries a
:class:`LoopWatch` instrument that tells the guard when a handle (a callback or
a task step) starts and ends.  Only the instrument interface is used
(``loop.add_instrument``, ``before_handle``/``after_handle``); nothing reaches
into the loop's queues.

Three jobs, all done from one daemon thread that wakes every ``SAMPLE`` seconds:

* **Blocking.**  While a handle runs, the thread samples the loop thread's
  stack (``sys._current_frames()``).  A sample counts as *blocking* when the
  innermost frame that belongs to the learner (not toyloop, not the standard
  library, not site-packages) is where the thread is held, and no process or
  thread is being started on its behalf (a pool starting up is not blocking).
  Time the kernel kept the thread waiting for a CPU (``run_delay`` in
  ``/proc/.../schedstat``) does not count, so a loaded CI machine does not
  make a correct answer look slow.  When a handle has blocked longer than
  ``budget`` the loop is stopped at once and the report names the line.

* **Time limits.**  At the deadline the guard first asks the loop to stop
  between two handles: the next hook point raises, from the loop's own frame,
  so no learner task ever sees the checker's stop as an exception.  Only when
  the learner's code does not come back to the loop (a spin, a call that never
  returns) is an exception raised in the thread itself (a signal in the main
  thread, ``PyThreadState_SetAsyncExc`` elsewhere).  If that is swallowed (a
  bare ``except:``), it comes again every ``REFIRE`` seconds, and from the
  second time on a line tracer raises it again at the next line the learner's
  code runs -- which is the first line of the handler that swallowed it, so it
  escapes that handler.  The report names the line that swallowed it.

* **Leaks** are collected by :func:`leak_report` (fds, sockets, threads,
  processes opened by a case and still alive) and by ``LoopWatch.leftovers``
  (readers, writers, timers and tasks a loop still holds when its main
  coroutine is done).
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import gc
import linecache
import multiprocessing
import os
import signal
import socket
import sys
import sysconfig
import threading
import time
import warnings
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

__all__ = [
    "BLOCK_BUDGET", "CaseGuard", "CaseTimeout", "LoopBlocked", "LoopIdle", "LoopStopped",
    "LoopWatch",
    "current_guard", "is_learner_file", "leak_report",
]

# A handle may hold the loop's thread this long (seconds of wall time, minus time
# the kernel made it wait for a CPU) before it is reported as blocking.  Correct
# answers hold it for microseconds; the blocking calls the chapters warn about
# hold it for as long as the network, a sleep or a thread takes.
BLOCK_BUDGET = float(os.environ.get("TOYLOOP_BLOCK_BUDGET", "0.35"))
SAMPLE = 0.01
_FORGIVE = 4.0  # runqueue waiting counted up to this many times the CPU time used
# A handle that has blocked this long is interrupted rather than waited for.
HOG_LIMIT = float(os.environ.get("TOYLOOP_HOG_LIMIT", "2.0"))
REFIRE = 0.2
IDLE_GRACE = 2.0  # how long a loop may wait for a learner's own thread to wake it
GRACE = 0.3  # after the deadline, how long the loop gets to come back before we raise


class CaseTimeout(BaseException):
    """Raised into a case that ran out of time.

    A BaseException, like KeyboardInterrupt, so that a learner's
    ``except Exception: pass`` cannot swallow it.
    """


class LoopStopped(BaseException):
    """Raised by the watch instrument, from the loop's frame, to end a loop run."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoopBlocked(LoopStopped):
    """A handle held the loop's thread longer than the budget."""


class LoopIdle(LoopStopped):
    """The loop waited with nothing to wake it but a thread, and nothing came."""


# ---------------------------------------------------------------------------
# Whose frame is it?
# ---------------------------------------------------------------------------

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_LIB_DIRS = tuple(sorted({os.path.realpath(p) + os.sep for key in
                          ("stdlib", "platstdlib", "purelib", "platlib")
                          if (p := sysconfig.get_paths().get(key))}))
_LIB_DIRS_RAW = tuple(sorted({p + os.sep for key in ("stdlib", "platstdlib", "purelib",
                                                     "platlib")
                              if (p := sysconfig.get_paths().get(key))}))


def is_learner_file(filename: str) -> bool:
    """Code the learner wrote: not toyloop's, not the standard library's or a package's."""
    if filename.startswith("<frozen") or filename.startswith(_PACKAGE_DIR):
        return False
    if filename.startswith(_LIB_DIRS_RAW) or "/lib/python3" in filename:
        return False
    return not os.path.realpath(filename).startswith(_LIB_DIRS + (_PACKAGE_DIR,))


_learner_cache: dict[str, bool] = {}


def _is_learner(frame: FrameType) -> bool:
    name = frame.f_code.co_filename
    known = _learner_cache.get(name)
    if known is None:
        known = _learner_cache[name] = is_learner_file(name)
    return known


def _stack(frame: FrameType | None) -> list[FrameType]:
    """Innermost first, up to the case's own call: its callers are not the case."""
    frames = []
    while frame is not None and frame.f_code not in _BOUNDARY:
        frames.append(frame)
        frame = frame.f_back
    return frames


_BOUNDARY: set = set()  # code objects that call a case (filled in below)


# Starting a worker (a process pool's processes, a thread pool's threads) takes a
# while on a loaded machine, and it is not the learner blocking the loop.
_STARTUP = {
    ("concurrent/futures/process.py", "_adjust_process_count"),
    ("concurrent/futures/process.py", "_spawn_process"),
    ("concurrent/futures/process.py", "_launch_processes"),
    ("concurrent/futures/process.py", "_start_executor_manager_thread"),
    ("concurrent/futures/thread.py", "_adjust_thread_count"),
    ("multiprocessing/process.py", "start"),
    ("threading.py", "start"),
}


def _is_startup(frame: FrameType) -> bool:
    code = frame.f_code
    return (code.co_filename.rsplit(os.sep, 2)[-1], code.co_name) in _STARTUP or \
        ("/".join(code.co_filename.rsplit(os.sep, 3)[-2:]), code.co_name) in _STARTUP


@dataclass
class Sample:
    """Where the loop's thread was when the watchdog looked."""

    filename: str
    lineno: int
    function: str
    lasti: int
    callee: str  # the innermost library function the learner's line called, or ""


def classify(frame: FrameType) -> Sample | None:
    """The learner's frame holding the thread, or None if the time is not theirs."""
    stack = _stack(frame)
    for index, f in enumerate(stack):
        if _is_learner(f):
            inner = stack[:index]
            if any(g.f_code.co_filename.startswith(_PACKAGE_DIR) or _is_startup(g)
                   for g in inner):
                return None  # toyloop's own code (e.g. run_in_executor) or a pool starting
            callee = ""
            if inner:
                outer_lib = inner[-1].f_code
                callee = f"{os.path.basename(outer_lib.co_filename)}:{outer_lib.co_name}"
                callee += "|" + "|".join(
                    f"{os.path.basename(g.f_code.co_filename)}:{g.f_code.co_name}"
                    for g in inner)
            return Sample(f.f_code.co_filename, frame_line(f), f.f_code.co_name, f.f_lasti,
                          callee)
    return None


def frame_line(frame: FrameType) -> int:
    """The line a frame is at, from its last instruction.

    ``f_lineno`` can be stale for a frame another thread looks at while a trace
    function has been active; the instruction offset never is.
    """
    lasti = frame.f_lasti
    if lasti >= 0:
        for start, end, line in frame.f_code.co_lines():
            if start <= lasti < end and line is not None:
                return line
    return frame.f_lineno


def source_line(filename: str, lineno: int) -> str:
    return linecache.getline(filename, lineno).strip()


# What the learner's line was doing, in their terms: (test, description, advice).
_CALLEES: list[tuple[str, str, str]] = [
    ("thread.py:shutdown",
     "`executor.shutdown()` (or the end of a `with executor:` block) waits for every job "
     "on the loop's thread",
     "The executor belongs to the caller: use it, do not shut it down or put it in a "
     "`with` block."),
    ("process.py:shutdown",
     "`executor.shutdown()` (or the end of a `with executor:` block) waits for every job "
     "on the loop's thread",
     "The executor belongs to the caller: use it, do not shut it down or put it in a "
     "`with` block."),
    ("socket.py:create_connection",
     "`socket.create_connection(...)` connects with a blocking socket",
     "Use a non-blocking socket and `await loop.sock_connect(sock, address)`."),
    ("_base.py:result_iterator",
     "`executor.map(...)` waits for every result on the loop's thread",
     "Submit each job with `loop.run_in_executor(...)` and await them (asyncio.gather)."),
    ("_base.py:map", "`executor.map(...)` waits for its results on the loop's thread",
     "Submit each job with `loop.run_in_executor(...)` and await them (asyncio.gather)."),
    ("_base.py:result",
     "`Future.result()` waits for another thread or process on the loop's thread",
     "Await it instead: `await loop.run_in_executor(...)` or `await asyncio.wrap_future(f)`."),
    ("_base.py:wait", "`concurrent.futures.wait(...)` blocks the loop's thread",
     "Await the futures: `await asyncio.wrap_future(f)`."),
    ("_base.py:as_completed", "`concurrent.futures.as_completed(...)` blocks the loop's thread",
     "Await the futures: `await asyncio.wrap_future(f)`."),
    ("threading.py:join", "`thread.join()` waits for a thread on the loop's thread",
     "Let the thread tell the loop it is done (`loop.call_soon_threadsafe`, or a future "
     "the loop awaits) instead of joining it."),
    ("queue.py:get", "`queue.Queue.get()` waits on the loop's thread",
     "Wake the loop from the producer thread with `loop.call_soon_threadsafe(...)`."),
    ("queue.py:put", "`queue.Queue.put()` waits on the loop's thread",
     "Wake the loop from the thread with `loop.call_soon_threadsafe(...)`."),
    ("threading.py:wait", "waiting on a threading Event or Condition blocks the loop's thread",
     "Have the thread wake the loop with `loop.call_soon_threadsafe(...)`."),
    ("threading.py:acquire", "acquiring a threading lock blocks the loop's thread",
     "Hold locks only briefly, or do the waiting in `loop.run_in_executor(...)`."),
    ("subprocess.py:", "running a subprocess and waiting for it blocks the loop's thread",
     "Run it in `loop.run_in_executor(...)`."),
    ("selectors.py:select", "a selector's `select()` waits on the loop's thread",
     "Let the loop do the waiting: `await loop.sock_recv(...)` and friends."),
    ("ssl.py:", "a blocking TLS call holds the loop's thread",
     "Use the loop's non-blocking calls."),
]

_SOCKET_CALLS = ("recv(", "recv_into(", "recvfrom(", "sendall(", "send(", "sendto(",
                 "accept(", "connect(", "makefile(", "sock.read(", "readline(")


def describe(samples: list[Sample], cpu_fraction: float | None) -> tuple[Sample, str, str]:
    """The most frequent sample, what it was doing and what to do instead."""
    where = Counter((s.filename, s.lineno, s.function) for s in samples).most_common(1)[0][0]
    top = next(s for s in reversed(samples) if (s.filename, s.lineno, s.function) == where)
    line = source_line(top.filename, top.lineno)
    callees = Counter(s.callee for s in samples if s.callee)
    callee = callees.most_common(1)[0][0] if callees else ""
    for test, what, advice in _CALLEES:
        if test and test in callee:
            return top, what, advice
    code = line.replace(" ", "")
    if "time.sleep(" in code or code.startswith("sleep("):
        return top, "`time.sleep(...)` blocked the whole thread, loop included", \
            "Use `await asyncio.sleep(...)`: it lets the loop run everything else meanwhile."
    if "input(" in code:
        return top, "`input()` waits for the keyboard on the loop's thread", \
            "Do not read input inside a coroutine."
    if ".join(" in code and ("thread" in code.lower() or code.endswith(".join()")):
        return top, "`thread.join()` waits for a thread on the loop's thread", \
            "Let the thread tell the loop it is done (`loop.call_soon_threadsafe`)."
    if ".result(" in code:
        return top, "`.result()` waits for another thread or process on the loop's thread", \
            ("Await it instead: `await asyncio.wrap_future(f)` or "
             "`await loop.run_in_executor(...)`.")
    spinning = (cpu_fraction is not None and cpu_fraction > 0.5) or \
        len({(s.lineno, s.lasti) for s in samples}) > 1
    if any(call in code for call in _SOCKET_CALLS) and not spinning:
        return top, "a call on a blocking socket waits on the loop's thread", \
            ("Make the socket non-blocking (`sock.setblocking(False)`) and await the loop's "
             "`sock_recv`, `sock_sendall`, `sock_connect` or `sock_accept`.")
    if spinning:
        return top, "a loop that keeps the CPU busy (busy-waiting) never lets the loop run", \
            ("Wait by awaiting: a future, `asyncio.sleep(...)`, or an event; heavy "
             "computation goes to `loop.run_in_executor(...)`.")
    return top, "a call that does not return holds the loop's thread", \
        "Await the loop's non-blocking version of the call, or run it in an executor."


# ---------------------------------------------------------------------------
# CPU accounting (Linux): time waiting for a CPU is not the learner's
# ---------------------------------------------------------------------------


def _schedstat(native_id: int | None) -> tuple[float, float] | None:
    """(seconds on a CPU, seconds runnable but waiting for one) for a thread."""
    if native_id is None:
        return None
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as f:
            on_cpu, waiting, _ = f.read().split()
        return int(on_cpu) / 1e9, int(waiting) / 1e9
    except (OSError, ValueError):
        return None


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _steal() -> list[float]:
    """Seconds each CPU was taken away by the hypervisor (Linux ``/proc/stat``), or [].

    In a virtual machine (CI runners are) the host can stop a virtual CPU while the
    loop's thread runs on it.  The guest's scheduler does not see that as waiting, so
    ``schedstat`` cannot forgive it; the host's "steal" counter can."""
    try:
        with open("/proc/stat") as f:
            lines = [line.split() for line in f if line.startswith("cpu")]
    except OSError:
        return []
    return [int(fields[8]) / _TICK for fields in lines[1:] if len(fields) > 8]


def _stolen(before: list[float], after: list[float]) -> float:
    """The most any one CPU lost to the host between two :func:`_steal` readings."""
    return max((b - a for a, b in zip(before, after, strict=False)), default=0.0)


# ---------------------------------------------------------------------------
# The guard: one per case
# ---------------------------------------------------------------------------

_local = threading.local()

# Garbage collection runs inside whatever code allocates -- often the learner's
# handle -- and a full collection in a big process can take a tenth of a second.
# That time is not the learner's: it is measured per thread and not counted.
_gc_total: dict[int, float] = {}
_gc_started: dict[int, float] = {}


def _gc_callback(phase: str, info: dict) -> None:
    ident = threading.get_ident()
    if phase == "start":
        _gc_started[ident] = time.monotonic()
    elif ident in _gc_started:
        spent = time.monotonic() - _gc_started.pop(ident)
        _gc_total[ident] = _gc_total.get(ident, 0.0) + spent
_CREATED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # task -> learner's line


def current_guard() -> CaseGuard | None:
    """The guard of the case running in this thread, if any."""
    return getattr(_local, "guard", None)


@dataclass
class Swallowed:
    filename: str
    lineno: int
    function: str
    kind: str  # "a bare `except:`", "`except BaseException:`", ...


class CaseGuard:
    """Runs one case: a deadline, a blocking budget, and a daemon thread to enforce them."""

    def __init__(self, timeout: float | None, budget: float = BLOCK_BUDGET) -> None:
        self.timeout = timeout
        self.budget = budget
        self.thread_id = threading.get_ident()
        self.main = (threading.current_thread() is threading.main_thread()
                     and hasattr(signal, "pthread_kill"))
        self.native_id = threading.get_native_id()
        self._done = threading.Event()
        self._lock = threading.Lock()
        # Set by LoopWatch, read by the watchdog thread:
        self.watch: LoopWatch | None = None
        self.handle: Any = None
        self.handle_started = 0.0
        self._samples: list[Sample] = []
        self._blocked = 0.0
        self._ran = self._awake = 0.0
        # Deadline state:
        self.started = 0.0
        self.expired = False
        self.interrupts = 0
        self.hog_interrupts = 0  # interrupts sent to the current handle for blocking
        self.swallowed: list[Swallowed] = []
        self.last_samples: list[Sample] = []
        self.blocked_report: str | None = None
        self._old_handler: Any = None
        self._old_trace: Any = None
        self._trap_set = False
        self._thread: threading.Thread | None = None
        self._still = False  # see still()
        self._parked = threading.Event()
        self._unpark = threading.Event()
        self.leftovers: list[str] = []  # what loops still held (LoopWatch / run_in_loop)
        self.used_loop = False

    # -- entering and leaving -------------------------------------------------

    def __enter__(self) -> CaseGuard:
        self.started = time.monotonic()
        self._outer = current_guard()
        _local.guard = self
        if self._in_main_thread():
            self._old_handler = signal.signal(signal.SIGALRM, self._on_signal)
        self._old_trace = sys.gettrace()
        if _gc_callback not in gc.callbacks:
            gc.callbacks.append(_gc_callback)
        self._thread = threading.Thread(target=self._watch, name="toyloop-checker-watchdog",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._done.set()
        self._unpark.set()
        # The watchdog may be about to deliver one last signal: wait for it to
        # stop, then take any late CaseTimeout here rather than in the caller.
        while True:
            try:
                if self._thread is not None:
                    self._thread.join()
                if self._trap_set:
                    sys.settrace(self._old_trace)
                    self._trap_set = False
                if self._in_main_thread() and self._old_handler is not None:
                    signal.signal(signal.SIGALRM, self._old_handler)
                    self._old_handler = None
                break
            except CaseTimeout:
                continue
        _local.guard = self._outer

    def _in_main_thread(self) -> bool:
        return self.main

    @contextlib.contextmanager
    def still(self) -> Iterator[None]:
        """Keep the watchdog thread from running Python code for a while.

        Since Python 3.12, cProfile records every thread's calls (it sits on
        ``sys.monitoring``, which is process-wide), so the watchdog's own sampling
        would show up in, and scramble, a profile taken by the case.  While still,
        the thread waits inside one C-level lock until the deadline: the timeout
        holds, blocking is not sampled.
        """
        if self._thread is None or not self._thread.is_alive() or self._still:
            yield
            return
        self._unpark.clear()
        self._still = True
        try:
            self._parked.wait(1.0)
            time.sleep(0.001)  # hand over the GIL: let the thread get into its wait
            yield
        finally:
            self._still = False
            self._parked.clear()
            self._unpark.set()

    def _park(self) -> None:
        """In the watchdog thread: wait, without sampling, until unparked or the deadline."""
        remaining = None
        if self.timeout is not None:
            remaining = max(0.0, self.started + self.timeout - time.monotonic())
        self._parked.set()
        self._unpark.wait(remaining)

    # -- called from the loop's thread (LoopWatch) ----------------------------

    def handle_begins(self, handle: Any) -> None:
        with self._lock:
            self.handle = handle
            self.hog_interrupts = 0
            self._samples = []
            self._blocked = self._ran = self._awake = 0.0
            self.handle_started = time.monotonic()

    def handle_ends(self) -> str | None:
        """The report if the handle that just ended blocked longer than the budget."""
        with self._lock:
            self.handle = None
            held = time.monotonic() - self.handle_started
            blocked, samples = self._blocked, self._samples
            cpu = min(1.0, self._ran / self._awake) if self._awake > 0 else None
            self._samples = []
            interrupted = self.hog_interrupts
        if interrupted:
            return self.hog_message(held, samples, cpu)
        if blocked > self.budget and samples:
            return self.blocked_message(held, samples, cpu)
        return None

    def hog_message(self, held: float, samples: list[Sample], cpu: float | None) -> str:
        """The handle had to be interrupted: did it swallow the interrupt?"""
        if self.swallowed:
            return self._swallowed_message(held)
        if not samples:
            samples = self.last_samples[-20:]
        if not samples:
            return (f"your code never returned to the loop: the check interrupted it after "
                    f"{held:.1f} s")
        return (self.blocked_message(held, samples, cpu)
                + f" (The check interrupted it after {held:.1f} s.)")

    def _swallowed_message(self, elapsed: float) -> str:
        s = self.swallowed[0]
        return (f"your code never returned to the loop: a loop at line {s.lineno} (in "
                f"{s.function}) swallowed the checker's interrupt with {s.kind}, so the "
                f"check had to force its way out after {elapsed:.1f} s. A handler that "
                "catches everything also swallows Ctrl-C, the cancellation of its task "
                "(CancelledError) and the checker's stop: catch the exceptions you expect "
                "(`except OSError:`), or at most `except Exception:`.")

    def blocked_message(self, held: float, samples: list[Sample], cpu: float | None) -> str:
        top, what, advice = describe(samples, cpu)
        line = source_line(top.filename, top.lineno)
        return (f"your code blocked the loop for {held:.1f} s at line {top.lineno} "
                f"(in {top.function}): `{line}`: {what}. While one callback or task step "
                "holds the loop's thread, nothing else runs: no other task, no timer, no "
                f"socket (the loop's clock stood still). {advice}")

    # -- the watchdog thread --------------------------------------------------

    def _watch(self) -> None:
        last = time.monotonic()
        last_sched = _schedstat(self.native_id)
        last_gc = _gc_total.get(self.thread_id, 0.0)
        last_steal = _steal()
        next_interrupt = next_hog = None
        while not self._done.wait(SAMPLE):
            if self._still:
                self._park()
                last, last_sched = time.monotonic(), _schedstat(self.native_id)
                last_gc, last_steal = _gc_total.get(self.thread_id, 0.0), _steal()
            now = time.monotonic()
            sched = _schedstat(self.native_id)
            steal = _steal()
            waited = ran = 0.0
            if sched and last_sched:
                ran, waited = sched[0] - last_sched[0], sched[1] - last_sched[1]
            # Time the thread waited for a CPU is forgiven, except in proportion to
            # the CPU it did use: a spin on a loaded machine is still a spin.
            step = max(0.0, (now - last) - waited) + min(waited, _FORGIVE * ran)
            collected = _gc_total.get(self.thread_id, 0.0)
            step = max(0.0, step - (collected - last_gc) - _stolen(last_steal, steal))
            last_gc, last_steal = collected, steal
            last_now = last
            last, last_sched = now, sched
            frame = sys._current_frames().get(self.thread_id)
            if frame is None:
                continue
            sample = classify(frame)
            frame = None
            with self._lock:
                if self.handle is not None:
                    # CPU share while awake: ~1 for a spin, ~0 for a blocking call.
                    self._ran += ran
                    self._awake += max(0.0, (now - last_now) - waited)
                if self.handle is not None and sample is not None:
                    self._samples.append(sample)
                    self._blocked += step
            if sample is not None:
                self.last_samples = (self.last_samples + [sample])[-50:]
            watch = self.watch
            if watch is not None and watch.idle_since is not None and \
                    now - watch.idle_since > IDLE_GRACE and not watch.idle_expired:
                watch.idle_expired = True
                watch.wake()
            with self._lock:
                hog = self.handle is not None and self._blocked > max(HOG_LIMIT, self.budget)
            if hog and (next_hog is None or now >= next_hog):
                self.hog_interrupts += 1
                self._interrupt()
                next_hog = now + REFIRE
            if self.timeout is None or now - self.started < self.timeout:
                continue
            if not self.expired:
                self.expired = True
                next_interrupt = now + (GRACE if self.watch is not None else 0.0)
                if self.watch is not None:
                    self.watch.wake()
            if next_interrupt is not None and now >= next_interrupt:
                self.interrupts += 1
                self._interrupt()
                next_interrupt = now + REFIRE

    def _interrupt(self) -> None:
        """The learner's code did not come back to the loop: raise in its thread."""
        if self._in_main_thread():
            signal.pthread_kill(self.thread_id, signal.SIGALRM)
        else:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id),
                                                       ctypes.py_object(CaseTimeout))

    # -- in the case's thread, when interrupted -------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._done.is_set():
            return
        if frame is not None and (self.interrupts > 1 or self.hog_interrupts > 1):
            self._note_swallow(frame)
            self._set_trap(frame)
        raise CaseTimeout(self.timeout)

    def _note_swallow(self, frame: FrameType) -> None:
        """The previous interrupt did not end the case: find the handler that ate it."""
        for f in _stack(frame):
            if _is_learner(f):
                kind = swallowing_handler(f.f_code.co_filename, f.f_lineno)
                if kind:
                    entry = Swallowed(f.f_code.co_filename, kind[0], f.f_code.co_name, kind[1])
                    if entry not in self.swallowed:
                        self.swallowed.append(entry)
                    return

    def _set_trap(self, frame: FrameType) -> None:
        """Raise again at the next line the learner runs (the swallowing handler's)."""
        def trap(tframe: FrameType, event: str, arg: Any) -> Any:
            if event == "line" and _is_learner(tframe) and not self._done.is_set():
                raise CaseTimeout(self.timeout)
            return trap

        for f in _stack(frame):
            if _is_learner(f):
                f.f_trace = trap
        sys.settrace(trap)
        self._trap_set = True

    # -- the report when time ran out -----------------------------------------

    def timeout_message(self, pending: list[str] | None = None) -> str:
        elapsed = time.monotonic() - self.started
        if self.swallowed:
            return self._swallowed_message(elapsed)
        recent = self.last_samples[-20:]
        if self.interrupts and recent:
            top, what, advice = describe(recent, None)
            line = source_line(top.filename, top.lineno)
            if not self.used_loop:  # chapter 1: plain generators, no loop
                return (f"your code did not finish within {self.timeout:g} seconds: it was "
                        f"still running line {top.lineno} (in {top.function}): `{line}`. "
                        "Look for a loop that never ends.")
            return (f"your code never returned to the loop: after {elapsed:.1f} s it was "
                    f"still running line {top.lineno} (in {top.function}): `{line}`: "
                    f"{what}. {advice}")
        waiting = ""
        if pending:
            waiting = " Still waiting when it was stopped: " + "; ".join(pending[:4]) + "."
        return (f"your code did not finish within {self.timeout:g} seconds, so the check "
                f"stopped it.{waiting} Look for a task that waits for something nobody "
                "sends or sets, or a loop that never ends.")


def swallowing_handler(filename: str, lineno: int) -> tuple[int, str] | None:
    """The innermost ``try`` around ``lineno`` whose handler catches BaseException."""
    source = "".join(linecache.getlines(filename))
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    best: tuple[int, str] | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try) and type(node).__name__ != "TryStar":
            continue
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        if not node.lineno <= lineno <= end:
            continue
        for handler in node.handlers:
            kind = _catches_everything(handler)
            if kind and (best is None or node.lineno > best[0]):
                best = (node.lineno, kind)
    return best


def _catches_everything(handler: ast.ExceptHandler) -> str | None:
    if handler.type is None:
        return "a bare `except:`"
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for name in names:
        if isinstance(name, ast.Name) and name.id in ("BaseException",):
            return "`except BaseException:`"
        if isinstance(name, ast.Name) and name.id == "KeyboardInterrupt":
            return "`except KeyboardInterrupt:`"
    return None


# ---------------------------------------------------------------------------
# The instrument on each loop a case runs
# ---------------------------------------------------------------------------


class LoopWatch:
    """Instrument: tells the guard about handles; stops the loop when asked.

    Raising from ``before_handle`` / ``before_run_once`` happens in the loop's
    own frame, between two handles: the stop never enters a learner's task.
    """

    def __init__(self, loop: Any, guard: CaseGuard) -> None:
        self.loop = loop
        self.guard = guard
        guard.used_loop = True
        self.idle_since: float | None = None
        self.idle_expired = False

    def idle_wait(self) -> None:
        """The loop is about to wait forever unless a thread wakes it: start the clock."""
        if self.idle_since is None:
            self.idle_since = time.monotonic()

    def after_select(self, events: Any) -> None:
        if self.idle_expired:
            raise LoopIdle("idle")


    def _check_stop(self) -> None:
        if self.guard.expired:
            raise LoopStopped("timeout")

    def before_run_once(self) -> None:
        self._check_stop()

    def task_created(self, task: Any) -> None:
        """Remember the learner's line that created the task (cheap: no traceback)."""
        site = _learner_site(sys._getframe(1))
        if site is not None:
            try:
                _CREATED[task] = site
            except TypeError:  # not weak-referenceable
                pass

    def before_handle(self, handle: Any) -> None:
        self._check_stop()
        self.idle_since = None  # something woke the loop
        self.guard.handle_begins(handle)

    def after_handle(self, handle: Any) -> None:
        report = self.guard.handle_ends()
        if report is not None:
            raise LoopBlocked(report)
        self._check_stop()

    def wake(self) -> None:
        """From the watchdog thread: a loop waiting for I/O should look up."""
        wake = getattr(self.loop, "call_soon_threadsafe", None)
        if wake is not None:
            try:
                wake(_nothing)
            except Exception:  # closed, or a chapter-2 loop with no self-pipe
                pass


def _nothing() -> None:
    """Scheduled only to wake a loop that waits in select()."""


# ---------------------------------------------------------------------------
# Leaks: what a case opened and left open
# ---------------------------------------------------------------------------


def _open_fds() -> set:
    """{(fd, what it points at)}: a number reused for another file counts as new."""
    found = set()
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return found
    for name in names:
        try:
            found.add((int(name), os.readlink(f"/proc/self/fd/{name}")))
        except OSError:  # closed meanwhile (e.g. listdir's own fd)
            continue
    return found


@dataclass
class Snapshot:
    fds: set
    threads: set[int]
    processes: set[int]


def _global_fds() -> set[int]:
    """fds multiprocessing keeps for the whole process (its resource tracker)."""
    fds = set()
    try:
        from multiprocessing import resource_tracker
        fd = getattr(resource_tracker._resource_tracker, "_fd", None)
        if fd is not None:
            fds.add(fd)
    except Exception:
        pass
    return fds


def _without_global(fds: set) -> set:
    skip = _global_fds()
    return {entry for entry in fds if entry[0] not in skip}


def snapshot() -> Snapshot:
    return Snapshot(_without_global(_open_fds()),
                    {t.ident for t in threading.enumerate() if t.ident is not None},
                    {p.pid for p in multiprocessing.active_children() if p.pid})


def _socket_for(fd: int) -> socket.socket | None:
    import gc

    for obj in gc.get_objects():
        if isinstance(obj, socket.socket):
            try:
                if obj.fileno() == fd:
                    return obj
            except Exception:
                continue
    return None


_SOCKET_SITES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _learner_site(frame: FrameType | None) -> tuple[str, int, str] | None:
    for f in _stack(frame):
        if _is_learner(f):
            return f.f_code.co_filename, f.f_lineno, f.f_code.co_name
    return None


class socket_sites:  # noqa: N801 - used as a context manager, like a function
    """While active, every ``socket.socket`` remembers the learner's line that made it.

    (tracemalloc would know too, but slows every allocation fifty-fold.)
    """

    created: set[int] = set()  # ids of the sockets made while active (this case's)

    def __enter__(self) -> socket_sites:
        self._original = original = socket.socket.__init__
        created = self.created = set()

        def __init__(sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            original(sock, *args, **kwargs)
            created.add(id(sock))
            site = _learner_site(sys._getframe(1))
            if site is not None:
                _SOCKET_SITES[sock] = site

        socket.socket.__init__ = __init__  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        socket.socket.__init__ = self._original  # type: ignore[method-assign]


def _where_created(obj: Any) -> str:
    site = _SOCKET_SITES.get(obj) if isinstance(obj, socket.socket) else None
    if site is None:
        return ""
    return f", created at line {site[1]} (in {site[2]}): `{source_line(site[0], site[1])}`"


def describe_fd(fd: int) -> str:
    sock = _socket_for(fd)
    if sock is not None:
        kind = "a listening socket" if _listening(sock) else "a socket"
        try:
            name = sock.getsockname()
        except OSError:
            name = None
        try:
            peer = sock.getpeername()
        except OSError:
            peer = None
        ends = f" {name}" + (f" connected to {peer}" if peer else "")
        return f"{kind}{ends if name else ''}{_where_created(sock)}"
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        target = "?"
    if target.startswith("pipe:"):
        return f"a pipe (fd {fd})"
    if target.startswith("socket:"):
        return f"a socket (fd {fd}) nobody holds any more"
    return f"file descriptor {fd} ({target})"


def _listening(sock: socket.socket) -> bool:
    try:
        return bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
    except OSError:
        return False


def _thread_name(ident: int) -> str:
    for t in threading.enumerate():
        if t.ident == ident:
            target = getattr(t, "_target", None)
            code = getattr(target, "__code__", None)
            where = ""
            if code is not None and is_learner_file(code.co_filename):
                where = f" running {target.__qualname__}() from line {code.co_firstlineno}"
            elif "ThreadPoolExecutor" in t.name:
                where = " (a ThreadPoolExecutor's worker: shut the executor down)"
            return f"thread {t.name!r}{where}"
    return f"thread {ident}"


def leak_report(before: Snapshot, grace: float = 1.0) -> list[str]:
    """What the case opened and did not close: fds, threads, processes."""
    import gc

    deadline = time.monotonic() + grace
    # Threads and processes shut down asynchronously: give them a moment.
    first = True
    while True:
        if not first:  # only when something looks left over: collecting is slow
            gc.collect()
        first = False
        after = snapshot()
        threads = {i for i in after.threads - before.threads
                   if _alive_thread(i)}
        procs = after.processes - before.processes
        if procs and not first:
            procs -= _live_pool_processes()
        fds = {fd for fd, _target in _without_global(after.fds - before.fds)}
        if not (threads or procs or fds) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    problems = [f"{describe_fd(fd)} is still open (it was not closed)" for fd in sorted(fds)]
    problems += [f"{_thread_name(i)} is still running" for i in sorted(threads)]
    problems += [f"process {pid} is still running" for pid in sorted(procs)]
    return problems


def _alive_thread(ident: int) -> bool:
    for t in threading.enumerate():
        if t.ident == ident:
            return (t.is_alive() and not t.name.startswith("toyloop-checker")
                    and not _serves_a_live_pool(t))
    return False


def _serves_a_live_pool(thread: threading.Thread) -> bool:
    """A worker of an executor somebody still holds (a pool kept for reuse is no leak).

    An executor dropped without shutdown() is garbage after a collection, and its
    workers then leave on their own; a pool that is still referenced meant to stay.
    """
    args = getattr(thread, "_args", ())
    ref = args[0] if args else None
    if not isinstance(ref, weakref.ref):
        return False
    executor = ref()
    return executor is not None and not getattr(executor, "_shutdown", False)


def busy_pool_worker(frame: FrameType | None, thread: threading.Thread | None = None) -> bool:
    """A thread pool worker running a job, or with jobs queued for it.

    One waiting for work on an empty queue cannot wake a loop.
    """
    args = getattr(thread, "_args", ())
    if len(args) > 1 and hasattr(args[1], "empty") and not args[1].empty():
        return True  # a job is queued: the worker is about to take it
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    for index, f in enumerate(frames):
        code = f.f_code
        if code.co_name == "_worker" and code.co_filename.endswith(
                os.path.join("concurrent", "futures", "thread.py")):
            inner = frames[:index]
            waiting = all(os.path.basename(g.f_code.co_filename) in ("queue.py", "threading.py")
                          for g in inner)
            return not waiting
    return False


def _live_pool_processes() -> set[int]:
    import concurrent.futures
    import gc

    pids: set[int] = set()
    for obj in gc.get_objects():
        if isinstance(obj, concurrent.futures.ProcessPoolExecutor) and \
                not getattr(obj, "_shutdown_thread", False):
            pids.update((getattr(obj, "_processes", None) or {}).keys())
    return pids


def collect_unclosed(record: list[warnings.WarningMessage],
                     created: set[int] | None = None) -> list[str]:
    """ResourceWarnings for sockets of this case that the garbage collector had to close.

    A socket some earlier code dropped may be collected during any case: only the
    ones ``created`` (ids) while the case ran are the case's.
    """
    found = []
    for w in record:
        if issubclass(w.category, ResourceWarning) and "socket" in str(w.message):
            src = getattr(w, "source", None)
            if created is not None and (src is None or id(src) not in created):
                continue
            where = _where_created(src) if src is not None else ""
            found.append(f"a socket was not closed: the garbage collector had to close "
                         f"it{where}")
    return found


def loop_leftovers(loop: Any) -> list[str]:
    """Readers, writers, timers and tasks a loop still holds after its main coroutine."""
    import asyncio

    found: list[str] = []
    selector = getattr(loop, "_selector", None)
    internal = set()
    for attr in ("_ssock", "_csock"):
        sock = getattr(loop, attr, None)
        if sock is not None:
            try:
                internal.add(sock.fileno())
            except Exception:
                pass
    if selector is not None:
        try:
            keys = list(selector.get_map().values())
        except Exception:
            keys = []
        for key in keys:
            if key.fd in internal:
                continue
            reader, writer = (key.data if isinstance(key.data, tuple) and len(key.data) == 2
                              else (None, None))
            for role, handle in (("reader", reader), ("writer", writer)):
                if handle is not None and not getattr(handle, "_cancelled", False) \
                        and _learner_made(handle):
                    found.append(f"a {role} is still registered for fd {key.fd}: "
                                 f"{_callback_name(handle)}{_handle_origin(handle)}")
    for entry in list(getattr(loop, "_scheduled", ())):
        timer = entry[2] if isinstance(entry, tuple) else entry
        if not getattr(timer, "_cancelled", False) and _learner_made(timer):
            found.append(f"a timer is still scheduled: {_callback_name(timer)}"
                         f"{_handle_origin(timer)}")
    try:
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    except Exception:
        tasks = []
    for task in tasks:
        if _learner_made(task):
            made = _CREATED.get(task)
            origin = ""
            if made:
                origin = (f", created at line {made[1]} (in {made[2]}): "
                          f"`{source_line(made[0], made[1])}`")
            found.append(f"a task is still pending: {task_location(task)}{origin}")
    return found


def _learner_made(obj: Any) -> bool:
    """Created while the learner's code was on the stack, or running the learner's code.

    Tasks are recorded by ``LoopWatch.task_created``; in debug mode handles carry
    the stack that made them; otherwise a handle counts as the learner's when its
    callback is a function the learner wrote.
    """
    if obj in _CREATED:
        return True
    tb = getattr(obj, "_source_traceback", None)
    if tb:
        return any(is_learner_file(frame.filename) for frame in tb)
    callback = getattr(obj, "_callback", None)
    callback = getattr(callback, "func", callback)  # functools.partial
    code = getattr(callback, "__code__", None) or getattr(
        getattr(callback, "__func__", None), "__code__", None)
    return code is not None and is_learner_file(code.co_filename)


def _callback_name(handle: Any) -> str:
    cb = getattr(handle, "_callback", None)
    name = getattr(cb, "__qualname__", None) or repr(cb)
    return f"{name}()"


def _handle_origin(handle: Any) -> str:
    tb = getattr(handle, "_source_traceback", None)
    if not tb:
        return ""
    for frame in reversed(tb):
        if is_learner_file(frame.filename):
            return f", set at line {frame.lineno}: `{(frame.line or '').strip()}`"
    return ""


def catch_all_notes(tasks: list) -> str:
    """A sentence about any catch-all handler around where the learner's tasks stand."""
    for task in tasks:
        coro = task.get_coro() if hasattr(task, "get_coro") else None
        inner, frame = coro, None
        while inner is not None:
            f = getattr(inner, "cr_frame", None) or getattr(inner, "gi_frame", None)
            if f is not None and is_learner_file(f.f_code.co_filename):
                frame = f
            inner = getattr(inner, "cr_await", None) or getattr(inner, "gi_yieldfrom", None)
        if frame is None:
            continue
        found = swallowing_handler(frame.f_code.co_filename, frame_line(frame))
        if found:
            return (f" And the `try` at line {found[0]} (in {frame.f_code.co_name}) has "
                    f"{found[1]}: it would swallow a cancellation, Ctrl-C and the checker's "
                    "stop too. Catch only the exceptions you expect.")
    return ""


def task_location(task: Any) -> str:
    """`Task 'name' (coro at line 12: `await ...`)` -- where a task is waiting."""
    coro = task.get_coro() if hasattr(task, "get_coro") else None
    frame = None
    inner = coro
    while inner is not None:
        f = getattr(inner, "cr_frame", None) or getattr(inner, "gi_frame", None)
        if f is not None and is_learner_file(f.f_code.co_filename):
            frame = f
        inner = getattr(inner, "cr_await", None) or getattr(inner, "gi_yieldfrom", None)
    name = task.get_name() if hasattr(task, "get_name") else "?"
    label = getattr(coro, "__qualname__", "?")
    if frame is None:
        return f"task {name!r} running {label}()"
    line = source_line(frame.f_code.co_filename, frame.f_lineno)
    return (f"task {name!r} running {label}(), waiting at line {frame.f_lineno} "
            f"(in {frame.f_code.co_name}): `{line}`")


def run_guarded(fn: Callable[..., Any], timeout: float | None, *args: Any,
                budget: float = BLOCK_BUDGET, guards: list | None = None) -> Any:
    """``fn(*args)`` under a :class:`CaseGuard`; CaseTimeout carries the guard's report.

    The guard is appended to ``guards`` if given (for its ``leftovers``).
    """
    guard = CaseGuard(timeout, budget)
    if guards is not None:
        guards.append(guard)
    try:
        with guard:
            return fn(*args)
    except (CaseTimeout, LoopStopped) as stop:
        if isinstance(stop, LoopBlocked):
            raise
        if guard.expired or isinstance(stop, CaseTimeout):
            error = CaseTimeout(timeout)
            error.message = (guard.timeout_message(getattr(stop, "pending", None))
                             + getattr(stop, "hint", ""))
            raise error from None
        raise


_BOUNDARY.add(run_guarded.__code__)
