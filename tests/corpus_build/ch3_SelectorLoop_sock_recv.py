# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch3.SelectorLoop.sock_recv: try, else park on a future
with a reader, and leave no reader behind however the wait ends."""

from _common import maker

PIECE = "ch3.SelectorLoop.sock_recv"

BASE = '''
class SelectorLoop:
    async def sock_recv(self, sock, n):
        _check_nonblocking(sock)
        try:
            return sock.recv(n)
        except (BlockingIOError, InterruptedError):
            pass
        fut = self.create_future()
        fd = sock.fileno()
        handle = self._add_reader(fd, self._on_readable, fut, sock, n)
        fut.add_done_callback(lambda f: self._done_reading(fd, handle))
        return await fut

    def _on_readable(self, fut, sock, n):
        if fut.done():
            return
        try:
            data = sock.recv(n)
        except (BlockingIOError, InterruptedError):
            return
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(data)

    def _done_reading(self, fd, handle):
        if not handle.cancelled():
            self._remove_reader(fd)
'''

wrong, right = maker(BASE)

FIRST_TRY = '''        try:
            return sock.recv(n)
        except (BlockingIOError, InterruptedError):
            pass
'''

ANSWERS = [
    wrong("blocking_recv", "switches the socket to blocking mode and waits in recv",
          ["did not finish", "in sock_recv"],
          (FIRST_TRY, "        sock.setblocking(True)\n        try:\n"
                      "            return sock.recv(n)\n        finally:\n"
                      "            sock.setblocking(False)\n")),
    wrong("busy_wait_recv", "retries recv after sleep(0) until data comes",
          ["iterations"],
          (FIRST_TRY, "        while True:\n            try:\n                return sock.recv(n)\n"
                      "            except (BlockingIOError, InterruptedError):\n"
                      "                await asyncio.sleep(0)\n")),
    wrong("never_removes_reader", "never removes the reader",
          ["left the reader registered"],
          ("        fut.add_done_callback(lambda f: self._done_reading(fd, handle))\n", "")),
    wrong("removes_only_on_success", "removes the reader after a successful read only, so "
          "a cancelled recv leaves it", ["left the reader registered"],
          ("        fut.add_done_callback(lambda f: self._done_reading(fd, handle))\n", ""),
          ("            fut.set_result(data)\n", "            fut.set_result(data)\n"
                                               "            self._remove_reader(sock.fileno())\n")),
    wrong("returns_the_future", "returns the future instead of awaiting it",
          ["did not return the bytes"],
          ("        return await fut\n", "        return fut\n")),
    wrong("never_sets_result", "reads in the reader but never completes the future",
          ["did not finish"],
          ("            fut.set_result(data)\n", "            return data\n")),
    wrong("discards_first_read", "calls recv to test for data, then throws the bytes away",
          ["did not return the bytes"],
          ("            return sock.recv(n)\n        except (BlockingIOError, InterruptedError):"
           "\n            pass\n",
           "            sock.recv(n)\n        except (BlockingIOError, InterruptedError):\n"
           "            pass\n")),
    wrong("one_byte", "reads one byte whatever n says", ["did not return the bytes"],
          ("            return sock.recv(n)\n", "            return sock.recv(1)\n"),
          ("            data = sock.recv(n)\n", "            data = sock.recv(1)\n")),
    wrong("eof_means_wait", "treats b'' as 'nothing yet' and keeps waiting",
          ["b'' once the peer closed"],
          ("        else:\n            fut.set_result(data)\n",
           "        else:\n            if data:\n                fut.set_result(data)\n")),
    wrong("removes_only_when_cancelled", "removes the reader only when the recv is "
          "cancelled", ["left the reader registered"],
          ("        fut.add_done_callback(lambda f: self._done_reading(fd, handle))\n",
           "        fut.add_done_callback(lambda f: f.cancelled() and self._done_reading(fd, "
           "handle))\n")),
    wrong("remove_reader_as_callback", "passes _remove_reader itself as the done callback "
          "(it gets the future, not the fd)", ["left the reader registered"],
          ("        fut.add_done_callback(lambda f: self._done_reading(fd, handle))\n",
           "        fut.add_done_callback(self._remove_reader)\n")),
    wrong("reader_first_then_return", "adds the reader before trying recv, and leaves it "
          "when data was already there", ["left the reader registered"],
          (FIRST_TRY + "        fut = self.create_future()\n        fd = sock.fileno()\n"
           "        handle = self._add_reader(fd, self._on_readable, fut, sock, n)\n",
           "        fut = self.create_future()\n        fd = sock.fileno()\n"
           "        handle = self._add_reader(fd, self._on_readable, fut, sock, n)\n"
           + FIRST_TRY)),
    wrong("polls_the_future", "waits with a sleep(0) loop on fut.done() instead of awaiting "
          "the future", ["iterations"],
          ("        return await fut\n", "        while not fut.done():\n"
                                          "            await asyncio.sleep(0)\n"
                                          "        return fut.result()\n")),
    wrong("eagain_is_eof", "returns b'' when no data is there yet",
          ["did not return the bytes"],
          ("        except (BlockingIOError, InterruptedError):\n            pass\n",
           "        except (BlockingIOError, InterruptedError):\n            return b''\n")),
    wrong("eof_is_an_error", "raises ConnectionResetError when the peer closed",
          ["b'' once the peer closed"],
          ("        else:\n            fut.set_result(data)\n",
           "        else:\n            if not data:\n"
           "                fut.set_exception(ConnectionResetError('closed'))\n"
           "            else:\n                fut.set_result(data)\n")),
    right("reference_style", BASE),
    right("partial_callbacks", '''
class SelectorLoop:
    async def sock_recv(self, sock, n):
        _check_nonblocking(sock)
        try:
            return sock.recv(n)
        except BlockingIOError:
            pass
        waiter = self.create_future()
        handle = self._add_reader(sock.fileno(), self._try_recv, waiter, sock, n)
        waiter.add_done_callback(functools.partial(self._stop_reading, sock.fileno(), handle))
        return await waiter

    def _try_recv(self, waiter, sock, n):
        if waiter.done():
            return
        try:
            waiter.set_result(sock.recv(n))
        except BlockingIOError:
            pass
        except Exception as exc:
            waiter.set_exception(exc)

    def _stop_reading(self, fd, handle, waiter):
        if not handle.cancelled():
            self.remove_reader(fd)
'''),
    right("wait_then_read", '''
class SelectorLoop:
    async def sock_recv(self, sock, n):
        _check_nonblocking(sock)
        while True:
            try:
                return sock.recv(n)
            except (BlockingIOError, InterruptedError):
                await self._readable(sock)

    async def _readable(self, sock):
        fut = self.create_future()
        fd = sock.fileno()
        self._add_reader(fd, lambda: fut.done() or fut.set_result(None))
        try:
            await fut
        finally:
            self._remove_reader(fd)
'''),
]
