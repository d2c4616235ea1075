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
    {"name": 'wait_for_collect', "kind": 'correct',
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
    {"name": 'timeout_context', "kind": 'correct',
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
    {"name": 'deadline_per_line', "kind": 'correct',
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
