"""Learner answers to chapter 3's ``sock_sendall(loop, sock, data)`` with add_writer."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "uses_loop_sock_sendall", "kind": "wrong",
     "mistake": ("I just call loop.sock_sendall instead of writing it with add_writer and "
                 "remove_writer."),
     "expect": ["add_writer"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    await loop.sock_sendall(sock, data)
'''},
    {"name": "plain_sendall", "kind": "wrong",
     "mistake": ("I call sock.sendall(data) on the non-blocking socket, which gives up with "
                 "BlockingIOError once the buffer is full."),
     "expect": ["blockingioerror"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    sock.sendall(data)
'''},
    {"name": "blocking_sendall", "kind": "wrong",
     "mistake": ("I switch the socket to blocking and sendall, which blocks the loop's thread so "
                 "the reader can never read."),
     "expect": ["blocked the loop"], "hangs": True,
     "source": '''
async def my_sock_sendall(loop, sock, data):
    sock.setblocking(True)
    try:
        sock.sendall(data)
    finally:
        sock.setblocking(False)
'''},
    {"name": "single_send", "kind": "wrong",
     "mistake": "I call send() once and ignore how many bytes it actually took (partial sends).",
     "expect": ["partial"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    try:
        sock.send(data)
    except BlockingIOError:
        pass
'''},
    {"name": "retry_with_sleep0", "kind": "wrong",
     "mistake": ("When send() raises BlockingIOError I retry after sleep(0) instead of waiting "
                 "until the socket is writable: a busy-wait."),
     "expect": ["busy"],
     "source": '''
import asyncio

async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    while view:
        try:
            n = sock.send(view)
        except BlockingIOError:
            await asyncio.sleep(0)
            continue
        view = view[n:]
'''},
    {"name": "retry_without_await", "kind": "wrong",
     "mistake": ("I retry send() in a tight loop without ever awaiting, so the loop's thread spins"
                 " and the reader never runs."),
     "expect": ["busy"], "hangs": True,
     "source": '''
async def my_sock_sendall(loop, sock, data):
    sent = 0
    while sent < len(data):
        try:
            sent += sock.send(data[sent:])
        except BlockingIOError:
            continue
'''},
    {"name": "writer_never_removed", "kind": "wrong",
     "mistake": ("I never call remove_writer, so the writer stays registered after everything is "
                 "sent."),
     "expect": ["writer", "still registered"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fut = loop.create_future()
    sent = 0

    def on_writable():
        nonlocal sent
        if fut.done():
            return
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            return
        except OSError as exc:
            fut.set_exception(exc)
            return
        if sent == len(view):
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    await fut
'''},
    {"name": "writer_left_on_cancel", "kind": "wrong",
     "mistake": ("I remove the writer only when the send completes, so if my task is cancelled "
                 "mid-send the writer stays registered."),
     "expect": ["writer", "cancel"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    try:
        sent = sock.send(view)
    except BlockingIOError:
        sent = 0
    if sent == len(view):
        return
    fut = loop.create_future()

    def on_writable():
        nonlocal sent
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            return
        except OSError as exc:
            loop.remove_writer(sock)
            fut.set_exception(exc)
            return
        if sent == len(view):
            loop.remove_writer(sock)
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    await fut
'''},
    {"name": "swallows_oserror_spins", "kind": "wrong",
     "mistake": ("My writer callback ignores every OSError, so when the peer goes away it keeps "
                 "firing and the send never ends."),
     "expect": ["oserror"], "hangs": True,
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fut = loop.create_future()
    sent = 0

    def on_writable():
        nonlocal sent
        try:
            sent += sock.send(view[sent:])
        except OSError:
            return  # try again next time
        if sent == len(view) and not fut.done():
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await fut
    finally:
        loop.remove_writer(sock)
'''},
    {"name": "hides_oserror", "kind": "wrong",
     "mistake": ("When send fails with an OSError I just finish quietly, so the caller thinks "
                 "everything was sent."),
     "expect": ["oserror"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fut = loop.create_future()
    sent = 0

    def on_writable():
        nonlocal sent
        if fut.done():
            return
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            return
        except OSError:
            fut.set_result(None)  # the peer is gone, nothing more to do
            return
        if sent == len(view):
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await fut
    finally:
        loop.remove_writer(sock)
'''},
    {"name": "resends_from_start", "kind": "wrong",
     "mistake": ("My callback sends the whole data again each time instead of the rest after what "
                 "was already sent."),
     "expect": ["twice"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    fut = loop.create_future()
    total = 0

    def on_writable():
        nonlocal total
        if fut.done():
            return
        try:
            total += sock.send(data)
        except BlockingIOError:
            return
        except OSError as exc:
            fut.set_exception(exc)
            return
        if total >= len(data):
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await fut
    finally:
        loop.remove_writer(sock)
'''},
    {"name": "waits_for_readable", "kind": "wrong",
     "mistake": ("I registered with add_reader instead of add_writer, so I wait for the socket to "
                 "become readable, which never happens."),
     "expect": ["writable"], "hangs": True,
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    sent = 0
    while sent < len(view):
        try:
            sent += sock.send(view[sent:])
            continue
        except BlockingIOError:
            pass
        fut = loop.create_future()
        loop.add_reader(sock, lambda: fut.done() or fut.set_result(None))
        try:
            await fut
        finally:
            loop.remove_reader(sock)
'''},
    {"name": "time_sleep_retry", "kind": "wrong",
     "mistake": ("When the buffer is full I time.sleep(0.01) and retry, which blocks the loop so "
                 "the reader never empties the buffer."),
     "expect": ["blocked the loop"], "hangs": True,
     "source": '''
import time

async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    while view:
        try:
            view = view[sock.send(view):]
        except BlockingIOError:
            time.sleep(0.01)
'''},
    {"name": "poll_with_sleep", "kind": "wrong",
     "mistake": ("When the buffer is full I retry every 10 ms with asyncio.sleep instead of "
                 "waiting for writability: polling."),
     "expect": ["busy"],
     "source": '''
import asyncio

async def my_sock_sendall(loop, sock, data):
    sent = 0
    while sent < len(data):
        try:
            sent += sock.send(data[sent:])
        except BlockingIOError:
            await asyncio.sleep(0.01)
'''},
    {"name": "stops_one_byte_short", "kind": "wrong",
     "mistake": "I finish when sent reaches len(data) - 1, so the last byte is never sent.",
     "expect": ["byte"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fut = loop.create_future()
    sent = 0

    def on_writable():
        nonlocal sent
        if fut.done():
            return
        try:
            sent += sock.send(view[sent:len(view) - 1])
        except BlockingIOError:
            return
        except OSError as exc:
            fut.set_exception(exc)
            return
        if sent >= len(view) - 1:
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await fut
    finally:
        loop.remove_writer(sock)
'''},
    {"name": "forgets_await", "kind": "wrong",
     "mistake": ("I register the writer but return without awaiting the future, so I return before"
                 " the data is sent."),
     "expect": ["returned before"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fut = loop.create_future()
    sent = 0

    def on_writable():
        nonlocal sent
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            return
        except OSError as exc:
            loop.remove_writer(sock)
            fut.set_exception(exc)
            return
        if sent == len(view):
            loop.remove_writer(sock)
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    return fut
'''},
    {"name": "no_blockingio_in_callback", "kind": "wrong",
     "mistake": ("My writer callback does not catch BlockingIOError, so a spurious wake-up fails "
                 "the whole send."),
     "expect": ["blockingioerror"],
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fut = loop.create_future()
    pos = 0

    def on_writable():
        nonlocal pos
        if fut.done():
            return
        try:
            pos += sock.send(view[pos:])
        except Exception as exc:
            fut.set_exception(exc)
            return
        if pos == len(view):
            fut.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await fut
    finally:
        loop.remove_writer(sock)
'''},
    # ---------------------------------------------------------------- correct
    {"name": "wait_writable_loop", "kind": "correct",
     "source": '''
async def my_sock_sendall(loop, sock, data):
    """Send what the kernel takes; when it takes nothing, park until writable."""
    remaining = bytes(data)
    while remaining:
        try:
            n = sock.send(remaining)
        except BlockingIOError:
            writable = loop.create_future()
            loop.add_writer(sock.fileno(), lambda: writable.done() or writable.set_result(None))
            try:
                await writable
            finally:
                loop.remove_writer(sock.fileno())
            continue
        remaining = remaining[n:]
'''},
    {"name": "sender_object", "kind": "correct",
     "source": '''
class _Sender:
    def __init__(self, loop, sock, data):
        self.loop, self.sock = loop, sock
        self.view = memoryview(data).cast("B")
        self.offset = 0
        self.done = loop.create_future()

    def on_writable(self):
        if self.done.done():
            return
        try:
            self.offset += self.sock.send(self.view[self.offset:])
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self.done.set_exception(exc)
            return
        if self.offset >= len(self.view):
            self.done.set_result(None)


async def my_sock_sendall(loop, sock, data):
    sender = _Sender(loop, sock, data)
    sender.on_writable()          # most sends finish right here
    if sender.done.done():
        return sender.done.result()
    loop.add_writer(sock, sender.on_writable)
    try:
        await sender.done
    finally:
        loop.remove_writer(sock)
'''},
    {"name": "done_callback_removes", "kind": "correct",
     "source": '''
async def my_sock_sendall(loop, sock, data):
    view = memoryview(data)
    fd = sock.fileno()
    result = loop.create_future()
    state = {"sent": 0}

    def push():
        if result.done():
            return
        try:
            state["sent"] += sock.send(view[state["sent"]:])
        except BlockingIOError:
            return
        except OSError as exc:
            result.set_exception(exc)
            return
        if state["sent"] == len(view):
            result.set_result(None)

    push()
    if not result.done():
        loop.add_writer(fd, push)
        # whatever ends the future (done, failed, cancelled) takes the writer away
        result.add_done_callback(lambda _: loop.remove_writer(fd))
    await result
'''},
]
