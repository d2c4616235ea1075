"""``sendfile`` and ``sock_sendfile``: asyncio's read-and-send fallback only.

asyncio hands a file to the kernel with ``os.sendfile`` where it can and
otherwise reads blocks and sends them.  toyloop always does the latter: the
blocks are read in the executor (file reads block) and sent with
``sock_sendall`` or ``transport.write``, pausing while the transport's buffer
is above its high-water mark.  ``fallback=False`` therefore raises.
asyncio: ``base_events.BaseEventLoop.sendfile``/``sock_sendfile``.
"""

from __future__ import annotations

import socket
from asyncio.constants import _SendfileMode
from asyncio.exceptions import SendfileNotAvailableError
from typing import Any

from ..ch3_selectors import _check_nonblocking

SENDFILE_FALLBACK_READBUFFER_SIZE = 256 * 1024  # asyncio's, for sock_sendfile


class SendfileMixin:
    """``sendfile`` over a transport and ``sock_sendfile`` over a socket."""

    async def sock_sendfile(self, sock: socket.socket, file: Any, offset: int = 0,
                            count: int | None = None, *, fallback: bool = True) -> int:
        """Send a file over a socket; return the number of bytes sent.

        asyncio uses ``os.sendfile`` where it can; toyloop always reads blocks
        in the executor and sends them (asyncio's own fallback), so with
        ``fallback=False`` it raises SendfileNotAvailableError.
        """
        _check_nonblocking(sock)
        _check_sendfile_params(sock, file, offset, count)
        if not fallback:
            raise SendfileNotAvailableError(f"syscall sendfile is not available for socket "
                                            f"{sock!r} and file {file!r} combination")
        if offset:
            file.seek(offset)
        total_sent = 0
        try:
            async for block in self._file_blocks(file, count, SENDFILE_FALLBACK_READBUFFER_SIZE):
                await self.sock_sendall(sock, block)
                total_sent += len(block)
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, "seek"):
                file.seek(offset + total_sent)  # file position = what was really sent

    async def _file_blocks(self, file: Any, count: int | None, blocksize: int) -> Any:
        """Yield the file's blocks (at most ``count`` bytes), read in the executor."""
        blocksize = min(count, blocksize) if count else blocksize
        buf = bytearray(blocksize)
        left = count
        while left is None or left > 0:
            view = memoryview(buf)[:blocksize if left is None else min(left, blocksize)]
            nread = await self.run_in_executor(None, file.readinto, view)
            if not nread:
                return  # end of file
            yield view[:nread]
            if left is not None:
                left -= nread

    async def sendfile(self, transport: Any, file: Any, offset: int = 0,
                       count: int | None = None, *, fallback: bool = True) -> int:
        """Send a file through a transport, pausing whenever its buffer is full."""
        _sendfile_mode(transport)  # raises when the transport cannot send a file
        if not fallback:
            raise RuntimeError(f"fallback is disabled and native sendfile is not supported "
                               f"for transport {transport!r}")
        if offset:
            file.seek(offset)
        high_water = transport.get_write_buffer_limits()[1]
        total_sent = 0
        try:
            async for block in self._file_blocks(file, count, 16384):
                transport.write(block)  # copies what it cannot send now
                total_sent += len(block)
                if transport.get_write_buffer_size() > high_water:
                    await self._wait_transport_empty(transport)
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, "seek"):
                file.seek(offset + total_sent)

    async def _wait_transport_empty(self, transport: Any) -> None:
        waiter = transport._make_empty_waiter()
        try:
            await waiter
        finally:
            transport._reset_empty_waiter()


def _sendfile_mode(transport: Any) -> _SendfileMode:
    """How ``transport`` can send a file (asyncio's checks and wording when it cannot)."""
    if transport.is_closing():
        raise RuntimeError("Transport is closing")
    mode = getattr(transport, "_sendfile_compatible", _SendfileMode.UNSUPPORTED)
    if mode is _SendfileMode.UNSUPPORTED:
        raise RuntimeError(f"sendfile is not supported for transport {transport!r}")
    return mode


def _check_sendfile_params(sock: socket.socket, file: Any, offset: Any, count: Any) -> None:
    if "b" not in getattr(file, "mode", "b"):
        raise ValueError("file should be opened in binary mode")
    if not sock.type == socket.SOCK_STREAM:
        raise ValueError("only SOCK_STREAM type sockets are supported")
    if count is not None:
        if not isinstance(count, int):
            raise TypeError(f"count must be a positive integer (got {count!r})")
        if count <= 0:
            raise ValueError(f"count must be a positive integer (got {count!r})")
    if not isinstance(offset, int):
        raise TypeError(f"offset must be a non-negative integer (got {offset!r})")
    if offset < 0:
        raise ValueError(f"offset must be a non-negative integer (got {offset!r})")
