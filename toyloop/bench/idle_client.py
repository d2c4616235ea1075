"""Client side of the ``idle_conns`` workload, run as its own process.

``python -m toyloop.bench.idle_client PORT N`` opens N blocking connections to
127.0.0.1:PORT, then sends one byte on each and reads it back while all N stay
open, prints how many were served, and holds them until its stdin closes.
"""

from __future__ import annotations

import socket
import sys

from .workloads import _no_time_wait, raise_fd_limit


def main(port: int, n: int) -> None:
    raise_fd_limit(n + 100)
    socks = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        _no_time_wait(sock)
        socks.append(sock)
    for sock in socks:
        sock.sendall(b"!")
    served = sum(sock.recv(1) == b"!" for sock in socks)
    print(served, flush=True)
    sys.stdin.read()  # the server has measured its memory: let go
    for sock in socks:
        sock.close()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
