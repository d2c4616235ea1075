"""Threads: call_soon_threadsafe loses nothing; executors leave nothing behind (issue 8).

The big run makes 200,000 calls from 8 threads, 1,000,000 with ``TOYLOOP_FULL=1``:
the full size takes 6.5-9 s here (2 cores) but 27-30 s under ``python -X dev``, which
turns the loop's debug mode on (a timed slow path per callback).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import threading
import time

import pytest

import toyloop

N_THREADS = 8
N_CALLS = 1_000_000 if os.environ.get("TOYLOOP_FULL") == "1" else 200_000


@pytest.mark.parametrize("clock", [pytest.param("monotonic", marks=pytest.mark.slow), "virtual"])
def test_call_soon_threadsafe_from_8_threads_runs_each_call_once(clock: str) -> None:
    n_calls = N_CALLS if clock == "monotonic" else N_CALLS // 10
    per_thread = n_calls // N_THREADS
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock() if clock == "virtual" else None)
    seen = [bytearray(per_thread) for _ in range(N_THREADS)]
    selects = []

    class CountSelects:
        def before_select(self, timeout):
            selects.append(timeout)

    def record(t: int, i: int) -> None:
        seen[t][i] += 1

    async def main() -> None:
        start = threading.Event()
        all_sent = loop.create_future()
        remaining = [N_THREADS]

        def one_sent() -> None:
            remaining[0] -= 1
            if remaining[0] == 0:
                all_sent.set_result(None)

        def producer(t: int) -> None:
            start.wait()
            call = loop.call_soon_threadsafe
            for i in range(per_thread):
                call(record, t, i)
            call(one_sent)  # queued after this thread's last call: FIFO

        threads = [threading.Thread(target=producer, args=(t,)) for t in range(N_THREADS)]
        for thread in threads:
            thread.start()
        # release the producers from a callback, then the loop has nothing to do but
        # wait in select() for their wake-up bytes
        loop.call_soon(start.set)
        await all_sent
        for thread in threads:
            thread.join()

    loop.add_instrument(CountSelects())
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    for t in range(N_THREADS):
        assert seen[t].count(1) == per_thread, f"thread {t}: lost or repeated calls"
    assert None in selects or any(s and s > 0 for s in selects), \
        "the loop never blocked in select"


def test_default_executor_is_shut_down_on_close() -> None:
    before = set(threading.enumerate())
    loop = toyloop.EventLoop()
    release = threading.Event()
    started = threading.Event()

    def job() -> str:
        started.set()
        release.wait(5)
        return "finished"

    async def main() -> list:
        quick = await asyncio.gather(*(loop.run_in_executor(None, pow, 2, i) for i in range(20)))
        slow = loop.run_in_executor(None, job)
        await loop.run_in_executor(None, started.wait, 5)
        return quick, slow

    quick, slow = loop.run_until_complete(main())
    assert quick == [2 ** i for i in range(20)]
    workers = set(threading.enumerate()) - before
    assert workers, "the default executor started no thread"
    executor = loop._default_executor
    loop.close()  # shuts the pool down without waiting, as asyncio does
    assert loop._default_executor is None
    with pytest.raises(RuntimeError, match="cannot schedule new futures after shutdown"):
        executor.submit(print)
    release.set()
    for thread in workers:
        thread.join(timeout=5)
        assert not thread.is_alive(), f"{thread.name} still running"
    assert set(threading.enumerate()) == before
    assert not slow.done()  # its loop closed first: the result could not arrive


def test_shutdown_default_executor_joins_threads() -> None:
    before = set(threading.enumerate())

    async def main() -> None:
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, time.sleep, 0.001)
                               for _ in range(10)))
        await asyncio.to_thread(sum, [1, 2])

    toyloop.run(main())  # Runner.close() calls shutdown_default_executor()
    assert set(threading.enumerate()) == before


def test_process_pool_leaves_no_process_behind() -> None:
    before_children = set(multiprocessing.active_children())
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=2, mp_context=multiprocessing.get_context("spawn"))

    async def main() -> list:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(loop.run_in_executor(pool, abs, -i) for i in range(8)))

    try:
        assert toyloop.run(main()) == list(range(8))
    finally:
        pool.shutdown(wait=True)
    assert set(multiprocessing.active_children()) == before_children


def test_job_finishing_after_close_is_dropped_quietly(caplog) -> None:
    # The worker's done callback must notice the closed loop, not raise in the worker
    # (concurrent.futures would log "exception calling callback for ...").
    loop = toyloop.EventLoop()
    gate = threading.Event()
    with caplog.at_level("ERROR"), concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        fut = loop.run_in_executor(pool, gate.wait, 5)
        loop.close()
        gate.set()
        pool.submit(int).result(timeout=5)  # the first job and its callbacks are done
    assert not fut.done()
    assert caplog.records == []
    with pytest.raises(RuntimeError, match="Event loop is closed"):
        loop.run_in_executor(None, print)
