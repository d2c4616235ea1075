"""Learner answers to chapter 5's flow-controlled ``Producer(total, chunk)`` protocol."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "ignores_pause", "kind": "wrong",
     "mistake": "I write everything in connection_made and never look at pause_writing.",
     "expect": ["pause"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0

    def connection_made(self, transport):
        while self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            transport.write(b"x" * n)
            self.sent += n
        transport.close()

    def pause_writing(self):
        pass

    def resume_writing(self):
        pass
'''},
    {"name": "checks_pause_once", "kind": "wrong",
     "mistake": ("I check the paused flag once before my write loop, not on every round, so a "
                 "pause inside write() is ignored."),
     "expect": ["pause"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._write_more()

    def _write_more(self):
        if self.paused:
            return
        while self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.transport.write(b"x" * n)
            self.sent += n
        self.transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._write_more()
'''},
    {"name": "closes_in_connection_made", "kind": "wrong",
     "mistake": ("I close the transport in connection_made, right after the first pause, "
                 "and then go on writing to a closing transport from resume_writing."),
     "expect": ["close"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()
        transport.close()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._pump()
'''},
    {"name": "never_closes", "kind": "wrong",
     "mistake": "I write everything correctly but never close the transport at the end.",
     "expect": ["close"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._pump()
'''},
    {"name": "resume_does_not_write", "kind": "wrong",
     "mistake": ("resume_writing clears the flag but does not start writing again, so the producer"
                 " stalls after the first pause."),
     "expect": ["resume"], "hangs": True,
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)
        if self.sent >= self.total:
            self.transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
'''},
    {"name": "sleeps_while_paused", "kind": "wrong",
     "mistake": ("While paused I time.sleep in my write loop, which blocks the loop's thread, so "
                 "the buffer can never drain."),
     "expect": ["blocked the loop"], "hangs": True,
     "source": '''
import asyncio
import time

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        while self.sent < self.total:
            while self.paused:
                time.sleep(0.01)
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            transport.write(b"x" * n)
        transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
'''},
    {"name": "overshoots_total", "kind": "wrong",
     "mistake": "I always write a whole chunk, so the last write goes past total.",
     "expect": ["total"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            self.transport.write(b"x" * self.chunk)
            self.sent += self.chunk
        if self.sent >= self.total:
            self.transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._pump()
'''},
    {"name": "one_chunk_short", "kind": "wrong",
     "mistake": "My loop condition is sent + chunk < total, so the last chunk is never written.",
     "expect": ["total"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent + self.chunk < self.total:
            self.transport.write(b"x" * self.chunk)
            self.sent += self.chunk
        if self.sent + self.chunk >= self.total:
            self.transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._pump()
'''},
    {"name": "close_only_in_resume", "kind": "wrong",
     "mistake": ("I only close the transport from resume_writing, so if the producer is never "
                 "paused it never closes."),
     "expect": ["close"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._pump()
        if self.sent >= self.total:
            self.transport.close()
'''},
    {"name": "poll_for_resume", "kind": "wrong",
     "mistake": ("While paused I check again every 10 ms with call_later instead of waiting for "
                 "resume_writing."),
     "expect": ["busy"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self.loop = asyncio.get_running_loop()
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)
        if self.sent >= self.total:
            self.transport.close()
        else:
            self.loop.call_later(0.01, self._check)

    def _check(self):
        if not self.paused:
            self._pump()
        else:
            self.loop.call_later(0.01, self._check)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
'''},
    {"name": "pause_not_implemented", "kind": "wrong",
     "mistake": ("I wrote the write loop with a paused flag but pause_writing does nothing, so the"
                 " flag is never set."),
     "expect": ["pause"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)
        if self.sent >= self.total:
            self.transport.close()

    def pause_writing(self):
        pass

    def resume_writing(self):
        self.paused = False
        self._pump()
'''},
    {"name": "resume_restarts", "kind": "wrong",
     "mistake": ("resume_writing calls connection_made again, which resets sent to 0 and sends "
                 "everything from the start."),
     "expect": ["total"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self.sent = 0
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            transport.write(b"x" * n)
        if self.sent >= self.total:
            transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self.connection_made(self.transport)
'''},
    {"name": "write_eof_not_close", "kind": "wrong",
     "mistake": ("At the end I call write_eof() instead of close(), so the transport is never "
                 "closed."),
     "expect": ["close"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False

    def connection_made(self, transport):
        self.transport = transport
        self._pump()

    def _pump(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)
        if self.sent >= self.total:
            self.transport.write_eof()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self._pump()
'''},
    {"name": "one_big_write", "kind": "wrong",
     "mistake": ("I write all total bytes in one write() instead of chunk-sized writes, so the "
                 "buffer jumps far past the high-water mark."),
     "expect": ["chunk"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0

    def connection_made(self, transport):
        transport.write(b"x" * self.total)
        self.sent = self.total
        transport.close()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
'''},
    {"name": "buffer_size_spin", "kind": "wrong",
     "mistake": ("Instead of using pause/resume I re-schedule myself with call_soon and check "
                 "get_write_buffer_size() every time: a busy loop."),
     "expect": ["busy"],
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0

    def connection_made(self, transport):
        self.transport = transport
        self.loop = asyncio.get_running_loop()
        self.loop.call_soon(self._tick)

    def _tick(self):
        if self.sent >= self.total:
            self.transport.close()
            return
        if self.transport.get_write_buffer_size() < 64 * 1024:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            self.transport.write(b"x" * n)
        self.loop.call_soon(self._tick)

    def pause_writing(self):
        pass

    def resume_writing(self):
        pass
'''},
    # ---------------------------------------------------------------- correct
    {"name": "call_soon_scheduled", "kind": "correct",
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self._paused = False
        self._transport = None

    def connection_made(self, transport):
        self._transport = transport
        asyncio.get_running_loop().call_soon(self._write_some)

    def _write_some(self):
        while not self._paused and self.sent < self.total:
            size = min(self.chunk, self.total - self.sent)
            self.sent += size
            self._transport.write(bytes(size))
        if self.sent >= self.total and not self._transport.is_closing():
            self._transport.close()

    def pause_writing(self):
        self._paused = True

    def resume_writing(self):
        self._paused = False
        self._write_some()

    def connection_lost(self, exc):
        self._paused = True
'''},
    {"name": "remaining_counter", "kind": "correct",
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.can_write = True
        self.transport = None
        self.payload = b"\\xab" * chunk

    def connection_made(self, transport):
        self.transport = transport
        self.produce()

    def produce(self):
        remaining = self.total - self.sent
        while remaining > 0 and self.can_write:
            piece = self.payload if remaining >= self.chunk else self.payload[:remaining]
            self.sent += len(piece)
            remaining -= len(piece)
            self.transport.write(piece)
        if remaining == 0:
            self.transport.close()

    def pause_writing(self):
        self.can_write = False

    def resume_writing(self):
        self.can_write = True
        if self.sent < self.total:
            self.produce()
'''},
    {"name": "chunk_generator", "kind": "correct",
     "source": '''
import asyncio

class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0
        self.paused = False
        self.closed = False

    def _chunks(self):
        while self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.sent += n
            yield b"." * n

    def connection_made(self, transport):
        self.transport = transport
        self.pending = self._chunks()
        self.resume_writing()

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        for data in self.pending:
            self.transport.write(data)
            if self.paused:
                return
        if not self.closed:
            self.closed = True
            self.transport.close()
'''},
]
