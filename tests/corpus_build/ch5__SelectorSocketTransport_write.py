# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch5._SelectorSocketTransport.write: send at once, buffer
the rest behind a writer, and tell the protocol to pause/resume at the water marks."""

from _common import maker

PIECE = "ch5._SelectorSocketTransport.write"

BASE = '''
class _SelectorSocketTransport:
    def write(self, data):
        _check_bytes(data)
        if self._eof:
            raise RuntimeError("Cannot call write() after write_eof()")
        if self._empty_waiter is not None:
            raise RuntimeError("unable to write; sendfile is in progress")
        if not data:
            return
        if self._conn_lost:
            self._conn_lost += 1
            return
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except Exception as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        self._maybe_pause_protocol()

    def _write_ready(self):
        if self._conn_lost:
            return
        try:
            n = self._sock.send(self._buffer)
        except (BlockingIOError, InterruptedError):
            return
        except Exception as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            return
        del self._buffer[:n]
        self._maybe_resume_protocol()
        if self._buffer:
            return
        self._loop._remove_writer(self._sock_fd)
        if self._closing and not self._conn_lost:
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)

    def _maybe_pause_protocol(self):
        if self.get_write_buffer_size() > self._high_water and not self._protocol_paused:
            self._protocol_paused = True
            self._call_protocol("pause_writing")

    def _maybe_resume_protocol(self):
        if self._protocol_paused and self.get_write_buffer_size() <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
'''

wrong, right = maker(BASE)
KEEP_REST = ('            data = memoryview(data)[n:]\n            if not data:\n                return\n'
             '            self._loop._add_writer(self._sock_fd, self._write_ready)\n'
             '        self._buffer.extend(data)\n')

ANSWERS = [
    wrong("drops_the_rest", "sends what the socket takes and forgets the rest",
          ["buffered"],
          (KEEP_REST, "            return\n        self._buffer.extend(data)\n")),
    wrong("no_writer", "buffers the rest but never asks to be told when writable",
          ["add_writer"],
          ("            self._loop._add_writer(self._sock_fd, self._write_ready)\n", "")),
    wrong("writer_never_removed", "keeps the writer after the buffer is empty",
          ["remove the writer"],
          ("        if self._buffer:\n            return\n        self._loop._remove_writer"
           "(self._sock_fd)\n",
           "        if self._buffer:\n            return\n")),
    wrong("never_pauses", "never calls pause_writing", ["pause_writing"],
          ("        self._buffer.extend(data)\n        self._maybe_pause_protocol()\n",
           "        self._buffer.extend(data)\n")),
    wrong("never_resumes", "never calls resume_writing", ["resume_writing"],
          ("        del self._buffer[:n]\n        self._maybe_resume_protocol()\n",
           "        del self._buffer[:n]\n")),
    wrong("pauses_at_low_mark", "pauses once the buffer passes the low-water mark",
          ["high-water mark"],
          ("self.get_write_buffer_size() > self._high_water and",
           "self.get_write_buffer_size() > self._low_water and")),
    wrong("resumes_below_high", "resumes as soon as the buffer is below the high mark",
          ["low-water mark"],
          ("self.get_write_buffer_size() <= self._low_water:",
           "self.get_write_buffer_size() <= self._high_water:")),
    wrong("pauses_every_time", "calls pause_writing on every write above the mark",
          ["never twice in a row"],
          (" and not self._protocol_paused:", ":")),
    wrong("resumes_every_time", "calls resume_writing whenever the buffer is low",
          ["only after a pause_writing"],
          ("        if self._protocol_paused and self.get_write_buffer_size() <= self._low_water:",
           "        if self.get_write_buffer_size() <= self._low_water:")),
    wrong("resends_the_buffer", "forgets to drop the bytes that went out",
          ["sent the wrong bytes"],
          ("        del self._buffer[:n]\n", "")),
    wrong("clears_after_partial_send", "clears the whole buffer after a partial send",
          ["sent the wrong bytes"],
          ("        del self._buffer[:n]\n", "        self._buffer.clear()\n")),
    wrong("refuses_while_paused", "drops data written while the protocol is paused",
          ["sent the wrong bytes"],
          ("        if not data:\n            return\n        if self._conn_lost:",
           "        if not data or self._protocol_paused:\n            return\n"
           "        if self._conn_lost:")),
    wrong("close_never_finishes", "never finishes a close that waited for the flush",
          ["finish a close()"],
          ("            self._conn_lost += 1\n            self._call_connection_lost(None)\n",
           "            pass\n")),
    wrong("always_buffers", "never tries to send at once", ["at once"],
          ("        if not self._buffer:\n            try:\n                n = self._sock.send(data)\n"
           "            except (BlockingIOError, InterruptedError):\n                n = 0\n",
           "        if not self._buffer:\n            try:\n                n = 0\n"
           "            except (BlockingIOError, InterruptedError):\n                n = 0\n")),
    wrong("sendall_on_nonblocking", "uses sendall, which loses count of a partial send",
          ["sent the wrong bytes"],
          ("            try:\n                n = self._sock.send(data)\n",
           "            try:\n                self._sock.sendall(data)\n                n = len(data)\n")),
    wrong("buffers_everything", "buffers all the data even after part was sent",
          ["sent the wrong bytes"],
          ("            data = memoryview(data)[n:]\n            if not data:\n                return\n",
           "            if n == len(data):\n                return\n")),
    right("reference_style", BASE),
    right("flow_control_inline", '''
class _SelectorSocketTransport:
    def write(self, data):
        _check_bytes(data)
        if self._eof:
            raise RuntimeError("Cannot call write() after write_eof()")
        if not data or self._conn_lost:
            return
        view = memoryview(data)
        if not self._buffer:
            try:
                view = view[self._sock.send(view):]
            except (BlockingIOError, InterruptedError):
                pass
            except Exception as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            if not view:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer += view
        if not self._protocol_paused and len(self._buffer) > self._high_water:
            self._protocol_paused = True
            self._call_protocol("pause_writing")

    def _write_ready(self):
        if self._conn_lost:
            return
        try:
            sent = self._sock.send(self._buffer)
        except (BlockingIOError, InterruptedError):
            return
        except Exception as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            return
        del self._buffer[:sent]
        if self._protocol_paused and len(self._buffer) <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
        if not self._buffer:
            self._loop._remove_writer(self._sock_fd)
            if self._closing and not self._conn_lost:
                self._conn_lost += 1
                self._call_connection_lost(None)
            elif self._eof:
                self._sock.shutdown(socket.SHUT_WR)
'''),
    right("flush_helper", '''
class _SelectorSocketTransport:
    def write(self, data):
        _check_bytes(data)
        if self._eof:
            raise RuntimeError("Cannot call write() after write_eof()")
        if not data or self._conn_lost:
            return
        was_empty = not self._buffer
        self._buffer.extend(data)
        if was_empty:
            self._flush()
            if self._buffer:
                self._loop._add_writer(self._sock_fd, self._write_ready)
        self._maybe_pause_protocol()

    def _flush(self):
        try:
            sent = self._sock.send(self._buffer)
        except (BlockingIOError, InterruptedError):
            return True
        except Exception as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            return False
        del self._buffer[:sent]
        return True

    def _write_ready(self):
        if self._conn_lost or not self._flush():
            return
        self._maybe_resume_protocol()
        if self._buffer:
            return
        self._loop._remove_writer(self._sock_fd)
        if self._closing and not self._conn_lost:
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)
'''),
]
