"""An ordinary asyncio program: sleep, gather, wait_for, Queue and TaskGroup.

Nothing in it knows about toyloop.  Run it as

    python unchanged_asyncio.py asyncio    # asyncio's own loop
    python unchanged_asyncio.py toyloop    # asyncio.Runner(loop_factory=toyloop.EventLoop)

and the output must be the same (tests/differential/test_diff_done_when.py).
Timings are chosen with wide gaps, so the order cannot depend on machine speed.
"""

import asyncio
import sys


async def worker(name, queue, results):
    while True:
        item = await queue.get()
        if item is None:
            queue.task_done()
            return
        await asyncio.sleep(0.001 * item)
        results.append((name, item, item * item))
        queue.task_done()


async def slow(x):
    await asyncio.sleep(0.5)
    return x


async def fails():
    await asyncio.sleep(0.01)
    raise ValueError("boom")


async def main():
    print("start")
    print("gather:", await asyncio.gather(asyncio.sleep(0.02, "b"), asyncio.sleep(0.01, "a")))

    try:
        await asyncio.wait_for(slow(1), timeout=0.02)
    except TimeoutError:
        print("wait_for: timed out")
    print("wait_for:", await asyncio.wait_for(asyncio.sleep(0.001, "in time"), timeout=1))

    queue = asyncio.Queue()
    results = []
    workers = [asyncio.create_task(worker(f"w{i}", queue, results)) for i in range(3)]
    for item in range(1, 10):
        queue.put_nowait(item)
    for _ in workers:
        queue.put_nowait(None)
    await queue.join()
    await asyncio.gather(*workers)
    print("queue:", sorted(r[1:] for r in results))

    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(asyncio.sleep(0.01, "one"))
        t2 = tg.create_task(asyncio.sleep(0.02, "two"))
    print("taskgroup:", t1.result(), t2.result())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fails())
            tg.create_task(slow(2))
    except* ValueError as group:
        print("taskgroup failed:", [str(e) for e in group.exceptions])

    print("gather with errors:",
          await asyncio.gather(fails(), asyncio.sleep(0, "ok"), return_exceptions=True))
    print("loop:", type(asyncio.get_running_loop()).__module__, file=sys.stderr)
    return "done"


def run(choice):
    if choice == "toyloop":
        import toyloop

        with asyncio.Runner(loop_factory=toyloop.EventLoop) as runner:
            return runner.run(main())
    return asyncio.run(main())


if __name__ == "__main__":
    print("result:", run(sys.argv[1]))
