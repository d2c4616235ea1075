"""Chapter 2's application exercise (a crawler's worker pool): the reference passes,
learner-style wrong answers are rejected with a message naming the mistake."""

from __future__ import annotations

import asyncio

import pytest

from toyloop.exercises.pool import pool_exercise, run_pool


async def no_dedupe(start, work, n_workers):
    queue, results = asyncio.Queue(), {}
    for job in start:
        queue.put_nowait(job)

    async def worker():
        while True:
            job = await queue.get()
            try:
                try:
                    results[job], more = await work(job)
                except Exception as exc:
                    results[job], more = exc, []
                for new in more:
                    if new not in results:
                        queue.put_nowait(new)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(n_workers)]
    await queue.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return results


async def stops_when_empty(start, work, n_workers):
    queue, seen, results = asyncio.Queue(), set(start), {}
    for job in start:
        queue.put_nowait(job)

    async def worker():
        while not queue.empty():
            job = queue.get_nowait()
            try:
                results[job], more = await work(job)
            except Exception as exc:
                results[job], more = exc, []
            for new in more:
                if new not in seen:
                    seen.add(new)
                    queue.put_nowait(new)

    await asyncio.gather(*(worker() for _ in range(n_workers)))
    return results


async def polls(start, work, n_workers):
    queue, seen, results = asyncio.Queue(), set(start), {}
    busy = 0
    for job in start:
        queue.put_nowait(job)

    async def worker():
        nonlocal busy
        while True:
            job = await queue.get()
            busy += 1
            try:
                results[job], more = await work(job)
            except Exception as exc:
                results[job], more = exc, []
            for new in more:
                if new not in seen:
                    seen.add(new)
                    queue.put_nowait(new)
            busy -= 1

    workers = [asyncio.create_task(worker()) for _ in range(n_workers)]
    while busy or not queue.empty():
        await asyncio.sleep(0.75)
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return results


async def leaves_workers(start, work, n_workers):
    queue, seen, results = asyncio.Queue(), set(start), {}
    for job in start:
        queue.put_nowait(job)

    async def worker():
        while True:
            job = await queue.get()
            try:
                try:
                    results[job], more = await work(job)
                except Exception as exc:
                    results[job], more = exc, []
                for new in more:
                    if new not in seen:
                        seen.add(new)
                        queue.put_nowait(new)
            finally:
                queue.task_done()

    for _ in range(n_workers):
        asyncio.create_task(worker())
    await queue.join()
    return results


async def unbounded(start, work, n_workers):
    seen, results = set(), {}

    async def visit(job):
        if job in seen:
            return
        seen.add(job)
        try:
            results[job], more = await work(job)
        except Exception as exc:
            results[job], more = exc, []
        await asyncio.gather(*(visit(new) for new in more))

    await asyncio.gather(*(visit(job) for job in start))
    return results


async def failure_kills_worker(start, work, n_workers):
    queue, seen, results = asyncio.Queue(), set(start), {}
    for job in start:
        queue.put_nowait(job)

    async def worker():
        while True:
            job = await queue.get()
            results[job], more = await work(job)  # an exception ends this worker
            for new in more:
                if new not in seen:
                    seen.add(new)
                    queue.put_nowait(new)
            queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(n_workers)]
    await queue.join()
    for w in workers:
        w.cancel()
    return results


async def one_worker(start, work, n_workers):
    return await run_pool(start, work, 1)


WRONG = [
    (no_dedupe, "more than once"),
    (stops_when_empty, "ran together"),
    (polls, "queue.join()"),
    (leaves_workers, "cancel the workers"),
    (unbounded, "ran at once"),
    (failure_kills_worker, "task_done() in a finally"),
    (one_worker, "at most 1 fetches ran together"),
]


def test_reference_passes() -> None:
    assert pool_exercise.run(run_pool).passed


@pytest.mark.parametrize(("answer", "words"), WRONG, ids=[w[0].__name__ for w in WRONG])
def test_wrong_answer_is_rejected(answer, words: str) -> None:
    result = pool_exercise.run(answer)
    assert not result.passed
    assert words in str(result), str(result)
