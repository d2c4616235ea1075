"""Chapter 2 application exercise: a crawler's bounded pool of workers.

In the spirit of the 500 Lines crawler: a queue of jobs, a fixed number of worker
tasks pulling from it, jobs that discover more jobs, and one clean way to know that
all the work is done: ``asyncio.Queue.join()``, which returns once every job put in
the queue has been marked ``task_done()``.

``run_pool(start, work, n_workers)``:

* ``start`` is a list of jobs (hashable); ``await work(job)`` returns
  ``(result, new_jobs)``;
* at most ``n_workers`` calls of ``work`` run at once, and all of them when there
  is that much to do;
* every job is worked on once, even if several jobs discover it;
* a ``work`` that raises gives that job the exception as its result; the others go on;
* returns ``{job: result}`` as soon as the last job is done (no polling), and leaves
  no worker task behind.

Every case runs on chapter 2's ``BaseLoop`` with a ``VirtualClock``, so durations are
exact and a late finish shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

from toyloop.ch2_futures import BaseLoop
from toyloop.tools.checker import Exercise, run_in_loop

__all__ = ["pool_exercise", "run_pool"]


async def run_pool(start: Iterable[Hashable],
                   work: Callable[[Any], Awaitable[tuple[Any, Iterable[Hashable]]]],
                   n_workers: int) -> dict[Any, Any]:
    """Work through ``start`` and every job it leads to with ``n_workers`` workers."""
    queue: asyncio.Queue = asyncio.Queue()
    seen = set()
    results: dict[Any, Any] = {}

    def add(job: Any) -> None:
        if job not in seen:
            seen.add(job)
            queue.put_nowait(job)

    async def worker() -> None:
        while True:
            job = await queue.get()
            try:
                try:
                    result, more = await work(job)
                except Exception as exc:  # the job failed; the crawl goes on
                    results[job] = exc
                else:
                    results[job] = result
                    for new in more:
                        add(new)
            finally:
                queue.task_done()  # counted even if the job failed

    for job in start:
        add(job)
    loop = asyncio.get_running_loop()
    workers = [loop.create_task(worker()) for _ in range(n_workers)]
    try:
        await queue.join()  # every job put in has been marked done
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return results


# ---------------------------------------------------------------------------
# A small "site" to crawl, on virtual time
# ---------------------------------------------------------------------------

SITE = {  # page: (seconds to fetch, links)
    "/": (1.0, ["/a", "/b", "/c"]),
    "/a": (2.0, ["/", "/a/1", "/b"]),
    "/b": (1.0, ["/b/1"]),
    "/c": (3.0, []),
    "/a/1": (1.0, ["/c"]),
    "/b/1": (2.0, ["/a/1", "/broken"]),
    "/broken": (0.5, None),  # fetching it fails
}


class Crawl:
    """``work`` for SITE: counts fetches and how many run at once."""

    def __init__(self) -> None:
        self.fetches: dict[str, int] = {}
        self.running = 0
        self.most = 0

    async def work(self, page: str) -> tuple[str, list[str]]:
        self.fetches[page] = self.fetches.get(page, 0) + 1
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            seconds, links = SITE[page]
            await asyncio.sleep(seconds)
            if links is None:
                raise ConnectionError(f"{page}: connection reset")
            return f"{page} ({len(links)} links)", links
        finally:
            self.running -= 1


def _crawl(candidate: Any, n_workers: int, start: list[str] | None = None,
           crawl: Crawl | None = None) -> tuple[Any, Crawl, float, list]:
    crawl = crawl or Crawl()
    leftovers: list = []

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        result = await candidate(["/"] if start is None else start, crawl.work, n_workers)
        me = asyncio.current_task()
        leftovers.extend(t for t in asyncio.all_tasks(loop) if t is not me and not t.done())
        return result, loop.time()

    try:
        result, finished = run_in_loop(main, loop_factory=BaseLoop)
    except AssertionError as error:
        if "went idle" not in str(error):
            raise
        raise AssertionError(
            f"{error} In run_pool this usually means queue.join() waits for a job nobody "
            "marked done: call queue.task_done() in a finally, even when work raised "
            "(the failing page is '/broken').") from None
    return result, crawl, finished, leftovers


def _expected_end(n_workers: int) -> float:
    """When the reference finishes with ``n_workers`` workers (virtual seconds)."""
    _, _, finished, _ = _crawl(run_pool, n_workers)
    return finished


def case_every_page_once(candidate: Any) -> None:
    """every page reached is fetched exactly once, with its result"""
    result, crawl, _, _ = _crawl(candidate, 3)
    assert isinstance(result, dict), f"run_pool should return a dict, got {result!r}"
    missing = sorted(set(SITE) - set(result))
    assert not missing, f"these pages were never in your results: {missing}"
    again = {p: n for p, n in crawl.fetches.items() if n > 1}
    assert not again, (f"pages fetched more than once: {again}. Several pages link to the "
                       "same one: remember which jobs you have queued already")
    assert result["/"] == "/ (3 links)", (
        f"result for '/' should be '/ (3 links)', got {result['/']!r}")


def case_failed_job_is_recorded(candidate: Any) -> None:
    """a job whose work raises gets the exception as its result; the crawl goes on"""
    result, _, _, _ = _crawl(candidate, 2)
    got = result.get("/broken")
    assert isinstance(got, ConnectionError), (
        f"result for '/broken' should be the ConnectionError its fetch raised, got {got!r}")
    assert "/c" in result, "the crawl stopped at the failing page"


def case_bounded(candidate: Any) -> None:
    """never more than n_workers fetches at once, and n_workers when there is work"""
    for n in (1, 2, 3):
        _, crawl, _, _ = _crawl(candidate, n)
        assert crawl.most <= n, f"with {n} workers, {crawl.most} fetches ran at once"
        assert crawl.most == n, (f"with {n} workers there was work for {n} at once, but "
                                 f"at most {crawl.most} fetches ran together")


def case_done_at_once(candidate: Any) -> None:
    """returns as soon as the last job is done (queue.join(), no polling)"""
    for n in (1, 2, 3):
        _, _, finished, _ = _crawl(candidate, n)
        expected = _expected_end(n)
        assert finished <= expected + 1e-9, (
            f"with {n} workers the work was all done at t={expected:g} s, but your "
            f"run_pool returned at t={finished:g} s. Wait with queue.join() instead of "
            "polling or sleeping")
        assert finished >= expected - 1e-9, (
            f"with {n} workers your run_pool returned at t={finished:g} s, before the work "
            f"was done (t={expected:g} s): do not stop when the queue is empty, stop when "
            "every job taken from it is done (task_done / join)")


def case_no_workers_left(candidate: Any) -> None:
    """no worker task is left running once run_pool returns"""
    _, _, _, leftovers = _crawl(candidate, 3)
    assert not leftovers, (
        f"{len(leftovers)} task(s) still pending after run_pool returned: cancel the "
        "workers (they wait on queue.get() forever), then wait until they have finished "
        "(await asyncio.gather(*workers, return_exceptions=True)): a cancelled task stays "
        "pending until it has run its cancellation")


def case_nothing_to_do(candidate: Any) -> None:
    """an empty start list gives {} at once"""
    result, _, finished, leftovers = _crawl(candidate, 2, start=[])
    assert result == {}, f"expected {{}}, got {result!r}"
    assert finished == 0 and not leftovers, "with nothing to do, return at once and cleanly"


pool_exercise = Exercise(
    "run_pool",
    [case_every_page_once, case_failed_job_is_recorded, case_bounded, case_done_at_once,
     case_no_workers_left, case_nothing_to_do],
    hint=[
        "Put the start jobs in an asyncio.Queue, start n_workers tasks that loop on "
        "`job = await queue.get()`, and remember every job you ever queued in a set.",
        "Call queue.task_done() once per job taken, in a finally, even when work raised; "
        "then `await queue.join()` returns exactly when everything is done.",
        "After join(), cancel the workers and gather them (return_exceptions=True).",
    ],
    solution=run_pool,
)
