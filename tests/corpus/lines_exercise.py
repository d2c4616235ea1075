"""Learner answers to chapter 7's ``read_lines(argv, timeout)``:
a child's lines with a deadline."""

ANSWERS = [
    {"name": 'communicate_with_timeout', "kind": 'wrong',
     "mistake": ('I used communicate() under wait_for, so the lines printed before the '
                 'timeout are lost.'),
     "expect": ['readline'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return [], proc.returncode
    return out.decode().splitlines(), proc.returncode
'''},
    {"name": 'read_all_then_split', "kind": 'wrong',
     "mistake": 'I read all of stdout at once, so at the timeout I have nothing.',
     "expect": ['readline'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    try:
        out = await asyncio.wait_for(proc.stdout.read(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        return [], await proc.wait()
    return out.decode().splitlines(), await proc.wait()
'''},
    {"name": 'no_kill', "kind": 'wrong',
     "mistake": 'At the timeout I return without killing the child.',
     "expect": ['still running'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        return lines, -9
    return lines, await proc.wait()
'''},
    {"name": 'kill_no_wait', "kind": 'wrong',
     "mistake": ('I kill the child at the timeout but never wait for it, so it stays a '
                 'zombie.'),
     "expect": ['zombie'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        return lines, -9
    return lines, await proc.wait()
'''},
    {"name": 'kill_returncode_none', "kind": 'wrong',
     "mistake": ('After kill() I return proc.returncode at once, without awaiting '
                 'wait().'),
     "expect": ['zombie'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    try:
        async with asyncio.timeout(timeout):
            while line := await proc.stdout.readline():
                lines.append(line.decode().rstrip("\\n"))
    except TimeoutError:
        proc.kill()
        return lines, proc.returncode
    return lines, await proc.wait()
'''},
    {"name": 'terminate', "kind": 'wrong',
     "mistake": 'I used terminate() (SIGTERM) instead of kill().',
     "expect": ['sigterm'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.terminate()
    return lines, await proc.wait()
'''},
    {"name": 'sighup', "kind": 'wrong',
     "mistake": 'I hang up on the child (SIGHUP) instead of killing it.',
     "expect": ['-9'],
     "source": '''
import signal
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.send_signal(signal.SIGHUP)
    return lines, await proc.wait()
'''},
    {"name": 'per_line_timeout', "kind": 'wrong',
     "mistake": ('My timeout applies to each readline, so a child that keeps printing is'
                 ' never stopped.'),
     "expect": ['whole run'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    while True:
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout)
        except asyncio.TimeoutError:
            proc.kill()
            break
        if not line:
            break
        lines.append(line.decode().rstrip("\\n"))
    return lines, await proc.wait()
'''},
    {"name": 'no_timeout', "kind": 'wrong',
     "mistake": 'I ignore the timeout entirely.',
     "expect": ['kill the child'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    while line := await proc.stdout.readline():
        lines.append(line.decode().rstrip("\\n"))
    return lines, await proc.wait()
'''},
    {"name": 'bytes_lines', "kind": 'wrong',
     "mistake": 'My lines are bytes, not str.',
     "expect": ['decode'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.rstrip(b"\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'keeps_newline', "kind": 'wrong',
     "mistake": 'My lines keep their trailing newline.',
     "expect": ['strip'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode())

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'readuntil_drops_tail', "kind": 'wrong',
     "mistake": ('I read with readuntil and stop at IncompleteReadError, dropping a last'
                 ' line without newline.'),
     "expect": ['unfinished last line'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while True:
            try:
                line = await proc.stdout.readuntil(b"\\n")
            except asyncio.IncompleteReadError:
                break
            lines.append(line.decode()[:-1])

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'stdout_not_piped', "kind": 'wrong',
     "mistake": 'I forgot stdout=PIPE, so proc.stdout is None.',
     "expect": ['nonetype'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'subprocess_run', "kind": 'wrong',
     "mistake": ('I used subprocess.run, which blocks the loop until the child ends or '
                 'times out.'),
     "expect": ['blocked the loop'],
     "source": '''
import subprocess
import asyncio

async def read_lines(argv, timeout):
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return (exc.stdout or b"").decode().splitlines(), -9
    return done.stdout.decode().splitlines(), done.returncode
'''},
    {"name": 'sleep_for_timeout', "kind": 'wrong',
     "mistake": 'I wait for the timeout with time.sleep before reading.',
     "expect": ['blocked the loop'],
     "source": '''
import time
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    time.sleep(timeout)
    if proc.returncode is None:
        proc.kill()
    out = await proc.stdout.read()
    return out.decode().splitlines(), await proc.wait()
'''},
    {"name": 'wait_then_read', "kind": 'wrong',
     "mistake": ('I wait for the child to exit before reading, with no timeout, so a '
                 'hanging child is never killed.'),
     "expect": ['kill the child'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    code = await proc.wait()
    out = await proc.stdout.read()
    return out.decode().splitlines(), code
'''},
    # Session 3: the three answers below were "correct" until the checker cancelled
    # read_lines (case 5): each lets the child outlive a cancelled call, which the
    # statement rules out ("The child must not outlive your function in any case").
    {"name": 'wait_for_collect', "kind": 'wrong',
     "mistake": ('I kill the child on TimeoutError only; if my function is cancelled, '
                 'the child keeps running.'),
     "expect": ['cancel'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def collect():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\\n"))

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'timeout_context', "kind": 'wrong',
     "mistake": ('My finally waits for the child without killing it, so when my function '
                 'is cancelled it waits for the child to end by itself.'),
     "expect": ['cancel'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    try:
        async with asyncio.timeout(timeout):
            async for line in proc.stdout:
                lines.append(line.decode().removesuffix("\\n"))
    except TimeoutError:
        proc.kill()
    finally:
        code = await proc.wait()
    return lines, code
'''},
    {"name": 'deadline_per_line', "kind": 'wrong',
     "mistake": ('I kill the child when the deadline passes; a cancel of my function '
                 'leaves it running.'),
     "expect": ['cancel'],
     "source": '''
import asyncio

async def read_lines(argv, timeout):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    while True:
        remaining = deadline - loop.time()
        try:
            if remaining <= 0:
                raise asyncio.TimeoutError
            line = await asyncio.wait_for(proc.stdout.readline(), remaining)
        except asyncio.TimeoutError:
            proc.kill()
            break
        if not line:
            break
        lines.append(line.decode().rstrip("\\n"))
    return lines, await proc.wait()
'''},
]


# Written cold (session 3): from the notebook's prose, the exercise statement, the stub,
# the hints and toyloop/ch7_unix.py only, without reading the checker, the reference
# solution or the entries above.
ANSWERS += [
    {"name": 'cold3_waitpid_first', "kind": 'wrong',
     "mistake": ('I wait for the child with os.waitpid first, then read all it printed from '
                 'the pipe; the timeout only matters if waitpid is slow.'),
     "expect": ['waitpid'],
     "source": r'''
import asyncio
import os

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    _, status = os.waitpid(proc.pid, 0)
    out = await proc.stdout.read()
    return out.decode().splitlines(), os.waitstatus_to_exitcode(status)
'''},
    {"name": 'cold3_waitpid_after_kill', "kind": 'wrong',
     "mistake": ('After kill() I reap the child myself with os.waitpid, it is dead already so '
                 'it cannot block.'),
     "expect": ['waitpid'],
     "source": r'''
import asyncio
import os

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\n"))
        return await proc.wait()

    try:
        return lines, await asyncio.wait_for(pump(), timeout)
    except TimeoutError:
        proc.kill()
        _, status = os.waitpid(proc.pid, 0)
        return lines, os.waitstatus_to_exitcode(status)
'''},
    {"name": 'cold3_kill_no_reap', "kind": 'wrong',
     "mistake": ('After kill() the returncode is -9 anyway, so I return that without waiting '
                 'for the child.'),
     "expect": ['reap'],
     "source": r'''
import asyncio
import signal

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while True:
            raw = await proc.stdout.readline()
            if not raw:
                break
            lines.append(raw.decode()[:-1] if raw.endswith(b"\n") else raw.decode())
        return await proc.wait()

    try:
        code = await asyncio.wait_for(pump(), timeout)
    except TimeoutError:
        proc.kill()
        code = -signal.SIGKILL
    return lines, code
'''},
    {"name": 'cold3_lines_inside_task', "kind": 'wrong',
     "mistake": ('My reading coroutine builds the list and returns it; on timeout I kill the '
                 'child and return an empty list.'),
     "expect": ['before the timeout'],
     "source": r'''
import asyncio

async def collect(proc):
    got = []
    while line := await proc.stdout.readline():
        got.append(line.decode().rstrip("\n"))
    await proc.wait()
    return got

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    try:
        lines = await asyncio.wait_for(collect(proc), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        lines = []
    return lines, proc.returncode
'''},
    {"name": 'cold3_chunks_split', "kind": 'wrong',
     "mistake": ('I read the pipe in chunks of 4096 bytes and split each chunk into lines as '
                 'it comes.'),
     "expect": ['split'],
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while chunk := await proc.stdout.read(4096):
            lines.extend(chunk.decode().splitlines())
        await proc.wait()

    try:
        await asyncio.wait_for(pump(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
    return lines, proc.returncode
'''},
    {"name": 'cold3_bytes_lines', "kind": 'wrong',
     "mistake": 'The pipe gives bytes, so I return the lines as bytes (newline stripped).',
     "expect": ['str'],
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while line := await proc.stdout.readline():
            lines.append(line.rstrip(b"\n"))

    try:
        await asyncio.wait_for(pump(), timeout)
    except TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'cold3_keeps_newline', "kind": 'wrong',
     "mistake": 'I decode each line and keep it as readline gives it.',
     "expect": ['\\n'],
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while line := await proc.stdout.readline():
            lines.append(line.decode())

    try:
        await asyncio.wait_for(pump(), timeout)
    except TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'cold3_catches_timeout_expired', "kind": 'wrong',
     "mistake": ('I catch subprocess.TimeoutExpired, the timeout exception of the subprocess '
                 'module.'),
     "expect": ['timeouterror'],
     "source": r'''
import asyncio
import subprocess

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=subprocess.PIPE)
    lines = []

    async def pump():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\n"))

    try:
        await asyncio.wait_for(pump(), timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'cold3_swallows_cancel', "kind": 'wrong',
     "mistake": ('A cancel is just another way to stop, so I catch CancelledError with '
                 'TimeoutError, kill, reap and return the lines.'),
     "expect": ['cancel'],
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\n"))

    try:
        await asyncio.wait_for(pump(), timeout)
    except (TimeoutError, asyncio.CancelledError):
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'cold3_shell_join', "kind": 'wrong',
     "mistake": 'I join argv into one command line and run it with create_subprocess_shell.',
     "expect": ['argv'],
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_shell(" ".join(argv),
                                                 stdout=asyncio.subprocess.PIPE)
    lines = []

    async def pump():
        while line := await proc.stdout.readline():
            lines.append(line.decode().rstrip("\n"))

    try:
        await asyncio.wait_for(pump(), timeout)
    except TimeoutError:
        proc.kill()
    return lines, await proc.wait()
'''},
    {"name": 'cold3_returncode_at_eof', "kind": 'wrong',
     "mistake": ('When stdout reaches EOF the child is finished, so I return proc.returncode '
                 'right there.'),
     "expect": ['wait'],
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    try:
        async with asyncio.timeout(timeout):
            async for raw in proc.stdout:
                lines.append(raw.decode().rstrip("\n"))
    except TimeoutError:
        proc.kill()
        await proc.wait()
    return lines, proc.returncode
'''},
    # -- correct, written differently from the chapter's code ------------------------
    {"name": 'cold3_timeout_cm_finally', "kind": 'correct',
     "source": r'''
import asyncio

async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []
    try:
        async with asyncio.timeout(timeout):
            async for raw in proc.stdout:
                lines.append(raw.decode().removesuffix("\n"))
            await proc.wait()
    except TimeoutError:
        pass
    finally:
        if proc.returncode is None:   # timed out, or we are being cancelled
            proc.kill()
            await proc.wait()
    return lines, proc.returncode
'''},
    {"name": 'cold3_reader_task_wait', "kind": 'correct',
     "source": r'''
import asyncio


async def read_lines(argv, timeout):
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    lines = []

    async def reader():
        async for raw in proc.stdout:
            text = raw.decode()
            lines.append(text[:-1] if text.endswith("\n") else text)
        return await proc.wait()

    task = asyncio.create_task(reader())
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            proc.kill()
        return lines, await task        # after kill(): EOF, then wait() reaps
    except BaseException:
        task.cancel()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
'''},
    {"name": 'cold3_protocol_call_later', "kind": 'correct',
     "source": r'''
import asyncio
import subprocess


class LineProtocol(asyncio.SubprocessProtocol):
    def __init__(self, loop):
        self.lines, self.partial = [], b""
        self.exited = loop.create_future()
        self.stdout_closed = loop.create_future()

    def pipe_data_received(self, fd, data):
        *complete, self.partial = (self.partial + data).split(b"\n")
        self.lines.extend(piece.decode() for piece in complete)

    def pipe_connection_lost(self, fd, exc):
        if fd == 1 and not self.stdout_closed.done():
            if self.partial:
                self.lines.append(self.partial.decode())
            self.stdout_closed.set_result(None)

    def process_exited(self):
        if not self.exited.done():
            self.exited.set_result(None)


async def read_lines(argv, timeout):
    loop = asyncio.get_running_loop()
    transport, proto = await loop.subprocess_exec(
        lambda: LineProtocol(loop), *argv,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=None)

    def deadline():
        if transport.get_returncode() is None:
            transport.kill()

    timer = loop.call_later(timeout, deadline)
    try:
        await asyncio.shield(asyncio.gather(proto.exited, proto.stdout_closed))
    finally:
        timer.cancel()
        if transport.get_returncode() is None:
            transport.kill()
        await asyncio.gather(proto.exited, proto.stdout_closed)
        transport.close()
    return proto.lines, transport.get_returncode()
'''},
]
