"""Learner answers to chapter 3's ``check_ports(loop, host, ports, timeout)``."""

_PROBE = '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        return "open"
    except ConnectionRefusedError:
        return "closed"
    except asyncio.TimeoutError:
        return "timeout"
    finally:
        sock.close()
'''

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "create_connection", "kind": "wrong",
     "mistake": ("I probe with socket.create_connection(..., timeout), a blocking call that blocks"
                 " the loop's thread for each port."),
     "expect": ["blocked the loop"],
     "source": '''
import socket

async def my_check_ports(loop, host, ports, timeout):
    states = {}
    for port in ports:
        try:
            socket.create_connection((host, port), timeout=min(timeout, 1)).close()
            states[port] = "open"
        except ConnectionRefusedError:
            states[port] = "closed"
        except socket.timeout:
            states[port] = "timeout"
    return states
'''},
    {"name": "connect_ex_settimeout", "kind": "wrong",
     "mistake": ("I use a socket with settimeout and connect_ex, which blocks the loop's thread "
                 "while it waits."),
     "expect": ["blocked the loop"],
     "source": '''
import errno
import socket

async def my_check_ports(loop, host, ports, timeout):
    result = {}
    for port in ports:
        s = socket.socket()
        s.settimeout(min(timeout, 1))
        try:
            code = s.connect_ex((host, port))
        except socket.timeout:
            code = errno.ETIMEDOUT
        finally:
            s.close()
        if code == 0:
            result[port] = "open"
        elif code == errno.ECONNREFUSED:
            result[port] = "closed"
        else:
            result[port] = "timeout"
    return result
'''},
    {"name": "sequential", "kind": "wrong",
     "mistake": ("I probe one port after another, so three silent ports take three timeouts "
                 "instead of one."),
     "expect": ["same time"],
     "source": _PROBE + '''

async def my_check_ports(loop, host, ports, timeout):
    return {port: await probe(loop, host, port, timeout) for port in ports}
'''},
    {"name": "never_closes", "kind": "wrong",
     "mistake": "I never close the sockets I open.",
     "expect": ["not closed"],
     "source": '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        return "open"
    except ConnectionRefusedError:
        return "closed"
    except asyncio.TimeoutError:
        return "timeout"

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "closes_only_open", "kind": "wrong",
     "mistake": ("I close the socket only when the connection worked, not when it was refused or "
                 "timed out."),
     "expect": ["not closed"],
     "source": '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
    except ConnectionRefusedError:
        return "closed"
    except asyncio.TimeoutError:
        return "timeout"
    sock.close()
    return "open"

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "no_timeout", "kind": "wrong",
     "mistake": ("I await sock_connect without any timeout, so a port that never answers makes me "
                 "wait for minutes."),
     "expect": ["timeout"], "hangs": True,
     "source": '''
import socket

async def probe(loop, host, port):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        return "open"
    except ConnectionRefusedError:
        return "closed"
    except OSError:
        return "timeout"
    finally:
        sock.close()

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "wrong_state_names", "kind": "wrong",
     "mistake": ("I report 'refused' and 'filtered' instead of the states the exercise asks for "
                 "('closed', 'timeout')."),
     "expect": ["closed"],
     "source": '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        return "open"
    except ConnectionRefusedError:
        return "refused"
    except asyncio.TimeoutError:
        return "filtered"
    finally:
        sock.close()

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "everything_closed", "kind": "wrong",
     "mistake": ("I catch every exception as 'closed', including the timeout, so a silent port is "
                 "reported 'closed'."),
     "expect": ["timeout"],
     "source": '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        return "open"
    except Exception:
        return "closed"
    finally:
        sock.close()

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "finishing_order", "kind": "wrong",
     "mistake": ("I fill the dict as probes finish, so the ports come back in finishing order, not"
                 " in the order given."),
     "expect": ["order"],
     "source": _PROBE + '''

async def my_check_ports(loop, host, ports, timeout):
    states = {}

    async def one(port):
        states[port] = await probe(loop, host, port, timeout)

    await asyncio.gather(*(one(p) for p in ports))
    return states
'''},
    {"name": "returns_list", "kind": "wrong",
     "mistake": "I return a list of states instead of a dict {port: state}.",
     "expect": ["dict"],
     "source": _PROBE + '''

async def my_check_ports(loop, host, ports, timeout):
    return list(await asyncio.gather(*(probe(loop, host, p, timeout) for p in ports)))
'''},
    {"name": "asyncio_wait_leaves_pending", "kind": "wrong",
     "mistake": ("I wait for all connects with asyncio.wait(timeout=...) and call the unfinished "
                 "ones 'timeout' without cancelling them, so their sockets and tasks are left "
                 "behind."),
     "expect": ["pending"],
     "source": '''
import asyncio
import socket

async def my_check_ports(loop, host, ports, timeout):
    socks = {}
    tasks = {}
    for port in ports:
        s = socket.socket()
        s.setblocking(False)
        socks[port] = s
        tasks[port] = loop.create_task(loop.sock_connect(s, (host, port)))
    await asyncio.wait(tasks.values(), timeout=timeout)
    states = {}
    for port, task in tasks.items():
        if not task.done():
            states[port] = "timeout"
            continue
        states[port] = "open" if task.exception() is None else "closed"
        socks[port].close()
    return states
'''},
    {"name": "time_sleep_then_check", "kind": "wrong",
     "mistake": ("I start non-blocking connects, then time.sleep(timeout) and read SO_ERROR, which"
                 " blocks the loop's thread."),
     "expect": ["blocked the loop"],
     "source": '''
import errno
import socket
import time

async def my_check_ports(loop, host, ports, timeout):
    socks = {}
    for port in ports:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, port))
        socks[port] = s
    time.sleep(min(timeout, 1))
    states = {}
    for port, s in socks.items():
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err == 0:
            try:
                s.getpeername()
                states[port] = "open"
            except OSError:
                states[port] = "timeout"
        elif err == errno.ECONNREFUSED:
            states[port] = "closed"
        else:
            states[port] = "timeout"
        s.close()
    return states
'''},
    {"name": "select_select", "kind": "wrong",
     "mistake": ("I wait for the connects with select.select(..., timeout) myself, which blocks "
                 "the loop's thread."),
     "expect": ["blocked the loop"],
     "source": '''
import errno
import select
import socket

async def my_check_ports(loop, host, ports, timeout):
    socks = {}
    for port in ports:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, port))
        socks[port] = s
    _, writable, _ = select.select([], list(socks.values()), [], min(timeout, 1))
    states = {}
    for port, s in socks.items():
        if s in writable:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            states[port] = "open" if err == 0 else "closed"
        else:
            states[port] = "timeout"
        s.close()
    return states
'''},
    {"name": "always_waits_timeout", "kind": "wrong",
     "mistake": ("I start all probes, then sleep the full timeout before reading the results, even"
                 " when every port answered at once."),
     "expect": ["timeout"],
     "source": _PROBE + '''

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    await asyncio.sleep(timeout + 0.01)
    return {p: t.result() for p, t in zip(ports, tasks)}
'''},
    {"name": "bare_except_closed", "kind": "wrong",
     "mistake": "A bare except: turns the timeout (and even a cancel) into 'closed'.",
     "expect": ["timeout"],
     "source": '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        state = "open"
    except:
        state = "closed"
    sock.close()
    return state

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "blocking_socket", "kind": "wrong",
     "mistake": ("I forget setblocking(False), and the loop's sock_connect refuses a blocking "
                 "socket, so every port comes out wrong."),
     "expect": ["non-blocking"],
     "source": '''
import asyncio
import socket

async def probe(loop, host, port, timeout):
    sock = socket.socket()
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        return "open"
    except ConnectionRefusedError:
        return "closed"
    except asyncio.TimeoutError:
        return "timeout"
    finally:
        sock.close()

async def my_check_ports(loop, host, ports, timeout):
    tasks = [loop.create_task(probe(loop, host, p, timeout)) for p in ports]
    return {p: await t for p, t in zip(ports, tasks)}
'''},
    {"name": "one_socket_for_all", "kind": "wrong",
     "mistake": "I reuse one socket for every port, but a socket can only connect once.",
     "expect": ["socket"],
     "source": '''
import asyncio
import socket

async def my_check_ports(loop, host, ports, timeout):
    sock = socket.socket()
    sock.setblocking(False)
    states = {}
    try:
        for port in ports:
            try:
                await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
                states[port] = "open"
            except ConnectionRefusedError:
                states[port] = "closed"
            except asyncio.TimeoutError:
                states[port] = "timeout"
            except OSError:
                states[port] = "closed"
    finally:
        sock.close()
    return states
'''},
    # ---------------------------------------------------------------- correct
    {"name": "gather_with_context_manager", "kind": "correct",
     "source": '''
import asyncio
import socket

async def my_check_ports(loop, host, ports, timeout):
    async def state_of(port):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setblocking(False)
            try:
                await asyncio.wait_for(loop.sock_connect(s, (host, port)), timeout=timeout)
            except ConnectionRefusedError:
                return "closed"
            except asyncio.TimeoutError:
                return "timeout"
            return "open"

    states = await asyncio.gather(*[state_of(p) for p in ports])
    return dict(zip(ports, states))
'''},
    {"name": "toyloop_wait_for_tasks", "kind": "correct",
     "source": '''
import socket
from toyloop.ch2_futures import wait_for

async def my_check_ports(loop, host, ports, timeout):
    async def probe(port):
        sock = socket.socket()
        try:
            sock.setblocking(False)
            await wait_for(loop.sock_connect(sock, (host, port)), timeout)
        except ConnectionRefusedError:
            return "closed"
        except TimeoutError:
            return "timeout"
        else:
            return "open"
        finally:
            sock.close()

    tasks = {port: loop.create_task(probe(port)) for port in ports}
    return {port: await task for port, task in tasks.items()}
'''},
    {"name": "own_timer", "kind": "correct",
     "source": '''
import asyncio
import socket

async def my_check_ports(loop, host, ports, timeout):
    async def connect(port):
        sock = socket.socket()
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, (host, port))
            return "open"
        except ConnectionRefusedError:
            return "closed"
        finally:
            sock.close()

    tasks = [loop.create_task(connect(p)) for p in ports]
    timers = [loop.call_later(timeout, t.cancel) for t in tasks]
    results = {}
    try:
        for port, task in zip(ports, tasks):
            try:
                results[port] = await task
            except asyncio.CancelledError:
                if asyncio.current_task().cancelling():
                    raise              # we ourselves were cancelled
                results[port] = "timeout"
    finally:
        for timer in timers:
            timer.cancel()
        for task in tasks:
            task.cancel()
    return results
'''},
]
