"""Chapter 7, part 1: TLS without blocking.

``TLSLoop`` is chapter 5's ``EventLoop`` with ``ssl=`` accepted wherever
asyncio accepts it: ``create_connection``, ``create_server``,
``connect_accepted_socket`` (and so ``create_unix_connection`` and
``create_unix_server`` in part 2), and ``start_tls``, which upgrades a live
plain-text transport, with ``server_hostname``, ``ssl_handshake_timeout``
and ``ssl_shutdown_timeout``.

The idea the chapter teaches: TLS is *a protocol between two protocols*.
The socket transport hands encrypted bytes to a TLS protocol; the TLS
protocol feeds them to an ``ssl.SSLObject`` through an incoming
``ssl.MemoryBIO``, takes the decrypted bytes out and hands them to the
application's protocol through a second, "application" transport; what the
application writes goes the other way through an outgoing ``MemoryBIO``.
``SSLObject`` never touches a socket, so it never blocks: every call either
makes progress or raises ``SSLWantReadError`` ("feed me more bytes first").
The handshake is then a small state machine driven by ``data_received``.

Decision: toyloop reuses asyncio's ``sslproto.SSLProtocol`` (by import) over
its own socket transports, exactly where asyncio puts it
(``selector_events._make_ssl_transport``).  Why:

* TLS has sharp edges that are not about event loops: renegotiation,
  ``SSLWantWriteError``, close_notify in both directions, the handshake and
  shutdown timeouts, flow control between the two transports (the app
  transport must pause its writer when the *socket's* buffer is full), and
  the exact errors asyncio reports.  ``sslproto.py`` is ~900 lines for that
  reason, and rewriting it would teach less than reading it.
* It needs nothing from the loop beyond what chapters 2-5 built:
  ``call_soon``, ``call_later``, ``create_future``, ``time``, the exception
  handler, and a transport with ``pause_reading``/``resume_reading``,
  ``write``, ``close``/``abort`` that speaks ``BufferedProtocol``
  (``get_buffer``/``buffer_updated``), which chapter 5's transport does.
  That it runs unchanged on toyloop is itself the lesson: the loop does not
  know TLS exists.

To show the mechanism in a screenful, ``MiniTLSProtocol`` below is a
teaching-sized version (handshake, data both ways, close_notify) that the
chapter builds and ``tests/test_ch7_tls.py`` checks against a real TLS
peer; production code paths use ``sslproto``.

What asyncio does differently: nothing here; the loop-side code follows
``base_events.create_connection``/``create_server``/``start_tls`` and
``selector_events._accept_connection2``.  Where asyncio's ssl module is
missing, asyncio raises ``RuntimeError('Python ssl module is not
available')``; toyloop assumes it is present.
"""

from __future__ import annotations

import asyncio
import socket
import ssl as _ssl
from asyncio import constants as _constants
from asyncio import sslproto
from typing import Any

from .ch5_asyncio import EventLoop as _Ch5EventLoop
from .ch5_transports import _SelectorSocketTransport


class _TLSCapableSocketTransport(_SelectorSocketTransport):
    """Chapter 5's socket transport, declared fit for ``start_tls()``.

    asyncio checks this flag rather than the transport's type, so any
    transport can opt in; it must support ``set_protocol`` while open and
    ``pause_reading``/``resume_reading``, which chapter 5's does.
    """

    _start_tls_compatible = True


def _check_ssl_socket(sock: Any) -> None:
    """An ``ssl.SSLSocket`` does blocking TLS inside recv/send: not for a loop."""
    if isinstance(sock, _ssl.SSLSocket):
        raise TypeError("Socket cannot be of type SSLSocket")


def _check_ssl_timeouts(ssl: Any, handshake: Any, shutdown: Any) -> None:
    """The timeouts mean something only when there is a TLS layer to time."""
    if handshake is not None and not ssl:
        raise ValueError("ssl_handshake_timeout is only meaningful with ssl")
    if shutdown is not None and not ssl:
        raise ValueError("ssl_shutdown_timeout is only meaningful with ssl")


def _client_hostname(ssl: Any, host: Any, server_hostname: Any) -> Any:
    """The name a TLS client checks the certificate against (asyncio's rule).

    It defaults to ``host``.  Without a host (a ``sock=`` was given) the
    caller must say: ``server_hostname=''`` turns the check off explicitly.
    """
    if server_hostname is not None and not ssl:
        raise ValueError("server_hostname is only meaningful with ssl")
    if server_hostname is None and ssl:
        if not host:
            raise ValueError("You must set server_hostname when using ssl without a host")
        return host
    return server_hostname


class TLSLoop(_Ch5EventLoop):
    """Chapter 5's loop plus ``ssl=`` and ``start_tls`` (asyncio's ``sslproto`` on top)."""

    _socket_transport_class: type = _TLSCapableSocketTransport

    def _make_socket_transport(self, sock: socket.socket, protocol: Any, waiter: Any = None, *,
                               extra: dict | None = None, server: Any = None) -> Any:
        return self._socket_transport_class(self, sock, protocol, waiter, extra, server)

    # -- The one place a TLS layer is inserted ----------------------------------

    def _make_ssl_transport(self, rawsock: socket.socket, protocol: Any, sslcontext: Any,
                            waiter: Any = None, *, server_side: bool = False,
                            server_hostname: Any = None, extra: dict | None = None,
                            server: Any = None,
                            ssl_handshake_timeout: Any = _constants.SSL_HANDSHAKE_TIMEOUT,
                            ssl_shutdown_timeout: Any = _constants.SSL_SHUTDOWN_TIMEOUT) -> Any:
        """Socket transport -> SSLProtocol -> app transport -> the user's protocol.

        The socket transport never sees the user's protocol: it talks to
        ``SSLProtocol``, which sets ``waiter`` once the handshake is done and
        hands the user its "app transport" (``ssl_protocol._app_transport``).
        """
        ssl_protocol = sslproto.SSLProtocol(
            self, protocol, sslcontext, waiter, server_side, server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout)
        self._socket_transport_class(self, rawsock, ssl_protocol, extra=extra, server=server)
        return ssl_protocol._app_transport

    async def _create_connection_transport(self, sock: socket.socket, protocol_factory: Any,
                                           ssl: Any = None, server_hostname: Any = None,
                                           server_side: bool = False,
                                           ssl_handshake_timeout: Any = None,
                                           ssl_shutdown_timeout: Any = None
                                           ) -> tuple[Any, Any]:
        """Chapter 5's version, with a TLS layer when ``ssl`` is set.

        ``ssl=True`` means "a default client context" (``SSLProtocol`` makes
        one with ``ssl.create_default_context()``).
        """
        if not ssl:
            return await super()._create_connection_transport(sock, protocol_factory)
        sock.setblocking(False)
        protocol = protocol_factory()
        waiter = self.create_future()
        transport = self._make_ssl_transport(
            sock, protocol, None if isinstance(ssl, bool) else ssl, waiter,
            server_side=server_side, server_hostname=server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout)
        try:
            await waiter  # set by SSLProtocol when the handshake has finished
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    # -- Clients --------------------------------------------------------------------

    async def create_connection(self, protocol_factory: Any, host: Any = None, port: Any = None,
                                *, ssl: Any = None, family: int = 0, proto: int = 0,
                                flags: int = 0, sock: socket.socket | None = None,
                                local_addr: Any = None, server_hostname: Any = None,
                                ssl_handshake_timeout: Any = None,
                                ssl_shutdown_timeout: Any = None,
                                happy_eyeballs_delay: Any = None, interleave: Any = None,
                                all_errors: bool = False) -> tuple[Any, Any]:
        """Chapter 5's ``create_connection``; with ``ssl`` the handshake runs before return."""
        server_hostname = _client_hostname(ssl, host, server_hostname)
        _check_ssl_timeouts(ssl, ssl_handshake_timeout, ssl_shutdown_timeout)
        if sock is not None:
            _check_ssl_socket(sock)
        if not ssl:
            return await super().create_connection(
                protocol_factory, host, port, family=family, proto=proto, flags=flags,
                sock=sock, local_addr=local_addr, happy_eyeballs_delay=happy_eyeballs_delay,
                interleave=interleave, all_errors=all_errors)
        sock = await self._client_socket(host, port, sock, family, proto, flags, local_addr,
                                         all_errors)
        return await self._create_connection_transport(
            sock, protocol_factory, ssl, server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout)

    async def connect_accepted_socket(self, protocol_factory: Any, sock: socket.socket, *,
                                      ssl: Any = None, ssl_handshake_timeout: Any = None,
                                      ssl_shutdown_timeout: Any = None) -> tuple[Any, Any]:
        """A socket accepted elsewhere; with ``ssl`` we are the TLS *server* side."""
        if sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        _check_ssl_timeouts(ssl, ssl_handshake_timeout, ssl_shutdown_timeout)
        _check_ssl_socket(sock)
        return await self._create_connection_transport(
            sock, protocol_factory, ssl, "", server_side=True,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout)

    # -- Servers ------------------------------------------------------------------------

    async def create_server(self, protocol_factory: Any, host: Any = None, port: Any = None,
                            *, ssl: Any = None, ssl_handshake_timeout: Any = None,
                            ssl_shutdown_timeout: Any = None, start_serving: bool = True,
                            **kwargs: Any) -> Any:
        """Chapter 5's server; each accepted socket gets a TLS layer when ``ssl`` is set.

        The context travels on the server object: ``_accept_connection2``
        (below) reads it for every connection.
        """
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        if ssl_handshake_timeout is not None and ssl is None:
            raise ValueError("ssl_handshake_timeout is only meaningful with ssl")
        if ssl_shutdown_timeout is not None and ssl is None:
            raise ValueError("ssl_shutdown_timeout is only meaningful with ssl")
        if kwargs.get("sock") is not None:
            _check_ssl_socket(kwargs["sock"])
        server = await super().create_server(protocol_factory, host, port,
                                             start_serving=False, **kwargs)
        return await self._serve_tls(server, ssl, ssl_handshake_timeout, ssl_shutdown_timeout,
                                     start_serving)

    async def _serve_tls(self, server: Any, ssl: Any, handshake_timeout: Any,
                         shutdown_timeout: Any, start_serving: bool) -> Any:
        """Attach the TLS settings to ``server``, then start it as asyncio does."""
        server._ssl_context = ssl
        server._ssl_handshake_timeout = handshake_timeout
        server._ssl_shutdown_timeout = shutdown_timeout
        if start_serving:
            server._start_serving()
            await asyncio.sleep(0)  # one iteration, so the accept readers are in
        return server

    async def _accept_connection2(self, protocol_factory: Any, conn: socket.socket,
                                  extra: dict, server: Any) -> None:
        """Chapter 5's per-connection task, plus the TLS layer when the server has one."""
        sslcontext = getattr(server, "_ssl_context", None)
        if not sslcontext:
            return await super()._accept_connection2(protocol_factory, conn, extra, server)
        protocol = transport = None
        try:
            protocol = protocol_factory()
            waiter = self.create_future()
            transport = self._make_ssl_transport(
                conn, protocol, sslcontext, waiter, server_side=True, extra=extra,
                server=server, ssl_handshake_timeout=server._ssl_handshake_timeout,
                ssl_shutdown_timeout=server._ssl_shutdown_timeout)
            try:
                await waiter  # a failed handshake ends here, never in the user's protocol
            except BaseException:
                transport.close()
                raise
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            if self._debug:
                context = {"message": "Error on transport creation for incoming connection",
                           "exception": exc}
                if protocol is not None:
                    context["protocol"] = protocol
                if transport is not None:
                    context["transport"] = transport
                self.call_exception_handler(context)

    # -- Upgrading a live connection -------------------------------------------------

    async def start_tls(self, transport: Any, protocol: Any, sslcontext: Any, *,
                        server_side: bool = False, server_hostname: Any = None,
                        ssl_handshake_timeout: Any = None,
                        ssl_shutdown_timeout: Any = None) -> Any:
        """Put a TLS layer under ``protocol`` on an open transport (STARTTLS).

        The transport keeps its socket; only its protocol changes.  Reading is
        paused first, so that no byte reaches ``SSLProtocol.data_received``
        before its ``connection_made`` ran.
        """
        if not isinstance(sslcontext, _ssl.SSLContext):
            raise TypeError(f"sslcontext is expected to be an instance of ssl.SSLContext, "
                            f"got {sslcontext!r}")
        if not getattr(transport, "_start_tls_compatible", False):
            raise TypeError(f"transport {transport!r} is not supported by start_tls()")
        waiter = self.create_future()
        ssl_protocol = sslproto.SSLProtocol(
            self, protocol, sslcontext, waiter, server_side, server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout, call_connection_made=False)
        transport.pause_reading()
        transport.set_protocol(ssl_protocol)
        conmade_cb = self.call_soon(ssl_protocol.connection_made, transport)
        resume_cb = self.call_soon(transport.resume_reading)
        try:
            await waiter
        except BaseException:
            transport.close()
            conmade_cb.cancel()
            resume_cb.cancel()
            raise
        return ssl_protocol._app_transport


# ---------------------------------------------------------------------------
# For the chapter: a teaching-sized TLS layer (production uses sslproto above)
# ---------------------------------------------------------------------------


class MiniTLSProtocol(asyncio.Protocol):
    """TLS as a protocol between a plain transport and the application's protocol.

    ::

        socket transport --data_received(ciphertext)--> [incoming MemoryBIO]
              ^                                              | SSLObject.read()
              |                                              v
        transport.write(ciphertext) <-- [outgoing MemoryBIO]  app.data_received(plain)
                                              ^ SSLObject.write()
                                              |
                                     app_transport.write(plain)

    ``SSLObject`` never touches a socket, so no call blocks: each either makes
    progress or raises ``SSLWantReadError`` -- "the peer must send more first".
    States: ``"handshake"`` (driven by ``data_received``), ``"open"``,
    ``"closing"`` (our close_notify is sent), ``"closed"``.

    Left out versus ``sslproto.SSLProtocol``: flow control between the two
    transports (a fast writer here fills memory), the handshake and shutdown
    timeouts, waiting for the peer's close_notify, ``BufferedProtocol``, and
    most error reporting.  ``tests/test_ch7_tls.py`` runs it against
    asyncio's TLS server on both loops.
    """

    def __init__(self, context: _ssl.SSLContext, app_protocol: asyncio.BaseProtocol, *,
                 server_side: bool = False, server_hostname: str | None = None,
                 handshake_done: asyncio.Future | None = None) -> None:
        self._incoming = _ssl.MemoryBIO()  # ciphertext from the peer, not yet decrypted
        self._outgoing = _ssl.MemoryBIO()  # ciphertext for the peer, not yet sent
        self._sslobj = context.wrap_bio(self._incoming, self._outgoing,
                                        server_side=server_side,
                                        server_hostname=server_hostname)
        self._app = app_protocol
        self._handshake_done = handshake_done
        self._state = "handshake"
        self._pending_writes: list[bytes] = []  # app data written during the handshake
        self._transport: Any = None
        self._app_transport = _MiniAppTransport(self)

    # -- Below us: the plain transport --------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self._transport = transport
        self._do_handshake()  # a client speaks first: its ClientHello goes out now

    def data_received(self, data: bytes) -> None:
        self._incoming.write(data)
        if self._state == "handshake":
            self._do_handshake()
        if self._state == "open":
            self._read_app_data()

    def eof_received(self) -> bool | None:
        # A TCP EOF without close_notify could be a truncation attack; we only report it.
        self._incoming.write_eof()
        if self._state == "open":
            return self._app.eof_received()
        return None

    def connection_lost(self, exc: BaseException | None) -> None:
        was_open = self._state in ("open", "closing")
        self._state = "closed"
        self._finish_handshake(exc or ConnectionResetError("connection lost in handshake"))
        if was_open:
            self._app.connection_lost(exc)

    # -- The handshake: a state machine fed by data_received ----------------------

    def _do_handshake(self) -> None:
        try:
            self._sslobj.do_handshake()
        except _ssl.SSLWantReadError:
            self._flush()  # our next flight, if any; then wait for the peer's
            return
        except _ssl.SSLError as exc:
            self._flush()  # the alert tells the peer why
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

    def _finish_handshake(self, exc: BaseException | None) -> None:
        done = self._handshake_done
        if done is not None and not done.done():
            done.set_result(None) if exc is None else done.set_exception(exc)

    # -- Data both ways --------------------------------------------------------------

    def _read_app_data(self) -> None:
        """Decrypt every complete record we have; half a record waits for more bytes."""
        chunks = []
        peer_closed = False
        while True:
            try:
                chunk = self._sslobj.read(65536)
            except _ssl.SSLWantReadError:
                break  # half a record: wait for more bytes
            if not chunk:  # b"": the peer's close_notify, TLS's own orderly EOF
                peer_closed = True
                break
            chunks.append(chunk)
        self._flush()  # TLS 1.3 may answer (session tickets, key updates)
        if chunks:
            self._app.data_received(b"".join(chunks))
        if peer_closed:
            self._app.eof_received()
            self.close()  # answer with our close_notify, then close TCP

    def write(self, data: bytes) -> None:
        if self._state == "handshake":
            self._pending_writes.append(bytes(data))
        elif self._state == "open":
            self._sslobj.write(data)  # encrypts into the outgoing BIO
            self._flush()

    def _flush(self) -> None:
        data = self._outgoing.read()
        if data:
            self._transport.write(data)

    def close(self) -> None:
        """Send close_notify (TLS's own EOF), then close the plain transport."""
        if self._state != "open":
            return
        self._state = "closing"
        try:
            self._sslobj.unwrap()
        except (_ssl.SSLWantReadError, _ssl.SSLError):
            pass  # we do not wait for the peer's close_notify (sslproto does)
        self._flush()
        self._transport.close()


class _MiniAppTransport(asyncio.Transport):
    """What the application sees: write plain text, close; TLS happens below."""

    def __init__(self, tls: MiniTLSProtocol) -> None:
        super().__init__()
        self._tls = tls

    def write(self, data: bytes) -> None:
        self._tls.write(data)

    def close(self) -> None:
        self._tls.close()

    def is_closing(self) -> bool:
        return self._tls._state != "open"

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "ssl_object":
            return self._tls._sslobj
        return self._tls._transport.get_extra_info(name, default)
