"""Chapter 7: subprocesses, the same program on asyncio's loop and toyloop's.

The children are this Python (``sys.executable``) and ``/bin/sh``; none of them
sleeps for the test's sake except the one a timeout must interrupt, and that
one is killed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest
from differential.ch7_common import both, outcome, running_loop_is_toyloop

import toyloop
from toyloop import ch7_unix

PY = sys.executable
PIPE = asyncio.subprocess.PIPE
COUNT_LINES = "import sys\nfor i in range(5):\n    print('line', i, flush=True)\nsys.exit(3)"
UPPER = "import sys; sys.stdout.write(sys.stdin.read().upper()); sys.stderr.write('err')"


def test_stream_a_childs_output_line_by_line():
    async def main():
        proc = await asyncio.create_subprocess_exec(PY, "-c", COUNT_LINES, stdout=PIPE)
        lines = [line async for line in proc.stdout]
        return [lines, await proc.wait(), proc.returncode]

    assert both(main) == [[b"line %d\n" % i for i in range(5)], 3, 3]


def test_communicate_both_ways():
    big = b"abc\n" * 100_000  # more than a pipe buffer: needs flow control both ways

    async def main():
        proc = await asyncio.create_subprocess_exec(PY, "-c", UPPER, stdin=PIPE, stdout=PIPE,
                                                    stderr=PIPE)
        out, err = await proc.communicate(big)
        return [len(out), out[:8], err, proc.returncode]

    assert both(main) == [400_000, b"ABC\nABC\n", b"err", 0]


def test_shell_and_merged_stderr():
    async def main():
        proc = await asyncio.create_subprocess_shell(
            "echo out; echo err 1>&2; exit 7", stdout=PIPE, stderr=subprocess.STDOUT)
        out, err = await proc.communicate()
        return [sorted(out.split()), err, proc.returncode]

    assert both(main) == [[b"err", b"out"], None, 7]


def test_timeout_then_kill():
    async def main():
        proc = await asyncio.create_subprocess_exec(
            PY, "-c", "import time; print('ready', flush=True); time.sleep(60)", stdout=PIPE)
        log = [await proc.stdout.readline()]
        try:
            await asyncio.wait_for(proc.wait(), timeout=0.2)
        except TimeoutError:
            log.append("timed out")
        proc.kill()
        log += [await proc.wait(), await proc.stdout.read()]
        return log

    assert both(main) == [b"ready\n", "timed out", -signal.SIGKILL, b""]


def test_terminate_send_signal_and_exited_process():
    async def main():
        proc = await asyncio.create_subprocess_exec(PY, "-c", "import time; time.sleep(60)")
        proc.send_signal(signal.SIGTERM)
        log = [await proc.wait()]
        proc2 = await asyncio.create_subprocess_exec(PY, "-c", "pass")
        await proc2.wait()
        log.append(await outcome(_call(proc2.kill)))  # already reaped: asyncio says so
        log.append(proc2.pid > 0)
        return log

    async def _call(fn):
        return fn()

    assert both(main) == [-signal.SIGTERM, ("ProcessLookupError", ""), True]


class _Recorder(asyncio.SubprocessProtocol):
    def __init__(self) -> None:
        self.events: list = []
        self.exited = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.events.append("made")

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        # The child's bytes may arrive in any number of chunks: keep one entry per fd.
        if self.events and self.events[-1][0] == fd:
            self.events[-1] = (fd, self.events[-1][1] + data)
        else:
            self.events.append((fd, data))

    def pipe_connection_lost(self, fd: int, exc) -> None:
        self.events.append(("pipe lost", fd))

    def process_exited(self) -> None:
        self.events.append("exited")
        self.exited.set_result(None)


def test_subprocess_protocol_events():
    async def main():
        loop = asyncio.get_running_loop()
        transport, proto = await loop.subprocess_exec(
            _Recorder, PY, "-c", "print('hi')", stdin=None, stderr=None)
        await proto.exited
        while len(proto.events) < 4:  # pipe_connection_lost may come one step later
            await asyncio.sleep(0)
        events = proto.events
        # The child's exit and its stdout's EOF race (on either loop): compare the
        # events as a set, after checking the orders that are guaranteed.
        assert events[0] == "made"
        assert events.index((1, b"hi\n")) < events.index(("pipe lost", 1))
        log = [sorted(map(repr, events)), transport.get_returncode(),
               transport.get_pipe_transport(0)]
        transport.close()
        return log

    events, returncode, stdin = both(main)
    assert events == sorted(["'made'", "(1, b'hi\\n')", "('pipe lost', 1)", "'exited'"])
    assert returncode == 0 and stdin is None


def test_bad_input_same_errors():
    async def main():
        loop = asyncio.get_running_loop()
        exec_ = loop.subprocess_exec
        shell = loop.subprocess_shell
        return [
            await outcome(exec_(asyncio.SubprocessProtocol, PY, bufsize=1)),
            await outcome(exec_(asyncio.SubprocessProtocol, PY, text=True)),
            await outcome(exec_(asyncio.SubprocessProtocol, PY, encoding="utf-8")),
            await outcome(exec_(asyncio.SubprocessProtocol, PY, errors="strict")),
            await outcome(exec_(asyncio.SubprocessProtocol, PY, shell=True)),
            await outcome(exec_(asyncio.SubprocessProtocol, PY, universal_newlines=True)),
            await outcome(shell(asyncio.SubprocessProtocol, ["ls"])),
            await outcome(shell(asyncio.SubprocessProtocol, "true", shell=False)),
            await outcome(shell(asyncio.SubprocessProtocol, "true", bufsize=4096)),
            await outcome(exec_(asyncio.SubprocessProtocol, "/nonexistent/program")),
        ]

    results = both(main)
    assert results[0] == ("ValueError", "bufsize must be 0")
    assert results[6] == ("ValueError", "cmd must be a string")
    assert results[-1][0] == "FileNotFoundError"


def test_no_zombie_and_no_fd_left_after_many_children():
    async def main():
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(20):
            proc = await asyncio.create_subprocess_exec(PY, "-c", "print(1)", stdout=PIPE)
            await proc.communicate()
        await asyncio.sleep(0)
        return [len(os.listdir("/proc/self/fd")) - before]

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc")
    assert both(main) == [0]


def test_child_watch_uses_a_pidfd_or_a_thread():
    """toyloop's own watch: the pidfd sits in the selector while the child runs."""
    async def main():
        loop = asyncio.get_running_loop()
        assert running_loop_is_toyloop()
        proc = await asyncio.create_subprocess_exec(PY, "-c", "import sys; sys.stdin.read()",
                                                    stdin=PIPE)
        watched = dict(loop._child_pidfds)
        proc.stdin.close()
        await proc.wait()
        return watched, dict(loop._child_pidfds)

    with asyncio.Runner(loop_factory=toyloop.EventLoop) as runner:
        if ch7_unix._installed_child_watcher() is not None:
            pytest.skip("a child watcher is installed in asyncio's policy: toyloop uses it")
        watched, after = runner.run(main())
    if ch7_unix._CAN_USE_PIDFD:
        assert list(watched.values()) and after == {}
    else:
        assert watched == {} == after


def test_thread_fallback_when_no_pidfd(monkeypatch):
    monkeypatch.setattr(ch7_unix, "_CAN_USE_PIDFD", False)
    monkeypatch.setattr(ch7_unix, "_installed_child_watcher", lambda: None)

    async def main():
        proc = await asyncio.create_subprocess_exec(PY, "-c", "print('via thread')",
                                                    stdout=PIPE)
        return [await proc.communicate(), proc.returncode,
                dict(asyncio.get_running_loop()._child_pidfds)]

    assert toyloop.run(main()) == [(b"via thread\n", None), 0, {}]
