# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch5._SelectorSocketTransport.read: a readable socket
becomes data_received, and b'' (EOF) becomes eof_received, then close or half-open."""

from _common import maker

PIECE = "ch5._SelectorSocketTransport.read"

BASE = '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not data:
            self._read_ready__on_eof()
            return
        self._protocol_call("data_received", data)

    def _read_ready__on_eof(self):
        try:
            keep_open = self._protocol.eof_received()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        if keep_open:
            self._loop._remove_reader(self._sock_fd)
        else:
            self.close()
'''

wrong, right = maker(BASE)
EOF_CHECK = "        if not data:\n            self._read_ready__on_eof()\n            return\n"
DELIVER = '        self._protocol_call("data_received", data)\n'
DECIDE = ("        if keep_open:\n            self._loop._remove_reader(self._sock_fd)\n"
          "        else:\n            self.close()\n")

ANSWERS = [
    wrong("eof_as_data", "passes b'' to data_received instead of handling EOF",
          ["eof_received"], (EOF_CHECK, "")),
    wrong("always_closes", "closes at EOF whatever eof_received answers",
          ["keeps the writing half open"], (DECIDE, "        self.close()\n")),
    wrong("keeps_reading_at_eof", "keeps the reader at EOF when eof_received returns True",
          ["stop reading"], (DECIDE, "        if not keep_open:\n            self.close()\n")),
    wrong("protocol_error_escapes", "calls data_received directly: its exception escapes "
          "the transport", ["Fatal error"],
          (DELIVER, "        self._protocol.data_received(data)\n")),
    wrong("delivers_twice", "hands every chunk to data_received twice", ["every byte"],
          (DELIVER, DELIVER + DELIVER)),
    wrong("never_delivers", "reads but never calls data_received", ["every byte"],
          (DELIVER, "        self._received = data\n")),
    wrong("quiet_close_on_error", "closes quietly when the protocol fails",
          ["Fatal error"],
          (DELIVER, "        try:\n            self._protocol.data_received(data)\n"
                    "        except Exception:\n            self.close()\n")),
    wrong("connection_lost_at_eof", "calls connection_lost itself at EOF",
          ["eof_received"],
          (DECIDE, "        self._protocol.connection_lost(None)\n")),
    wrong("aborts_at_eof", "aborts at EOF, whatever eof_received answers",
          ["keeps the writing half open"], (DECIDE, "        self.abort()\n")),
    wrong("decodes_the_bytes", "hands data_received a str", ["every byte"],
          (DELIVER, '        self._protocol_call("data_received", data.decode())\n')),
    wrong("own_error_message", "reports a protocol failure with its own words",
          ["Fatal error: protocol.data_received() call failed."],
          (DELIVER, "        try:\n            self._protocol.data_received(data)\n"
                    "        except Exception as exc:\n"
                    "            self._fatal_error(exc, 'data_received went wrong')\n")),
    wrong("public_remove_reader", "stops reading with the public remove_reader, which "
          "refuses a transport's fd", ["stop reading"],
          ("            self._loop._remove_reader(self._sock_fd)\n",
           "            self._loop.remove_reader(self._sock_fd)\n")),
    wrong("eof_is_none", "tests `data is None` for EOF", ["eof_received"],
          ("        if not data:\n            self._read_ready__on_eof()",
           "        if data is None:\n            self._read_ready__on_eof()")),
    wrong("close_then_ask", "closes first, then asks eof_received", ["keeps the writing half open"],
          ("        try:\n            keep_open = self._protocol.eof_received()\n",
           "        self.close()\n        try:\n            keep_open = self._protocol.eof_received()\n")),
    wrong("deferred_delivery", "delivers data later with call_soon, outside the error "
          "handling", ["Fatal error"],
          (DELIVER, "        self._loop.call_soon(self._protocol.data_received, data)\n")),
    wrong("swallows_protocol_errors", "ignores an exception from data_received",
          ["Fatal error"],
          (DELIVER, "        try:\n            self._protocol.data_received(data)\n"
                    "        except Exception:\n            pass\n")),
    right("reference_style", BASE),
    right("one_method", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except Exception as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if data:
            self._protocol_call("data_received", data)
            return
        try:
            half_open = self._protocol.eof_received()
        except Exception as exc:
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        if not half_open:
            self.close()
        else:
            self._loop._remove_reader(self._sock_fd)
'''),
    right("pause_at_eof", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            chunk = self._sock.recv(65536)
        except InterruptedError:
            return
        except BlockingIOError:
            return
        except Exception as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if chunk == b"":
            return self._read_ready__on_eof()
        try:
            self._protocol.data_received(chunk)
        except Exception as exc:
            self._fatal_error(exc, "Fatal error: protocol.data_received() call failed.")

    def _read_ready__on_eof(self):
        try:
            if self._protocol.eof_received():
                self.pause_reading()
                return
        except Exception as exc:
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        self.close()
'''),
]

# Written cold (session 3): whole read paths written from the notebook's section 3 and
# toyloop/ch5_transports.py only, without reading the checker or the answers above.
from _common import whole  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_no_blocking_guard", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except ConnectionError as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if data:
            self._protocol_call("data_received", data)
            return
        if self._protocol.eof_received():
            self._loop._remove_reader(self._sock_fd)
        else:
            self.close()
''', "a spurious wake-up (recv raises BlockingIOError) is treated as an error instead "
     "of being ignored", ["BlockingIOError"]),

    whole("wrong", "cold3_empty_bytes_as_data", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except Exception as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        self._protocol_call("data_received", data)   # whatever came
''', "b'' (the peer closed) is handed to data_received instead of calling "
     "eof_received", ["eof_received"]),

    whole("wrong", "cold3_eof_always_closes", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not data:
            self._protocol.eof_received()
            self.close()            # the other side is gone: so are we
            return
        self._protocol_call("data_received", data)
''', "closes at EOF even when eof_received() returned True (keep writing)",
          ["eof_received", "True"]),

    whole("wrong", "cold3_eof_keeps_reader", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if data:
            self._protocol_call("data_received", data)
        elif not self._protocol.eof_received():
            self.close()
        # eof_received() said keep open: nothing to do
''', "keeps the reader registered after EOF when eof_received() returns True: a socket "
     "at EOF is readable forever, so eof_received is called again and again",
          ["reader"]),

    whole("wrong", "cold3_protocol_called_directly", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not data:
            if self._protocol.eof_received():
                self._loop._remove_reader(self._sock_fd)
            else:
                self.close()
            return
        self._protocol.data_received(data)
''', "calls protocol.data_received directly: when it raises, the error escapes into "
     "the loop and the connection stays open", ["data_received"]),

    whole("wrong", "cold3_read_error_escapes", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        if not data:
            if self._protocol.eof_received():
                self._loop._remove_reader(self._sock_fd)
            else:
                self.close()
            return
        self._protocol_call("data_received", data)
''', "a failing recv (connection reset) escapes into the loop instead of ending the "
     "connection with connection_lost(exc)", ["connection_lost"]),

    whole("wrong", "cold3_eof_loses_connection_directly", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if data:
            self._protocol_call("data_received", data)
            return
        self._loop._remove_reader(self._sock_fd)
        if not self._protocol.eof_received():
            self._protocol.connection_lost(None)    # the connection is over
''', "at EOF calls connection_lost itself instead of close(): the transport never "
     "closes its socket (and connection_lost may come twice)", ["close"]),

    whole("correct", "cold3_right_own_words", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return                     # a read event that came after a fatal error
        try:
            chunk = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return                     # nothing after all
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if chunk:
            self._protocol_call("data_received", chunk)
            return
        try:
            keep_open = self._protocol.eof_received()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        if keep_open:
            self._loop._remove_reader(self._sock_fd)
        else:
            self.close()
'''),

    whole("correct", "cold3_right_uses_eof_helper", '''
class _SelectorSocketTransport:
    def _read_ready__data_received(self):
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            data = None
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if data is None:
            return
        if data == b"":
            self._read_ready__on_eof()   # the chapter's EOF handling
        else:
            self._protocol_call("data_received", data)
'''),
]
