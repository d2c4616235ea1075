"""Chapter 7 exercises: subprocesses, STARTTLS, and the TLS layer's engine.

Three exercises, each an :class:`~toyloop.tools.checker.Exercise`:

* ``lines_exercise``      -- ``read_lines(argv, timeout)``: a child's output line by
  line, with a deadline after which the child is killed *and reaped*;
* ``starttls_exercise``   -- ``starttls_client(port, context)``: a plain-text
  conversation upgraded to TLS with ``StreamWriter.start_tls``;
* ``watch_exercise``      -- a build exercise: the learner writes the loop's child
  watch (``EventLoop._watch_child`` and ``_pidfd_ready``, section 3), and the cases
  run real children on a loop class made of toyloop's ``EventLoop`` and those two
  methods;
* ``tls_engine_exercise`` -- a build exercise: the learner writes
  ``MiniTLSProtocol.data_received`` and ``_do_handshake`` (chapter 7, section 1),
  and the cases plug that class between real TLS peers: an in-memory
  ``SSLObject`` fed in chosen chunks (whole flights, one byte at a time, the
  peer's Finished and first data in one chunk), then toyloop's socket transports
  against asyncio's TLS server.

The subprocess cases run on real time (``MonotonicClock``): children sleep in
real seconds, and a virtual clock would jump past them.  Each child writes its
pid to a file first, so that a case can tell a child that was reaped from one
still running or left a zombie.  Certificates come from ``trustme``, made once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import errno
import functools
import gc
import logging
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from typing import Any

from toyloop.ch7_tls import MiniTLSProtocol
from toyloop.ch7_unix import EventLoop
from toyloop.clock import MonotonicClock, VirtualClock
from toyloop.tools.checker import Exercise, run_in_loop

HOST = "127.0.0.1"

__all__ = [
    "SolutionTLSProtocol", "SolutionWatchLoop", "lines_exercise", "read_lines",
    "starttls_client", "starttls_exercise", "tls_engine_exercise", "watch_exercise",
]


# ===========================================================================
# Exercise 1: a child's lines, with a deadline
# ===========================================================================


async def read_lines(argv: list, timeout: float) -> tuple[list[str], int]:
    """Collect ``argv``'s stdout line by line; kill and reap it after ``timeout`` s."""
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines: list[str] = []

    async def collect() -> None:
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except TimeoutError:
        proc.kill()
    except BaseException:  # cancelled: the child must not outlive us either
        proc.kill()
        await proc.wait()
        raise
    return lines, await proc.wait()  # wait() reaps the child, killed or not


# The child records its pid first.  If the case is already over (a stub raised before
# the child ran), the folder is gone: say nothing, so no traceback lands in the notebook.
# The child starts with default signal dispositions, whatever the kernel inherited
# (a Jupyter server started under `nohup` ignores SIGHUP, and so would its children):
# the verdict on a hang-up or a terminate must not depend on how Jupyter was started.
_PIDFILE_PRELUDE = ("import os, signal, sys, time\n"
                    "signal.signal(signal.SIGHUP, signal.SIG_DFL)\n"
                    "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
                    "try:\n"
                    "    open(sys.argv[1], 'w').write(str(os.getpid()))\n"
                    "except OSError:\n    pass\n")


def _child(body: str, pidfile: str) -> list[str]:
    """argv for a Python child that records its pid in ``pidfile``, then runs ``body``."""
    return [sys.executable, "-c", _PIDFILE_PRELUDE + body, pidfile]


async def _pid_state_soon(pid: int) -> str:
    """'gone' (reaped), 'zombie' (exited, nobody called waitpid) or 'running'.

    A child just sent SIGKILL may need a moment to die: 'running' is only
    reported if it lasts half a second (waited for without holding the loop).
    """
    deadline = time.monotonic() + 0.5
    while (state := _pid_state_now(pid)) == "running" and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return state


def _pid_state_now(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "gone"
    return "zombie" if state == "Z" else "running"


def _cleanup_child(pid: int) -> None:
    """Whatever the answer did, leave no child behind.

    Only a child of ours is killed: a pid reaped long ago may belong to a stranger now.
    """
    if not _is_my_child(pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.01)


def _is_my_child(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1]) == os.getpid()
    except (OSError, ValueError, IndexError):
        return False


def _recording_loop(pids: list[int]) -> type:
    """toyloop's loop, noting the pid of every child it starts in ``pids``.

    A child killed before it wrote its pid file (the answer failed at once, and
    closing its transport killed the child) would otherwise stay a zombie of this
    process for good, and a later case's ``waitpid(-1)`` would find it.
    """
    class RecordingLoop(EventLoop):
        def _watch_child(self, pid: int, transp: Any) -> None:
            pids.append(pid)
            super()._watch_child(pid, transp)

    return RecordingLoop


def _read_pid(pidfile: str) -> int | None:
    try:
        with open(pidfile) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


class _StolenStatus(logging.Handler):
    """Notes the loop's warning that a child's exit status was already read.

    The loop's child watch reaps each child with ``waitpid``; if the answer reaped
    it first (``os.waitpid(proc.pid, 0)``), the watch finds nothing and reports
    returncode 255 to the ``Process``.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if "exit status already read" in record.getMessage():
            self.seen = True


def _run_lines(fn: Any, body: str, timeout: float, limit: float,
               too_long: str = "") -> tuple[Any, tuple[str, str], float]:
    """Run ``fn`` on a child: (result, (child's state when fn returned, later), seconds).

    The state when ``fn`` returned tells whether *it* reaped the child; the
    loop's child watch would reap a killed child a moment later anyway, so
    looking only afterwards would let "kill() and return" pass.  A child that
    never ran (no pid file: argv was not run as given) is ("never ran", ...).
    """
    stolen = _StolenStatus()
    asyncio_logger = logging.getLogger("asyncio")
    asyncio_logger.addHandler(stolen)
    try:
        result, state, elapsed = _run_lines_once(fn, body, timeout, limit, too_long)
    finally:
        asyncio_logger.removeHandler(stolen)
    if stolen.seen:
        raise AssertionError(
            "the child was reaped behind the loop's back: you called os.waitpid on it "
            "yourself, so the loop's child watch found no exit status to read (the Process "
            "reports returncode 255), and a waitpid without WNOHANG can block the loop. "
            "After kill(), `await proc.wait()`: the loop reaps the child and wait() returns "
            "its returncode")
    return result, state, elapsed


def _run_and_clean_up(main: Any, pidfile: str) -> Any:
    """Run ``main`` on a loop that records every child it starts; then kill and reap
    them all, and the child named in ``pidfile``, whatever the answer did."""
    started: list[int] = []
    try:
        return run_in_loop(main, loop_factory=_recording_loop(started),
                           clock=MonotonicClock(), max_iterations=200_000)
    finally:
        for child in {_read_pid(pidfile), *started} - {None}:
            _cleanup_child(child)


def _run_lines_once(fn: Any, body: str, timeout: float, limit: float,
                    too_long: str) -> tuple[Any, tuple[str, str], float]:
    with tempfile.TemporaryDirectory(prefix="toyloop-ex7-") as tmp:
        pidfile = os.path.join(tmp, "pid")
        argv = _child(body, pidfile)
        at_return: list[str] = []
        after: list[str] = []

        async def call() -> Any:
            result = await fn(argv, timeout)
            # In the same step as the return: the loop's child watch cannot have run.
            pid = _read_pid(pidfile)
            at_return.append(_pid_state_now(pid) if pid else "never ran")
            return result

        async def main() -> Any:
            task = asyncio.ensure_future(call())
            done, _ = await asyncio.wait([task], timeout=limit)
            if not done:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                raise AssertionError(
                    f"read_lines(argv, timeout={timeout}) was still running after "
                    f"{limit} s: {too_long}")
            # The child's exit (its pidfd) may be seen before its pipes' EOF: give the
            # pipe transports a moment to close, so none outlives the loop.
            await asyncio.sleep(0.05)
            # Looked at before the checker's cleanup closes what the answer left open
            # (closing a subprocess transport kills its child).
            pid = _read_pid(pidfile)
            after.append(await _pid_state_soon(pid) if pid else "never ran")
            if isinstance(task.exception(), TimeoutError):
                raise AssertionError(
                    f"read_lines(argv, timeout={timeout}) let TimeoutError out, and the "
                    f"child was {after[0]} then. Catch the TimeoutError that "
                    "asyncio.wait_for (or asyncio.timeout) raises, the built-in one (not "
                    "subprocess.TimeoutExpired), then kill the child, reap it and return "
                    "the lines read so far")
            return task.result()

        start = time.monotonic()
        result = _run_and_clean_up(main, pidfile)
        elapsed = time.monotonic() - start
        pid = _read_pid(pidfile)
    if pid is None:
        return result, ("never ran", "never ran"), elapsed
    return result, (at_return[0] if at_return else "gone", after[0]), elapsed


def _check_shape(result: Any) -> tuple[list, Any]:
    assert isinstance(result, tuple) and len(result) == 2, (
        f"read_lines returned {result!r}; it should return a tuple (lines, returncode)")
    lines, code = result
    assert isinstance(lines, list), f"lines should be a list, got {type(lines).__name__}"
    assert all(isinstance(line, str) for line in lines), (
        f"lines holds {lines!r}: decode each line to str (line.decode())")
    assert not any(line.endswith("\n") for line in lines), (
        f"lines holds {lines!r}: strip the '\\n' that ends each line")
    return lines, code


def _check_ran(state: tuple[str, str]) -> None:
    assert state[0] != "never ran", (
        "the program in argv never ran as given (its first statement writes a file, and "
        "no file was written): pass argv's items as separate arguments, "
        "create_subprocess_exec(*argv). Joined into one command line for a shell, an "
        "argument with spaces or newlines in it (here: Python code) is cut into pieces")


def _check_lines(lines: list, expected: list, what: str) -> None:
    """``lines == expected``, or a message that names how they differ."""
    if lines == expected:
        return
    if lines != expected[:len(lines)] and "".join(lines) == "".join(expected):
        raise AssertionError(
            f"{what}; you returned {lines!r}: the same text, split in other places. A "
            "read() returns whatever bytes have arrived, and a line can arrive in pieces: "
            "read line by line with readline() (or `async for line in proc.stdout`)")
    raise AssertionError(f"{what}; you returned {lines!r}")


def _check_awaited(code: Any) -> None:
    assert code is not None, (
        "returncode is None: the child's exit was never awaited (EOF on its stdout does "
        "not mean it has exited). await proc.wait() (it also reaps the child)")


def _check_reaped(state: tuple[str, str], what: str) -> None:
    at_return, later = state
    assert later != "running", (
        f"{what}, the child was still running when read_lines returned: kill() it")
    assert at_return == "gone", (
        f"{what}, the child had not been reaped when read_lines returned (it was a zombie, "
        "or still dying): await proc.wait() after kill(), so that it is gone and its "
        "exit status collected before you return")


def case_three_lines(fn: Any) -> None:
    """a child that prints three lines and exits"""
    result, state, _ = _run_lines(fn, "print('alpha'); print('beta'); print('gamma')", 5, 4)
    _check_ran(state)
    lines, code = _check_shape(result)
    _check_lines(lines, ["alpha", "beta", "gamma"], "the child printed alpha, beta, gamma")
    _check_awaited(code)
    assert code == 0, f"the child exited with 0, you returned returncode {code!r}"
    _check_reaped(state, "after a normal exit")


# Waits until the parent has taken what the child wrote out of its stdout pipe (FIONREAD
# counts the bytes not yet read), at most 2 s; stdout that is not a pipe counts as read.
_WAIT_DRAINED = """
import fcntl, struct, termios
def wait_drained():
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            if not struct.unpack('i', fcntl.ioctl(1, termios.FIONREAD, bytes(4)))[0]:
                return
        except OSError:
            return
        time.sleep(0.01)
"""

# Half a line, and once the reader has it, a pause and the rest: a reader that splits
# each read() into lines cuts 'half' in two (the pause is long enough for the reading
# task to take the first piece on its own, even on a loaded machine).
_HALF_A_LINE = _WAIT_DRAINED + """
sys.stdout.write('x\\nha'); sys.stdout.flush()
wait_drained()
time.sleep(0.25)
sys.stdout.write('lf\\ny'); sys.stdout.flush(); sys.exit(3)
"""


def case_exit_status(fn: Any) -> None:
    """the child's exit status, a line written in two pieces, a last line without '\\n'"""
    result, state, _ = _run_lines(fn, _HALF_A_LINE, 5, 4)
    _check_ran(state)
    lines, code = _check_shape(result)
    if lines == ["x", "half"]:
        raise AssertionError(
            f"the child wrote 'x\\nhalf\\ny' (no newline at the end), you returned "
            f"{lines!r}: an unfinished last line is still a line")
    _check_lines(lines, ["x", "half", "y"],
                 "the child wrote 'x\\nha', then 'lf\\ny' (no newline at the end)")
    _check_awaited(code)
    assert code == 3, f"the child exited with status 3, you returned {code!r}"
    _check_reaped(state, "after the child exited")


def case_timeout_kills(fn: Any) -> None:
    """a child that prints one line, then hangs: killed at the timeout"""
    body = "print('first', flush=True); time.sleep(30)"
    # A timeout well above a Python child's start-up time, even on a loaded machine.
    result, state, elapsed = _run_lines(
        fn, body, 1.5, 5, "the child hangs after its first line, so only your timeout "
        "can end the reading. When it expires, kill the child")
    lines, code = _check_shape(result)
    assert lines == ["first"], (
        f"the child printed 'first' at once, then hung; you returned {lines!r}. Lines "
        "printed before the timeout must not be lost: read line by line (readline), not "
        "with communicate() or read(), which give nothing until the child ends, and keep "
        "each line where it outlives the timeout (a list made outside the coroutine that "
        "wait_for cancels: the list a cancelled coroutine would have returned is lost)")
    _check_reaped(state, "at the timeout")
    assert code != -signal.SIGTERM, (
        "returncode -15: terminate() sends SIGTERM, which a child may ignore; the exercise "
        "asks you to kill() it (SIGKILL, returncode -9)")
    assert code == -signal.SIGKILL, (
        f"the child was killed at the timeout, so its returncode is -9 (SIGKILL); you "
        f"returned {code!r}")
    assert elapsed < 4, (
        f"read_lines took {elapsed:.1f} s with timeout=1.5: the deadline was not kept")


def case_timeout_is_total(fn: Any) -> None:
    """a child that prints a line every 0.1 s forever: the timeout counts from the start"""
    body = ("n = 0\nwhile True:\n    print(n, flush=True)\n    n += 1\n"
            "    time.sleep(0.1)\n")
    result, state, _ = _run_lines(
        fn, body, 1.2, 4, "the child kept printing a line every 0.1 s. The timeout is "
        "for the whole run, counted from the start: a timeout on each readline() never "
        "fires while lines keep coming")
    lines, code = _check_shape(result)
    assert lines and lines == [str(n) for n in range(len(lines))], (
        f"the child printed 0, 1, 2, ... one a line; you returned {lines!r}")
    _check_reaped(state, "at the timeout")
    assert code == -signal.SIGKILL, (
        f"the child was killed at the timeout, so its returncode is -9; you returned {code!r}")


def _run_cancelled(fn: Any) -> tuple[dict, tuple[str, str]]:
    """Start ``fn`` on a child that hangs, cancel it once the child runs.

    Returns what became of the task ({"cancelled": True}, {"result": ...} or
    {"running": True}) and the child's state when ``fn`` finished and a moment later.
    """
    # The child says when its first line has left the pipe: by then the answer's
    # Process and pipes are set up, and a cancel lands in the answer's own code, not
    # inside create_subprocess_exec (which cleans up after itself).
    body = _WAIT_DRAINED + ("print('first', flush=True)\nwait_drained()\n"
                            "open(sys.argv[1] + '.read', 'w').close()\ntime.sleep(30)\n")
    with tempfile.TemporaryDirectory(prefix="toyloop-ex7-") as tmp:
        pidfile = os.path.join(tmp, "pid")
        argv = _child(body, pidfile)
        at_end: list[str] = []

        async def call() -> Any:
            try:
                return await fn(argv, 20)
            finally:  # in the step that finishes fn: the loop's watch has not run since
                pid = _read_pid(pidfile)
                at_end.append(_pid_state_now(pid) if pid else "never ran")

        async def main() -> tuple[dict, str]:
            task = asyncio.ensure_future(call())
            deadline = time.monotonic() + 5
            while not os.path.exists(pidfile + ".read") and not task.done() \
                    and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.05)  # into its reading
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=3)
            if not done:
                return {"running": True}, "running"
            outcome = ({"cancelled": True} if task.cancelled()
                       else {"error": task.exception()} if task.exception() is not None
                       else {"result": task.result()})
            await asyncio.sleep(0.05)
            pid = _read_pid(pidfile)
            return outcome, (await _pid_state_soon(pid) if pid else "never ran")

        outcome, later = _run_and_clean_up(main, pidfile)
    return outcome, (at_end[0] if at_end else "running", later)


def case_cancelled(fn: Any) -> None:
    """read_lines cancelled by its caller while the child runs"""
    outcome, (at_end, later) = _run_cancelled(fn)
    assert not outcome.get("running"), (
        "read_lines was cancelled, and 3 s later it had still not finished: a cancel must "
        "end it (after killing and reaping the child)")
    if "error" in outcome:
        raise outcome["error"]
    assert later != "running", (
        "read_lines was cancelled (as asyncio.wait_for or a TaskGroup cancels it), and the "
        "child was still running afterwards: kill it on cancellation too, not only on "
        "TimeoutError (try/finally, or `except BaseException:` ... `raise`)")
    assert at_end == "gone", (
        "read_lines was cancelled, and when it ended the child had been killed but not "
        "reaped: await proc.wait() after kill() in that cleanup too")
    assert outcome.get("cancelled"), (
        f"read_lines was cancelled and returned {outcome.get('result')!r} instead of "
        "letting the cancellation through: your code swallowed the CancelledError. Clean "
        "up the child, then re-raise it, so that the caller's cancel works")


lines_exercise = Exercise(
    "read_lines",
    cases=[case_three_lines, case_exit_status, case_timeout_kills, case_timeout_is_total,
           case_cancelled],
    hint=[
        "asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE) gives a "
        "Process; `await proc.stdout.readline()` returns one line, b'' at the end.",
        "Put the reading loop in a coroutine of its own and give the whole of it to "
        "asyncio.wait_for(..., timeout): the deadline then counts from the start.",
        "On TimeoutError, proc.kill(); then, in every case, `await proc.wait()`: it "
        "returns the returncode and reaps the child. If read_lines itself is cancelled, "
        "kill and reap the child too, then re-raise the CancelledError.",
    ],
    solution=read_lines, timeout=15.0, label="ch7.lines_exercise")


# ===========================================================================
# Exercise 2: STARTTLS
# ===========================================================================


@functools.lru_cache(maxsize=1)
def _ca() -> Any:
    import trustme

    return trustme.CA()


@functools.lru_cache(maxsize=1)
def _contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context): a certificate for localhost and a CA trusting it."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _ca().issue_cert("localhost").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    _ca().configure_trust(client_ctx)
    return server_ctx, client_ctx


def _fresh_client_context() -> ssl.SSLContext:
    """A client context trusting the CA, new for each run: an answer may change the one
    it is given (turn verification off, say), and must not change the next case's."""
    client_ctx = ssl.create_default_context()
    _ca().configure_trust(client_ctx)
    return client_ctx


@functools.lru_cache(maxsize=1)
def _other_name_context() -> ssl.SSLContext:
    """A server context whose certificate, from the same CA, is for another name."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _ca().issue_cert("someone-else.invalid").configure_cert(server_ctx)
    return server_ctx


async def starttls_client(port: int, context: ssl.SSLContext) -> bytes:
    """Read the greeting, ask for STARTTLS, upgrade, send the secret, return the answer."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        await reader.readline()  # the greeting
        writer.write(b"STARTTLS\n")
        answer = await reader.readline()
        if not answer.startswith(b"220"):
            raise ConnectionError(f"the server refused STARTTLS: {answer!r}")
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()


class _StartTLSServer:
    """The server side of the exercise: records what it saw, in plain text and in TLS."""

    def __init__(self, greeting: list[bytes], refuse: bool = False,
                 context: ssl.SSLContext | None = None) -> None:
        self.greeting = greeting
        self.refuse = refuse  # answer 454 to STARTTLS, then only listen
        self.context = context or _contexts()[0]
        self.events: list[str] = []
        self.plain: list[bytes] = []
        self.secret: bytes | None = None  # the line received over TLS, if any
        self.tls_error: ssl.SSLError | None = None  # after the handshake
        self.closed_at_return: bool | None = None
        self.client_closed = asyncio.get_running_loop().create_future()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            await self._converse(reader, writer)
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError) as exc:
            self.events.append(f"server error: {type(exc).__name__}")
            if isinstance(exc, ssl.SSLError) and "tls" in self.events:
                self.tls_error = exc
        finally:
            if not self.client_closed.done():
                self.client_closed.set_result(False)
            # The loop is closed when the case was stopped (a blocking answer) and the
            # garbage collector closes this coroutine: nothing left to say goodbye to, and
            # an await here would only print "coroutine ignored GeneratorExit".
            if not loop.is_closed():
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

    async def _converse(self, reader: Any, writer: Any) -> None:
        for line in self.greeting:
            writer.write(line)
            await writer.drain()
            await asyncio.sleep(0.01)
        line = await self._line(reader)
        self.plain.append(line)
        if line is None:
            return
        if line != b"STARTTLS\n":
            self.events.append("no STARTTLS")
            writer.write(b"500 say STARTTLS first\n")
            return
        await asyncio.sleep(0.01)  # so a client that does not wait for 220 runs ahead
        if self.refuse:
            writer.write(b"454 TLS not available\n")
            while (line := await self._line(reader)) is not None and line:
                self.plain.append(line)  # whatever comes now comes in plain text
            return
        writer.write(b"220 go ahead\n")
        self.events.append("220")
        await writer.drain()
        self.plain.append(bytes(reader._buffer))  # sent before the upgrade: plain text
        await writer.start_tls(self.context)
        self.events.append("tls")
        secret = await self._line(reader)
        if secret is None:
            return
        self.secret = secret
        writer.write(b"250 secret received\n" if secret == b"SECRET\n"
                     else b"501 expected SECRET, got " + secret.strip() + b"\n")
        await writer.drain()
        with contextlib.suppress(TimeoutError):
            self.client_closed.set_result(await asyncio.wait_for(reader.read(), 2) == b"")

    async def _line(self, reader: asyncio.StreamReader) -> bytes | None:
        """One line, or None (and a note) if no whole line comes within a second."""
        try:
            return await asyncio.wait_for(reader.readline(), 1.0)
        except TimeoutError:
            self.events.append("no whole line")
            return None


def _run_starttls(fn: Any, greeting: list[bytes],
                  **server: Any) -> tuple[Any, _StartTLSServer]:
    """Run ``fn`` against the server; a StreamWriter it never closed raises AssertionError.

    On 3.13+ asyncio closes a StreamWriter that is garbage-collected while open
    (with a ResourceWarning), so the server sees a close the learner never made:
    the warning is the evidence.
    """
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", ResourceWarning)
        result = _run_starttls_loop(fn, greeting, **server)
        gc.collect()
    if any("unclosed <StreamWriter" in str(w.message) for w in record):
        raise AssertionError(
            "your StreamWriter was never closed: the connection closed only when Python "
            "threw the writer away. Close it yourself: writer.close(), then await "
            "writer.wait_closed()")
    return result


def _run_starttls_loop(fn: Any, greeting: list[bytes],
                       **server_options: Any) -> tuple[Any, _StartTLSServer]:
    async def main() -> Any:
        server_state = _StartTLSServer(greeting, **server_options)
        server = await asyncio.start_server(server_state.handle, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        answer: Any = None
        try:
            answer = await fn(port, _fresh_client_context())
        except Exception as exc:  # the server's evidence first, then the error
            answer = exc
        # Has the close reached the server by now?  After writer.close() and
        # wait_closed() it has: TLS's close waits for the server's close_notify,
        # which the server sends once it has seen ours.
        server_state.closed_at_return = server_state.client_closed.done()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(server_state.client_closed), 3.0)
        finally:
            server.close()
            await server.wait_closed()
        return answer, server_state

    return run_in_loop(main, loop_factory=EventLoop, clock=VirtualClock(),
                       max_iterations=50_000)


def _check_plain(server: _StartTLSServer, answer: Any) -> None:
    if any(line and b"SECRET" in line for line in server.plain):
        raise AssertionError(
            "the server received SECRET in plain text, before the upgrade: anyone on the "
            "path could read it. Send STARTTLS, wait for its 220 answer, await "
            "writer.start_tls(...), and only then send the secret")
    first = server.plain[0] if server.plain else None
    if first and first.startswith(b"\x16\x03"):
        raise AssertionError(
            "where the server expected the line b'STARTTLS\\n' it received a TLS "
            "ClientHello: ssl= in open_connection starts TLS at once, but this server "
            "speaks plain text until STARTTLS. Connect without ssl=, then start_tls")
    assert "no STARTTLS" not in server.events, (
        f"the server expected the line b'STARTTLS\\n' and got {first[:40]!r}")
    assert "no whole line" not in server.events, (
        "the server waited a second for a whole line and none came: end every line you "
        "send with '\\n' (b'STARTTLS\\n', b'SECRET\\n')")
    if server.tls_error is not None and not server.secret:
        raise AssertionError(
            "after the TLS handshake the server received bytes that were not TLS records "
            f"({server.tls_error.reason}): your secret went out in plain text, on the "
            "connection's raw transport. After loop.start_tls(), write only to the "
            "transport it returns; `await writer.start_tls(...)` does that switch for "
            "the StreamWriter")
    if isinstance(answer, ssl.SSLCertVerificationError):
        raise AssertionError(
            f"the server's certificate was not accepted ({answer.verify_message}): use the "
            "context you were given, with server_hostname='localhost' (the name in the "
            "certificate)")
    if isinstance(answer, ssl.SSLError):
        raise AssertionError(
            f"the TLS handshake failed ({type(answer).__name__}: {answer.reason}): your TLS "
            "layer read bytes that are not TLS. Until the server's 220 answer to STARTTLS, "
            "it speaks plain text: read its lines one by one with readline() (the greeting, "
            "then the 220) before start_tls. (ssl= in open_connection starts TLS at once; "
            "here it must wait for STARTTLS)")
    if isinstance(answer, Exception) and "220" in server.events and "tls" not in server.events \
            and server.greeting and b"".join(server.greeting).strip() in str(answer).encode():
        raise AssertionError(
            f"your code stopped with {type(answer).__name__}: {answer} -- that is the "
            "server's greeting, which you took for its answer to STARTTLS (the server did "
            "answer 220). The greeting comes first, when you connect: read it with "
            "readline(), then send STARTTLS and read the next line")
    if isinstance(answer, BaseException):
        raise answer


def case_upgrade(fn: Any) -> None:
    """greeting, STARTTLS, upgrade, secret, answer"""
    answer, server = _run_starttls(fn, [b"200 plain hello\n"])
    _check_plain(server, answer)
    assert "tls" in server.events, (
        "the server never completed a TLS handshake with you: call "
        "`await writer.start_tls(context, server_hostname='localhost')` after the 220")
    assert isinstance(answer, bytes), (
        f"return the server's answer line as bytes, got {type(answer).__name__}: {answer!r}")
    assert answer == b"250 secret received\n", (
        f"you returned {answer!r}; the server's answer to SECRET over TLS is "
        "b'250 secret received\\n'. Read one line per server line: the greeting, the 220 "
        "answer to STARTTLS, then the answer to SECRET")
    assert server.client_closed.done() and server.client_closed.result() is True, (
        "the server never saw you close the connection: writer.close(), then "
        "await writer.wait_closed()")
    assert server.closed_at_return, (
        "your function returned before the connection was closed: writer.close() only "
        "starts closing (TLS sends its close_notify and waits for the server's). "
        "await writer.wait_closed() before you return")


def case_refused(fn: Any) -> None:
    """a server that answers 454 to STARTTLS: no TLS, so no secret"""
    answer, server = _run_starttls(fn, [b"200 plain hello\n"], refuse=True)
    if any(line and b"SECRET" in line for line in server.plain):
        raise AssertionError(
            "the server answered 454 (TLS not available) to STARTTLS, and you sent SECRET "
            "anyway, in plain text: anyone on the path could read it. When the answer does "
            "not start with 220, send nothing more and raise an error")
    assert isinstance(answer, BaseException), (
        f"the server answered 454 (TLS not available) to STARTTLS, and your function "
        f"returned {answer!r} as if all went well: raise an error (ConnectionError, say), "
        "so that the caller knows the secret was not delivered")


def case_wrong_certificate(fn: Any) -> None:
    """a server whose certificate is for another name: the upgrade must fail"""
    answer, server = _run_starttls(fn, [b"200 plain hello\n"],
                                   context=_other_name_context())
    if server.secret is not None:
        raise AssertionError(
            "the server's certificate is for 'someone-else.invalid', not 'localhost', and "
            "you sent it the secret: the name in the certificate was never checked. Pass "
            "server_hostname='localhost' to start_tls, and keep the context's verification "
            "on (check_hostname, verify_mode): without them any certificate from a trusted "
            "CA passes, whoever holds it")
    if isinstance(answer, ssl.SSLCertVerificationError):
        return
    assert isinstance(answer, BaseException), (
        f"the server's certificate is for another name, so the handshake failed "
        f"(SSLCertVerificationError), and your function returned {answer!r}: let the "
        "error propagate, so that the caller knows the secret was not sent")


def case_greeting_in_two_lines(fn: Any) -> None:
    """a greeting of one line, sent in two pieces"""
    answer, server = _run_starttls(fn, [b"200 plain ", b"hello, in two pieces\n"])
    _check_plain(server, answer)
    assert answer == b"250 secret received\n", (
        f"with the greeting sent in two pieces you returned {answer!r}: read lines "
        "(readline()), not whatever read(n) happens to return")


starttls_exercise = Exercise(
    "starttls_client",
    cases=[case_upgrade, case_greeting_in_two_lines, case_refused, case_wrong_certificate],
    hint=[
        "asyncio.open_connection(HOST, port) gives a reader and a writer; the "
        "conversation is one line at a time: readline() for each line the server sends.",
        "After the 220 answer: `await writer.start_tls(context, server_hostname='localhost')` "
        "runs the handshake on the same connection; the reader and writer then speak TLS.",
        "Close in a finally: writer.close(), then await writer.wait_closed().",
    ],
    solution=starttls_client, label="ch7.starttls_exercise")


# ===========================================================================
# Exercise 3 (build): MiniTLSProtocol's data_received and _do_handshake
# ===========================================================================


class SolutionTLSProtocol(MiniTLSProtocol):
    """The learner's two methods, as ``toyloop.ch7_tls.MiniTLSProtocol`` writes them."""

    def data_received(self, data: bytes) -> None:
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":  # not elif: the same bytes may also hold app data
            self._read_app_data()

    def _do_handshake(self) -> None:
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()  # our next flight, then wait for the peer's
            return
        except ssl.SSLError as exc:
            self._flush()  # the alert
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()  # our last flight (a client's Finished)
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()


class _Wire:
    """A fake transport that keeps what the TLS layer writes."""

    def __init__(self) -> None:
        self.written = bytearray()
        self.closed = False
        self.after_close = bytearray()  # a real transport drops these

    def write(self, data: bytes) -> None:
        if self.closed:
            self.after_close += data
        self.written += data

    def take(self) -> bytes:
        data, self.written = bytes(self.written), bytearray()
        return data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


class _App(asyncio.Protocol):
    def __init__(self) -> None:
        self.made: list[Any] = []
        self.data = bytearray()

    def connection_made(self, transport: Any) -> None:
        self.made.append(transport)

    def data_received(self, data: bytes) -> None:
        self.data += data


class _Peer:
    """The other end in memory: an SSLObject and its two BIOs."""

    def __init__(self, server_side: bool, trusting: bool = True) -> None:
        server_ctx, client_ctx = _contexts()
        ctx = server_ctx if server_side else (client_ctx if trusting
                                              else ssl.create_default_context())
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = ctx.wrap_bio(self.incoming, self.outgoing, server_side=server_side,
                                server_hostname=None if server_side else "localhost")
        self.done = False

    def step(self, data: bytes) -> bytes:
        """Feed the peer ``data``, move its handshake on; what it sends back."""
        self.incoming.write(data)
        if not self.done:
            try:
                self.obj.do_handshake()
                self.done = True
            except ssl.SSLWantReadError:
                pass
        return self.outgoing.read()

    def read(self) -> bytes:
        out = bytearray()
        try:
            while chunk := self.obj.read(65536):
                out += chunk
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLError as exc:
            raise AssertionError(
                f"the peer could not decrypt what you sent ({type(exc).__name__}): the "
                "bytes were not TLS records. Write application data with self.write(data), "
                "which encrypts it, never with self._transport.write(data)") from None
        return bytes(out)


def _make(cls: Any, server_side: bool, trusting: bool = True) -> tuple[Any, _App, Any, _Wire]:
    server_ctx, client_ctx = _contexts()
    app, done, wire = _App(), concurrent.futures.Future(), _Wire()
    ctx = server_ctx if server_side else (client_ctx if trusting
                                          else ssl.create_default_context())
    proto = cls(ctx, app, server_side=server_side,
                server_hostname=None if server_side else "localhost", handshake_done=done)
    return proto, app, done, wire


def _feed(proto: Any, data: bytes, one_byte: bool) -> None:
    if one_byte:
        for i in range(len(data)):
            proto.data_received(data[i:i + 1])
    elif data:
        proto.data_received(data)


def _client_handshake(cls: Any, one_byte: bool = False) -> tuple[Any, _App, Any, _Wire, _Peer]:
    """The learner's class as a client, against an in-memory server."""
    proto, app, done, wire = _make(cls, server_side=False)
    proto.connection_made(wire)
    hello = wire.take()
    assert hello, (
        "connection_made() ran your _do_handshake(), and nothing was written to the "
        "transport: the ClientHello sits in the outgoing BIO. When do_handshake() raises "
        "SSLWantReadError, flush the outgoing BIO (self._flush()) before returning")
    assert hello[:1] == b"\x16", (
        "the first bytes written are not a TLS handshake record: write what the "
        "outgoing BIO holds (self._flush()), nothing else")
    assert not app.made, (
        "the application was told connection_made before the handshake finished: call it "
        "only when do_handshake() returns without raising")
    peer = _Peer(server_side=True)
    flight = peer.step(hello)
    _feed(proto, flight, one_byte)
    echoed = bytes(wire.written).startswith(flight[:64])
    if proto._state == "handshake" and (echoed or proto._outgoing.pending):
        raise AssertionError(
            "the server's bytes went into the outgoing BIO: data_received is handed "
            "ciphertext *from* the peer, so write it into self._incoming")
    return proto, app, done, wire, peer


def _check_open(proto: Any, app: _App, done: Any, wire: _Wire, peer: _Peer) -> None:
    assert not (done.done() and done.exception() is not None), (
        f"the handshake was reported failed: {done.exception()!r}. Only an SSLError other "
        "than SSLWantReadError is a failure; SSLWantReadError just means 'wait for more bytes'")
    assert proto._state == "open", (
        f"after the server's flight the handshake is done, but self._state is "
        f"{proto._state!r}: set it to 'open' when do_handshake() returns")
    assert len(app.made) == 1, (
        f"the application's connection_made was called {len(app.made)} times; it should "
        "be called once, when the handshake finishes")
    assert app.made[0] is proto._app_transport, (
        "connection_made should be given self._app_transport (what the application writes "
        "to), not the socket transport below")
    assert done.done() and done.exception() is None, (
        "the handshake finished but handshake_done was not set: call "
        "self._finish_handshake(None)")
    tickets = peer.step(wire.take())
    assert peer.done, (
        "your side thinks the handshake is done, but the server never got your Finished: "
        "flush the outgoing BIO after do_handshake() succeeds too")
    proto.data_received(tickets)  # TLS 1.3 session tickets: after the handshake
    assert len(app.made) == 1, (
        f"after more bytes arrived on the open connection, the application's "
        f"connection_made had been called {len(app.made)} times; it should be called once: "
        "run the handshake step only while the state is 'handshake'")
    _check_app_data(proto, app, peer)


def _check_app_data(proto: Any, app: _App, peer: _Peer) -> None:
    """Two records of application data in one data_received call, once the handshake is done."""
    before = bytes(app.data)
    peer.obj.write(b"two ")
    peer.obj.write(b"records")  # each write() is a record of its own
    proto.data_received(peer.outgoing.read())
    got = bytes(app.data)[len(before):]
    if got == b"two records":
        return
    assert got, (
        "once the handshake was done, the server sent application data and the "
        "application got nothing" + (
            ": the bytes wait undecrypted in self._incoming. Call self._read_app_data() "
            "when the state is 'open'" if proto._incoming.pending else
            ": the bytes never reached self._incoming. data_received must write every "
            "chunk it gets into self._incoming, in every state, then decrypt"))
    assert not got.startswith(b"\x17\x03\x03"), (
        f"the application got {got[:20]!r}...: that is ciphertext (TLS records). Decrypt "
        "with self._read_app_data(), which hands the plain text to the application")
    assert got != b"two ", (
        "two TLS records came in one data_received call and the application got only the "
        "first, b'two ': one read() decrypts one record. Decrypt until SSLWantReadError, "
        "as self._read_app_data() does")
    raise AssertionError(
        f"the server sent b'two records' in two records; the application got {got!r}")


def case_client_hello(cls: Any) -> None:
    """connection_made sends the ClientHello and waits"""
    proto, app, done, wire = _make(cls, server_side=False)
    proto.connection_made(wire)
    assert wire.written, (
        "connection_made() ran your _do_handshake(), and nothing was written to the "
        "transport: when do_handshake() raises SSLWantReadError, flush the outgoing BIO "
        "(self._flush()) before returning, or the server never hears from you")
    if done.done() and isinstance(done.exception(), ssl.SSLWantReadError):
        raise AssertionError(
            "after the ClientHello, handshake_done was failed with SSLWantReadError: your "
            "code took 'wait for the peer's bytes' for a failure. SSLWantReadError is a "
            "subclass of ssl.SSLError, so an `except ssl.SSLError` clause placed before "
            "`except ssl.SSLWantReadError` catches it too: put the SSLWantReadError "
            "clause first")
    assert proto._state == "handshake" and not done.done() and not app.made, (
        "after the ClientHello nothing is finished: SSLWantReadError means 'wait for the "
        "peer's bytes', so leave the state 'handshake', do not set handshake_done and do "
        "not tell the application yet")


def case_handshake_whole_flights(cls: Any) -> None:
    """client: the server's flight in one data_received call"""
    proto, app, done, wire, peer = _client_handshake(cls)
    _check_open(proto, app, done, wire, peer)


def case_handshake_one_byte(cls: Any) -> None:
    """client: the server's flight one byte at a time"""
    proto, app, done, wire, peer = _client_handshake(cls, one_byte=True)
    _check_open(proto, app, done, wire, peer)


def case_data_with_finished(cls: Any) -> None:
    """server: the client's Finished and its first data in the same chunk"""
    proto, app, done, wire = _make(cls, server_side=True)
    proto.connection_made(wire)
    client = _Peer(server_side=False)
    proto.data_received(client.step(b""))           # ClientHello
    finished = client.step(wire.take())              # the client finishes here
    assert client.done, "the server's flight did not complete the client's handshake"
    client.obj.write(b"ping")
    proto.data_received(finished + client.outgoing.read())
    assert proto._state == "open" and len(app.made) == 1, (
        f"as a server, after the client's Finished the state is {proto._state!r} and the "
        f"application was told connection_made {len(app.made)} times")
    assert b"ping" in bytes(app.data) or not app.data, (
        f"the application got {bytes(app.data)[:20]!r}...: that is ciphertext. Decrypt "
        "with self._read_app_data(), which hands the plain text to the application")
    assert bytes(app.data) == b"ping", (
        f"the client's Finished and its first data came in one data_received call, and the "
        f"application got {bytes(app.data)!r} instead of b'ping'. Once the handshake is done "
        "in this call, decrypt what is left too: `if self._state == 'open'` after the "
        "handshake step, not `elif`")


def case_pending_writes(cls: Any) -> None:
    """writes made during the handshake go out after it, encrypted"""
    proto, app, done, wire = _make(cls, server_side=False)
    proto.connection_made(wire)
    proto.write(b"early bird")
    peer = _Peer(server_side=True)
    proto.data_received(peer.step(wire.take()))
    peer.step(wire.take())
    got = peer.read()
    assert got == b"early bird", (
        f"write(b'early bird') came during the handshake; after it the server read {got!r}. "
        "Once the handshake is done, write out self._pending_writes (with self.write) and "
        "clear the list")


def case_handshake_fails(cls: Any) -> None:
    """a certificate the client does not trust: the handshake fails"""
    proto, app, done, wire = _make(cls, server_side=False, trusting=False)
    proto.connection_made(wire)
    peer = _Peer(server_side=True)
    try:
        proto.data_received(peer.step(wire.take()))
    except ssl.SSLError as exc:
        raise AssertionError(
            f"{type(exc).__name__} escaped from data_received: catch ssl.SSLError in "
            "_do_handshake, and report it through self._finish_handshake(exc)") from None
    assert done.done() and isinstance(done.exception(), ssl.SSLCertVerificationError), (
        "the server's certificate is not trusted, so do_handshake() raised "
        "SSLCertVerificationError; handshake_done should carry it "
        "(self._finish_handshake(exc)), but it "
        + ("holds no error" if done.done() else "was never set"))
    assert not app.made, "the handshake failed, yet the application was told connection_made"
    assert proto._state == "closed", (
        f"after a failed handshake self._state is {proto._state!r}; set it to 'closed'")
    assert wire.closed, "after a failed handshake, close the transport below"
    assert not wire.after_close, (
        "after the failed handshake you wrote the alert to the transport after closing it: "
        "a closed transport drops what it is given. Flush first, then close")
    assert wire.written, (
        "the handshake failed and nothing was sent: the outgoing BIO holds the alert that "
        "tells the server why (a bad certificate). Flush it (self._flush()) before closing "
        "the transport, or the server only sees the connection drop")


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    data = await reader.readline()
    writer.write(data.upper() + b"z" * 100_000 + b"\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()


def case_real_sockets(cls: Any) -> None:
    """client over toyloop's transports, against asyncio's TLS server: 100 kB back"""
    async def main() -> tuple[Any, bytes]:
        loop = asyncio.get_running_loop()
        server = await asyncio.start_server(_echo, HOST, 0, ssl=_contexts()[0])
        port = server.sockets[0].getsockname()[1]
        app = _LineApp()
        done = loop.create_future()
        transport, _ = await loop.create_connection(
            lambda: cls(_contexts()[1], app, server_hostname="localhost",
                        handshake_done=done), HOST, port)
        try:
            try:
                await asyncio.wait_for(done, 5)
            except TimeoutError:
                raise AssertionError(
                    "over real sockets the TLS handshake had not finished after 5 s "
                    "(handshake_done was never set)") from None
            try:
                await asyncio.wait_for(app.lost, 5)
            except TimeoutError:
                raise AssertionError(
                    f"over real sockets the server sent 100007 bytes and closed; 5 s later "
                    f"the application had {len(app.data)} bytes and was never told "
                    "connection_lost: some of the data (and the close_notify behind it) "
                    "was never decrypted") from None
        finally:
            transport.close()
            server.close()
            await server.wait_closed()
        return bytes(app.data)

    data = run_in_loop(main, loop_factory=EventLoop, clock=VirtualClock(),
                       max_iterations=50_000)
    assert data.startswith(b"HELLO\n") and len(data) == 100_007, (
        f"over real sockets the server sent 100007 bytes starting b'HELLO\\n'; the "
        f"application got {len(data)} bytes starting {data[:12]!r}")


class _LineApp(asyncio.Protocol):
    def __init__(self) -> None:
        self.data = bytearray()
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        transport.write(b"hello\n")

    def data_received(self, data: bytes) -> None:
        self.data += data

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self.lost.done():
            self.lost.set_result(exc)


tls_engine_exercise = Exercise(
    "MiniTLSProtocol engine",
    cases=[case_client_hello, case_handshake_whole_flights, case_handshake_one_byte,
           case_data_with_finished, case_pending_writes, case_handshake_fails,
           case_real_sockets],
    hint=[
        "data_received: write the bytes into self._incoming; if the state is 'handshake', "
        "call self._do_handshake(); then, if the state is now 'open', "
        "self._read_app_data().",
        "_do_handshake has three outcomes of self._sslobj.do_handshake(): SSLWantReadError "
        "(flush, wait), another SSLError (flush the alert, state 'closed', "
        "_finish_handshake(exc), close the transport), or success.",
        "On success: flush, state 'open', self._app.connection_made(self._app_transport), "
        "self._finish_handshake(None), then write out and clear self._pending_writes.",
    ],
    solution=SolutionTLSProtocol, label="ch7.tls_engine_exercise")


# ===========================================================================
# Exercise 4 (build): the loop's child watch, a pidfd in the selector
# ===========================================================================


class SolutionWatchLoop(EventLoop):
    """The learner's two methods, as ``toyloop.ch7_unix.EventLoop`` writes them."""

    def _watch_child(self, pid: int, transp: Any) -> None:
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid  # so that close() can close it
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd: int, pid: int, transp: Any) -> None:
        self._remove_reader(pidfd)  # an exited child's pidfd stays readable
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)  # cannot block: the child has exited
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)


def _open_pidfds() -> set[int]:
    found = set()
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if "pidfd" in os.readlink(f"/proc/self/fd/{name}"):
                found.add(int(name))
    return found


def _guarded(loop_class: Any) -> Any:
    """The learner's loop class, but a ``_watch_child`` that raises leaves no child behind.

    The child is already running when ``_watch_child`` is called; if it raises (a stub
    still raising NotImplementedError, say), nobody would reap it or close its transport.
    """
    class Guarded(loop_class):  # type: ignore[misc, valid-type]
        # what went wrong on another thread, to be reported after the run
        problems: list[str] = []

        def _watch_child(self, pid: int, transp: Any) -> None:
            self._check_thread_of(transp)
            try:
                super()._watch_child(pid, transp)
            except BaseException as exc:
                with contextlib.suppress(Exception):
                    transp._proc.kill()
                    transp._proc.wait()
                with contextlib.suppress(Exception):
                    transp.close()
                if isinstance(exc, OSError) and exc.errno == errno.EBADF:
                    raise AssertionError(
                        f"_watch_child failed with OSError: {exc}: a number that is not an "
                        "open file descriptor went to the selector. A pid is not an fd: "
                        "open the child's pidfd, pidfd = os.pidfd_open(pid), and watch "
                        "that with self._add_reader(pidfd, ...)") from None
                raise

        def _check_thread_of(self, transp: Any) -> None:
            """The transport is not thread-safe: note an exit reported from another
            thread, and deliver it on the loop's thread, as it should have been."""
            loop_thread = threading.get_ident()  # _watch_child runs on the loop's thread
            process_exited = transp._process_exited

            def checked(returncode: int) -> None:
                if threading.get_ident() == loop_thread:
                    process_exited(returncode)
                    return
                Guarded.problems.append(
                    f"the exit was reported to the transport from another thread "
                    f"({threading.current_thread().name}): transp._process_exited, like "
                    "everything on the loop, must run on the loop's thread. From a "
                    "thread, go through self._child_watcher_callback(pid, returncode, "
                    "transp), which uses call_soon_threadsafe (better: watch a pidfd "
                    "with self._add_reader, no thread at all)")
                with contextlib.suppress(RuntimeError):  # the loop may be closed
                    self.call_soon_threadsafe(process_exited, returncode)

            transp._process_exited = checked

        def close(self) -> None:
            # close() closes every pidfd still in _child_pidfds.  An entry whose child
            # is already reaped is a stale record (case_exit_code names that mistake):
            # its fd was closed by the learner, and its number may belong to something
            # else by now, so closing it again would close a stranger's fd.
            pidfds = getattr(self, "_child_pidfds", {})
            for pidfd, pid in list(pidfds.items()):
                if _pid_state_now(pid) == "gone":
                    del pidfds[pidfd]
            super().close()

    Guarded.__name__ = Guarded.__qualname__ = loop_class.__name__
    return Guarded


def _run_children(loop_class: Any, bodies: list[str], main_for: Any,
                  leaks: bool = True) -> Any:
    """Run ``main_for(argvs)`` on ``loop_class``; every child is killed and reaped after."""
    with tempfile.TemporaryDirectory(prefix="toyloop-ex7-") as tmp:
        pidfiles = [os.path.join(tmp, f"pid{n}") for n in range(len(bodies))]
        argvs = [_child(body, pidfile) for body, pidfile in zip(bodies, pidfiles, strict=True)]
        pidfds_before = _open_pidfds()
        guarded = _guarded(loop_class)
        try:
            try:
                result = run_in_loop(lambda: main_for(argvs), loop_factory=guarded,
                                     clock=MonotonicClock(), max_iterations=200_000,
                                     leaks=leaks)
            except AssertionError:
                if guarded.problems:  # the cause, rather than what followed from it
                    raise AssertionError(guarded.problems[0]) from None
                raise
            if guarded.problems:
                raise AssertionError(guarded.problems[0])
        finally:
            left = _open_pidfds() - pidfds_before
            for pidfile in pidfiles:
                pid = _read_pid(pidfile)
                if pid:
                    _cleanup_child(pid)
            for fd in left:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if left:
            raise AssertionError(
                    "a pidfd was still open after the loop closed: close it in _pidfd_ready "
                    "once the child has exited, and record it in self._child_pidfds "
                    "(pidfd -> pid) while it is watched, so that close() closes the ones "
                "whose child is still running")
        return result


def _callback_error(context: dict) -> AssertionError:
    exc = context.get("exception")
    if isinstance(exc, ChildProcessError):
        return AssertionError(
            "os.waitpid raised ChildProcessError in your callback: no child with that pid "
            "was left to reap. Either this child was reaped already (a reader still "
            "registered for its pidfd calls you again: remove it first), or the number was "
            "not this child's pid (the pidfd, or another child's pid kept in an attribute "
            "the next child overwrote: pass pidfd, pid and transp as the callback's "
            "arguments)")
    return AssertionError(
        f"your callback raised {type(exc).__name__}: {exc}, so the exit was never reported")


async def _wait_reported(proc: Any, what: str) -> int:
    loop = asyncio.get_running_loop()
    errors: list[dict] = []
    previous = loop.get_exception_handler()

    def handler(loop: Any, context: dict) -> None:
        errors.append(context)
        if previous is not None:
            previous(loop, context)

    loop.set_exception_handler(handler)
    try:
        code = await asyncio.wait_for(proc.wait(), 3)
        if _pid_state_now(proc.pid) == "zombie":
            raise AssertionError(
                f"proc.wait() returned {code!r}, yet the child (pid {proc.pid}) was still "
                "a zombie, never reaped: your watch reaped another child of the process "
                "and reported its status (os.waitpid(-1, ...) takes whichever child exited "
                "first). Reap exactly the pid you were given, os.waitpid(pid, 0)")
        return code
    except TimeoutError:
        if errors:
            raise _callback_error(errors[0]) from None
        raise AssertionError(
            f"{what}, and proc.wait() had still not returned 3 s later: your watch never "
            "reported the exit. When the pidfd becomes readable, reap the child "
            "(os.waitpid(pid, 0)) and call self._child_watcher_callback(pid, returncode, "
            "transp)") from None


def _check_code(code: Any, expected: int) -> None:
    if code == expected:
        return
    if isinstance(code, int) and os.WIFEXITED(code) and expected >= 0 and code > 255 \
            and os.WEXITSTATUS(code) == expected:
        raise AssertionError(
            f"proc.wait() returned {code}, the raw wait status of a child that exited with "
            f"{expected}: turn it into a returncode with os.waitstatus_to_exitcode(status)")
    if expected == -signal.SIGKILL:
        raise AssertionError(
            f"the child was killed by SIGKILL, so its returncode is -9; proc.wait() "
            f"returned {code!r}. os.waitstatus_to_exitcode(status) gives -N for a child "
            "killed by signal N")
    if code == 0:
        raise AssertionError(
            f"proc.wait() returned 0, but the child exited with {expected}: you reported "
            "an exit before the child exited (waitpid(pid, os.WNOHANG) answers (0, 0) while "
            "it runs). Wait for the pidfd to become readable, then reap it")
    raise AssertionError(f"the child exited with {expected}, but proc.wait() returned {code!r}")


def case_exit_code(loop_class: Any) -> None:
    """a child that exits with 3"""
    async def main(argvs: list) -> tuple[int, dict]:
        proc = await asyncio.create_subprocess_exec(*argvs[0])
        code = await _wait_reported(proc, "the child exited at once")
        await asyncio.sleep(0.05)
        return code, dict(asyncio.get_running_loop()._child_pidfds)

    code, still_watched = _run_children(loop_class, ["sys.exit(3)"], main)
    _check_code(code, 3)
    assert not still_watched, (
        "after the child exited, its pidfd was still in self._child_pidfds: delete it in "
        "_pidfd_ready (close() would otherwise close that fd number a second time)")


def case_loop_stays_free(loop_class: Any) -> None:
    """the loop keeps running while a child sleeps 0.8 s"""
    async def main(argvs: list) -> tuple[int, int, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        loop = asyncio.get_running_loop()
        counter = _Iterations()
        proc = await asyncio.create_subprocess_exec(*argvs[0])
        loop.add_instrument(counter)
        task = asyncio.ensure_future(ticker())
        try:
            code = await _wait_reported(proc, "the child exited after 0.8 s")
        finally:
            loop.remove_instrument(counter)
        task.cancel()
        return code, ticks, counter.n

    code, ticks, iterations = _run_children(loop_class, ["time.sleep(0.8); sys.exit(4)"],
                                            main)
    _check_code(code, 4)
    assert ticks >= 5, (
        f"a task ticking every 0.05 s ticked only {ticks} times while the child ran for "
        "0.8 s: the loop was held up. Do not wait for the child; let the selector tell you")
    # A task ticking every 0.05 s for 0.8 s, and the child's exit: a few dozen iterations.
    assert iterations < _BUSY_ITERATIONS, (
        f"the loop ran {iterations} iterations while the child slept 0.8 s (a task ticking "
        "every 0.05 s needs a few dozen): it was kept busy polling the child, waking up "
        "again and again to ask (waitpid with WNOHANG, rescheduled with call_soon). Let "
        "the selector wait on the child's pidfd instead: it wakes the loop once, when the "
        "child exits")


_BUSY_ITERATIONS = 1000


class _Iterations:
    """An instrument that counts the loop's iterations."""

    def __init__(self) -> None:
        self.n = 0

    def before_run_once(self) -> None:
        self.n += 1


def case_killed(loop_class: Any) -> None:
    """a child killed with SIGKILL"""
    async def main(argvs: list) -> int:
        proc = await asyncio.create_subprocess_exec(*argvs[0])
        await asyncio.sleep(0.2)
        proc.kill()
        return await _wait_reported(proc, "the child was killed")

    _check_code(_run_children(loop_class, ["time.sleep(30)"], main), -signal.SIGKILL)


def case_three_children(loop_class: Any) -> None:
    """three children at once, exiting in another order than they started"""
    bodies = ["time.sleep(0.3); sys.exit(5)", "time.sleep(0.1); sys.exit(6)",
              "time.sleep(0.2); sys.exit(7)"]

    async def main(argvs: list) -> list:
        procs = [await asyncio.create_subprocess_exec(*argv) for argv in argvs]
        return list(await asyncio.gather(
            *(_wait_reported(p, "the children exited") for p in procs)))

    # A child of ours that has exited and that nobody has reaped yet, and no business of
    # the loop's: a watch that reaps "any child" (waitpid(-1)) takes it first.
    bystander = subprocess.Popen(["/bin/sh", "-c", "exit 42"])
    deadline = time.monotonic() + 5
    while _pid_state_now(bystander.pid) == "running" and time.monotonic() < deadline:
        time.sleep(0.005)
    try:
        codes = _run_children(loop_class, bodies, main)
    except AssertionError:
        _check_bystander(bystander)
        raise
    _check_bystander(bystander)
    assert codes == [5, 6, 7], (
        f"three children exited with 5, 6 and 7 (the second first); proc.wait() gave "
        f"{codes}: each exit must reach its own transport. Hand pidfd, pid and transp to "
        "the reader callback as arguments (add_reader(fd, callback, *args)), not through "
        "an attribute the next child overwrites")


def _check_bystander(bystander: subprocess.Popen) -> None:
    """Reap the bystander ourselves; fail if the answer's watch did it first."""
    stolen = _pid_state_now(bystander.pid) == "gone"
    with contextlib.suppress(ChildProcessError):
        os.waitpid(bystander.pid, 0)
    bystander.returncode = 42  # reaped, one way or the other: Popen must not wait again
    assert not stolen, (
        "your watch reaped another child of the process, one the loop was not watching "
        "(it had exited with 42): os.waitpid(-1, ...) takes whichever child exited first. "
        "Reap exactly the pid you were given, os.waitpid(pid, 0)")


def case_close_while_running(loop_class: Any) -> None:
    """the loop closes while a child still runs: its pidfd is closed too"""
    transports: list = []

    async def main(argvs: list) -> None:
        proc = await asyncio.create_subprocess_exec(*argvs[0])
        transports.append(proc._transport)

    try:  # the child's pidfd is *meant* to be registered when the loop closes
        _run_children(loop_class, ["time.sleep(30)"], main, leaks=False)
    finally:
        for transport in transports:
            with contextlib.suppress(Exception):
                transport.close()  # kills the child; _run_children reaped it


watch_exercise = Exercise(
    "child watch",
    cases=[case_exit_code, case_loop_stays_free, case_killed, case_three_children,
           case_close_while_running],
    hint=[
        "_watch_child: pidfd = os.pidfd_open(pid); record self._child_pidfds[pidfd] = pid; "
        "then self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp).",
        "_pidfd_ready: the child has exited. Stop watching (self._remove_reader(pidfd)), "
        "forget and close the pidfd, reap with os.waitpid(pid, 0) (it returns at once now).",
        "Then self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp): "
        "it hands the returncode to the transport on the loop's thread.",
    ],
    solution=SolutionWatchLoop, timeout=15.0, label="ch7.watch_exercise")
