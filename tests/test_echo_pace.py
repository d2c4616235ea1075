"""Chapter 3's watchable echo demo: paced clients, and a LiveMonitor that sees the climb."""

from __future__ import annotations

import concurrent.futures
import socket

import pytest

from toyloop.ch3_selectors import SelectorLoop
from toyloop.examples import echo_scale

pytest.importorskip("ipywidgets")

from toyloop.tools.explorer import LiveMonitor  # noqa: E402

N = 40
PACE = echo_scale.Pace(ramp=0.6, lines=3, gap=0.05)


def test_paced_clients_all_get_every_echo():
    result = echo_scale.run_echo_test(N, pace=PACE)
    assert result["correct"] == result["accepted"] == result["peak_open"] == N
    assert result["echoed_bytes"] == PACE.total_bytes(N)
    assert result["errors"] == 0


def test_no_pace_is_one_line_each():
    assert echo_scale.Pace().total_bytes(3) == sum(
        len(f"hello from client {i}\n") for i in range(3))


def test_live_monitor_sees_connections_climb_and_keeps_the_peak():
    loop, stats = SelectorLoop(), echo_scale.ServerStats()
    gauges = {"connections open": lambda: stats.open_now,
              "bytes echoed": lambda: stats.echoed_bytes}
    listener = socket.create_server(("127.0.0.1", 0), backlog=N)
    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        listener.setblocking(False)
        port = listener.getsockname()[1]
        clients = pool.submit(echo_scale.run_clients, port, N, PACE)
        with LiveMonitor(loop, interval=0.05, gauges=gauges, widget=False) as monitor:
            loop.run_until_complete(echo_scale.serve_until(loop, listener, stats, N))
        assert clients.result(timeout=30) == N
    finally:
        listener.close()
        loop.close()
        pool.shutdown(wait=True)
    seen = [h["connections open"] for h in monitor.history]
    # Over the 0.6 s ramp, refreshes every 0.05 s catch the count part-way up.
    assert len({n for n in seen if 0 < n < N}) >= 2, seen
    assert monitor.peaks()["connections open"] == N and seen[-1] == 0
    assert monitor.peaks()["bytes echoed"] == PACE.total_bytes(N)
