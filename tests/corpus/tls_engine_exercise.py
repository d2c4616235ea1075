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


# Written cold (session 3): from the notebook's prose, the exercise statement, the stub,
# the hints and toyloop/ch7_tls.py only, without reading the checker, the reference
# solution or the entries above.
ANSWERS += [
    {"name": 'cold3_elif_loses_data', "kind": 'wrong',
     "mistake": ('data_received does the handshake OR reads application data (if/elif): a '
                 'call is about one thing.'),
     "expect": ['same'],
     "source": r'''
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
    {"name": 'cold3_no_alert_on_failure', "kind": 'wrong',
     "mistake": ('When the handshake fails I close the connection at once; there is nothing '
                 'left worth sending.'),
     "expect": ['alert'],
     "source": r'''
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
    {"name": 'cold3_failure_keeps_connection', "kind": 'wrong',
     "mistake": ('On a handshake error I send the alert and report it; closing the transport '
                 'is the peer\'s business.'),
     "expect": ['close'],
     "source": r'''
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
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
        else:
            self._flush()
            self._state = "open"
            self._app.connection_made(self._app_transport)
            self._finish_handshake(None)
            for data in self._pending_writes:
                self.write(data)
            self._pending_writes.clear()
'''},
    {"name": 'cold3_error_not_reported', "kind": 'wrong',
     "mistake": ('On a handshake error I flush and close; connection_lost will tell whoever '
                 'waits.'),
     "expect": ['handshake_done'],
     "source": r'''
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
        except ssl.SSLError:
            self._flush()
            self._state = "closed"
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
    {"name": 'cold3_connection_made_always', "kind": 'wrong',
     "mistake": ('I tell the application connection_made in a finally, so it hears about the '
                 'connection whatever happens.'),
     "expect": ['connection_made'],
     "source": r'''
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
        finished = False
        try:
            self._sslobj.do_handshake()
            finished = True
        except ssl.SSLWantReadError:
            self._flush()
            return
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            finished = True
        finally:
            if finished:
                self._app.connection_made(self._app_transport)
        if self._state == "closed":
            return
        self._flush()
        self._state = "open"
        self._finish_handshake(None)
        for data in self._pending_writes:
            self.write(data)
        self._pending_writes.clear()
'''},
    {"name": 'cold3_sslerror_caught_first', "kind": 'wrong',
     "mistake": ('I catch ssl.SSLError first and SSLWantReadError after it; both are ssl '
                 'errors.'),
     "expect": ['sslwantreaderror'],
     "source": r'''
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
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            self._transport.close()
            return
        except ssl.SSLWantReadError:  # noqa: B014 - the learner's order
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
    {"name": 'cold3_incoming_only_in_handshake', "kind": 'wrong',
     "mistake": ('Only the handshake needs the incoming BIO; once open I go straight to '
                 '_read_app_data.'),
     "expect": ['incoming'],
     "source": r'''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        if self._state == "handshake":
            self._incoming.write(data)
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
    {"name": 'cold3_single_read', "kind": 'wrong',
     "mistake": ('Once open, I decrypt with one self._sslobj.read() per data_received and '
                 'hand it to the application.'),
     "expect": ['record'],
     "source": r'''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            try:
                plain = self._sslobj.read(65536)
            except ssl.SSLWantReadError:
                return
            if plain:
                self._app.data_received(plain)

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
    {"name": 'cold3_state_never_open', "kind": 'wrong',
     "mistake": ('After a successful handshake I tell the application and send what it '
                 'wrote; I forgot to change the state.'),
     "expect": ['open'],
     "source": r'''
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
        pending, self._pending_writes = self._pending_writes, []
        for data in pending:
            self._sslobj.write(data)
        self._flush()
'''},
    {"name": 'cold3_handshake_every_call', "kind": 'wrong',
     "mistake": ('data_received calls _do_handshake every time; do_handshake() on a finished '
                 'handshake just returns.'),
     "expect": ['connection_made'],
     "source": r'''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
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
    {"name": 'cold3_every_error_means_wait', "kind": 'wrong',
     "mistake": ('Any exception from do_handshake means "not yet": I flush and wait for more '
                 'bytes.'),
     "expect": ['certificate'],
     "source": r'''
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
        except Exception:
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
    # -- correct, written differently from the chapter's code ------------------------
    {"name": 'cold3_outcome_then_flush_once', "kind": 'correct',
     "source": r'''
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
        error, finished = None, False
        try:
            self._sslobj.do_handshake()
            finished = True
        except ssl.SSLWantReadError:
            pass                     # need the peer's next flight
        except ssl.SSLError as exc:
            error = exc
        self._flush()                # in all three cases something may be waiting to go
        if error is not None:
            self._state = "closed"
            self._finish_handshake(error)
            self._transport.close()
        elif finished:
            self._state = "open"
            self._app.connection_made(self._app_transport)
            self._finish_handshake(None)
            pending, self._pending_writes = self._pending_writes, []
            if pending:
                self.write(b"".join(pending))
'''},
    {"name": 'cold3_match_on_state', "kind": 'correct',
     "source": r'''
import ssl

from toyloop.ch7_tls import MiniTLSProtocol


class MyTLSProtocol(MiniTLSProtocol):
    def data_received(self, data):
        self._incoming.write(data)
        match self._state:
            case "handshake":
                self._do_handshake()
                if self._state == "open":      # the peer's data may ride along
                    self._read_app_data()
            case "open":
                self._read_app_data()
            case _:
                pass                           # closing or closed: drop it

    def _do_handshake(self):
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            return self._flush()
        except ssl.SSLError as exc:
            self._flush()
            self._state = "closed"
            self._finish_handshake(exc)
            return self._transport.close()
        self._flush()
        self._state = "open"
        self._app.connection_made(self._app_transport)
        self._finish_handshake(None)
        while self._pending_writes:
            self.write(self._pending_writes.pop(0))
'''},
]
