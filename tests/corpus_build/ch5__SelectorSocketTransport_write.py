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

# Written cold (session 3): whole write/_write_ready pairs written from the notebook's
# section 3 and toyloop/ch5_transports.py only, without reading the checker or the
# answers above.
from _common import whole  # noqa: E402

# The close/EOF/empty-waiter ending of _write_ready, shared by most answers below
# (a learner copies it from the chapter; the mistakes are elsewhere).
_COLD_DRAINED = '''
        self._loop._remove_writer(self._sock_fd)
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
        if self._closing and not self._conn_lost:
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)
'''
_COLD_WRITE_CHECKS = '''
        _check_bytes(data)
        if self._eof:
            raise RuntimeError("Cannot call write() after write_eof()")
        if self._empty_waiter is not None:
            raise RuntimeError("unable to write; sendfile is in progress")
        if not data:
            return
        if self._conn_lost:
            if self._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
'''
_COLD_WRITE_READY_SEND = '''
        if self._conn_lost:
            return
        try:
            sent = self._sock.send(self._buffer)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            if self._empty_waiter is not None:
                self._empty_waiter.set_exception(exc)
            return
        del self._buffer[:sent]
'''

ANSWERS += [
    whole("wrong", "cold3_send_and_forget", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        try:
            self._sock.send(data)           # the kernel takes it
        except (BlockingIOError, InterruptedError):
            pass
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal write error on socket transport")

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        if self._buffer:
            return''' + _COLD_DRAINED,
          "write sends once and drops whatever the kernel did not take (no buffering of "
          "partial sends)", ["buffer"]),

    whole("wrong", "cold3_sends_past_buffer", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        try:
            n = self._sock.send(data)       # always try first: it is faster
        except (BlockingIOError, InterruptedError):
            n = 0
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal write error on socket transport")
            return
        rest = data[n:]
        if not rest:
            return
        if not self._buffer:
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(rest)
        if len(self._buffer) > self._high_water and not self._protocol_paused:
            self._protocol_paused = True
            self._call_protocol("pause_writing")

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        if self._protocol_paused and len(self._buffer) <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
        if self._buffer:
            return''' + _COLD_DRAINED,
          "write sends new data while older data is still buffered, so bytes go out "
          "of order", ["order"]),

    whole("wrong", "cold3_pause_every_write", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        if len(self._buffer) > self._high_water:
            self._protocol_paused = True
            self._call_protocol("pause_writing")

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        if self._protocol_paused and len(self._buffer) <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
        if self._buffer:
            return''' + _COLD_DRAINED,
          "pause_writing() is called on every write above the high-water mark, not "
          "once", ["pause_writing"]),

    whole("wrong", "cold3_never_pauses", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        if self._buffer:
            self._buffer.extend(data)
            return
        try:
            n = self._sock.send(data)
        except (BlockingIOError, InterruptedError):
            n = 0
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal write error on socket transport")
            return
        if n < len(data):
            self._buffer.extend(memoryview(data)[n:])
            self._loop._add_writer(self._sock_fd, self._write_ready)

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        if self._protocol_paused and len(self._buffer) <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
        if self._buffer:
            return''' + _COLD_DRAINED,
          "pause_writing() is never called, however full the buffer gets",
          ["pause_writing"]),

    whole("wrong", "cold3_never_resumes", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        self._maybe_pause_protocol()

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        if self._buffer:
            return''' + _COLD_DRAINED,
          "resume_writing() is never called after the buffer drains, so a paused "
          "protocol stays paused", ["resume_writing"]),

    whole("wrong", "cold3_resume_below_high_mark", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        self._maybe_pause_protocol()

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        # Room again below the limit: let the protocol write.
        if self._protocol_paused and len(self._buffer) <= self._high_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
        if self._buffer:
            return''' + _COLD_DRAINED,
          "resume_writing() as soon as the buffer is back under the high-water mark "
          "instead of down to the low-water mark", ["resume_writing", "low"]),

    whole("wrong", "cold3_close_never_finishes", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        self._maybe_pause_protocol()

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        self._maybe_resume_protocol()
        if not self._buffer:
            self._loop._remove_writer(self._sock_fd)
            if self._empty_waiter is not None:
                self._empty_waiter.set_result(None)
            if self._eof:
                self._sock.shutdown(socket.SHUT_WR)
''', "a close() waiting for the buffer to drain never finishes: connection_lost is "
     "never called", ["connection_lost"]),

    whole("wrong", "cold3_writer_left_registered", '''
class _SelectorSocketTransport:
    def write(self, data):''' + _COLD_WRITE_CHECKS + '''
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        self._maybe_pause_protocol()

    def _write_ready(self):''' + _COLD_WRITE_READY_SEND + '''
        self._maybe_resume_protocol()
        if self._buffer:
            return
        # Drained.  (The writer stays: more data may come.)
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
        if self._closing and not self._conn_lost:
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)
''', "the writer stays registered after the buffer is empty: the loop keeps "
     "calling _write_ready on an idle socket", ["writer"]),

    whole("correct", "cold3_right_by_hand", '''
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
            if self._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
        if self._buffer:
            self._buffer += data            # behind what is already waiting
        else:
            try:
                sent = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            if sent == len(data):
                return
            self._buffer += memoryview(data)[sent:]
            self._loop._add_writer(self._sock_fd, self._write_ready)
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
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            if self._empty_waiter is not None:
                self._empty_waiter.set_exception(exc)
            return
        del self._buffer[:sent]
        if self._protocol_paused and len(self._buffer) <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")
        if self._buffer:
            return
        self._loop._remove_writer(self._sock_fd)
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
        if self._closing and not self._conn_lost:
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)
'''),

    whole("correct", "cold3_right_mixin_helpers", '''
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
            if self._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
        view = memoryview(data)
        if not self._buffer:
            try:
                view = view[self._sock.send(view):]
            except (BlockingIOError, InterruptedError):
                pass
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            if not view:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(view)
        self._maybe_pause_protocol()

    def _write_ready(self):
        if self._conn_lost:
            return
        try:
            del self._buffer[:self._sock.send(self._buffer)]
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            if self._empty_waiter is not None:
                self._empty_waiter.set_exception(exc)
            return
        self._maybe_resume_protocol()
        if self._buffer:
            return
        self._loop._remove_writer(self._sock_fd)
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
        if self._closing:
            if not self._conn_lost:
                self._conn_lost += 1
                self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)
'''),
]

# Session 3, after reading the scenarios: probes derived from a cold right answer above.
from _common import mutate, named  # noqa: E402

_COLD_RIGHT = named(ANSWERS, "cold3_right_by_hand")

ANSWERS += [
    whole("wrong", "cold3_probe_no_fin_after_flush", mutate(
        _COLD_RIGHT, ('''        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)
''', "")),
          "a write_eof() that waited for the buffer to drain never sends the FIN",
          ["eof"]),
    whole("wrong", "cold3_probe_write_after_eof", mutate(
        _COLD_RIGHT, ('''        if self._eof:
            raise RuntimeError("Cannot call write() after write_eof()")
''', "")),
          "write() after write_eof() is accepted instead of raising RuntimeError",
          ["write_eof"]),
    whole("wrong", "cold3_probe_no_type_check", mutate(
        _COLD_RIGHT, ('''        _check_bytes(data)
''', "")),
          "write('text') is not refused with TypeError: the str reaches send()",
          ["bytes"]),
    whole("wrong", "cold3_probe_writes_after_lost", mutate(
        _COLD_RIGHT, ('''        if self._conn_lost:
            if self._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
''', "")),
          "write() after the connection was lost still tries to send", ["lost"]),
]
