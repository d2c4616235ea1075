"""Learner answers to chapter 7's build exercise:
``MiniTLSProtocol.data_received`` and ``_do_handshake``."""

ANSWERS = [
    {"name": 'no_flush_while_waiting', "kind": 'wrong',
     "mistake": ('When do_handshake wants more bytes I just return, so my ClientHello '
                 'never leaves.'),
     "expect": ['flush'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'elif_in_data_received', "kind": 'wrong',
     "mistake": ("I used elif, so data that comes with the peer's last handshake message"
                 ' waits.'),
     "expect": ['elif'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        elif self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'app_told_too_early', "kind": 'wrong',
     "mistake": 'I tell the application connection_made before the handshake is done.',
     "expect": ['application'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        self._app.connection_made(self._app_transport)
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'state_not_open', "kind": 'wrong',
     "mistake": "I forget to set the state to 'open'.",
     "expect": ["'open'"],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'waiter_never_set', "kind": 'wrong',
     "mistake": ('I never call _finish_handshake(None), so whoever waits for the '
                 'handshake waits forever.'),
     "expect": ['_finish_handshake(none)'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'socket_transport_to_app', "kind": 'wrong',
     "mistake": ('I give the application the socket transport below instead of the app '
                 'transport.'),
     "expect": ['self._app_transport'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'pending_forgotten', "kind": 'wrong',
     "mistake": 'I forget the writes made during the handshake.',
     "expect": ['pending'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
'''},
    {"name": 'pending_cleared_first', "kind": 'wrong',
     "mistake": 'I clear the pending writes before sending them.',
     "expect": ['pending'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        self._pending_writes.clear()
        for data in self._pending_writes:
            self.write(data)
'''},
    {"name": 'pending_in_plain_text', "kind": 'wrong',
     "mistake": 'I write the pending data straight to the transport, unencrypted.',
     "expect": ['self.write'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self._transport.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'every_error_is_want_read', "kind": 'wrong',
     "mistake": ('I treat every SSLError like SSLWantReadError, so a failed handshake '
                 'waits forever.'),
     "expect": ['never set'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLError:
            self._flush()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'failure_keeps_transport', "kind": 'wrong',
     "mistake": 'After a failed handshake I leave the transport open.',
     "expect": ['close the transport'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'failure_state_unchanged', "kind": 'wrong',
     "mistake": "After a failed handshake I leave the state at 'handshake'.",
     "expect": ["'closed'"],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'failure_raised', "kind": 'wrong',
     "mistake": 'I re-raise the handshake error out of data_received.',
     "expect": ['escaped'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            raise
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'handshake_in_every_call', "kind": 'wrong',
     "mistake": ('I run the handshake step on every data_received, so the application is'
                 ' told connection_made again and again.'),
     "expect": ['once'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state in ("handshake", "open"):
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'wrong_bio', "kind": 'wrong',
     "mistake": "I write the peer's bytes into the outgoing BIO.",
     "expect": ['self._incoming'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._outgoing.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'ciphertext_to_app', "kind": 'wrong',
     "mistake": ('Once open, I pass the bytes to the application as they come, without '
                 'decrypting.'),
     "expect": ['ciphertext'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._app.data_received(data)

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'want_read_is_failure', "kind": 'wrong',
     "mistake": ('I report SSLWantReadError through the handshake future as if it had '
                 'failed.'),
     "expect": ['handshake_done'],
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError as exc:
            self._flush()
            self._finish_handshake(exc)
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'spin_until_done', "kind": 'wrong',
     "mistake": ('I loop on do_handshake until it succeeds, which never gives the peer a'
                 ' chance to answer.'),
     "expect": ['did not finish'],
     "hangs": True,
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        while True:
            try:
                self._sslobj.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                continue
            except ssl.SSLError as exc:
                self._state = "closed"
                self._finish_handshake(exc)
                self._transport.close()
                return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'reference', "kind": 'correct',
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'flush_in_finally', "kind": 'correct',
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state != "open":
            return
        self._read_app_data()

    def _do_handshake(self):
        error = None
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            return
        except ssl.SSLError as exc:
            error = exc
        finally:
            self._flush()
        if error is not None:
            self._state = "closed"
            self._finish_handshake(error)
            self._transport.close()
            return
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        pending, self._pending_writes = self._pending_writes, []
        for data in pending:
            self.write(data)
'''},
    {"name": 'joined_pending', "kind": 'correct',
     "source": '''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open" and self._incoming.pending:
            self._read_app_data()

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush()
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._transport.close()
            self._finish_handshake(exc)
        else:
            self._flush()
            self._state = "open"
            self._app.connection_made(self._app_transport)
            self._finish_handshake(None)
            if self._pending_writes:
                self.write(b"".join(self._pending_writes))
                self._pending_writes.clear()
'''},
]
