"""Learner answers to chapter 4's ``collect_from_thread(loop, produce, n)``."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "join_after_await", "kind": "wrong",
     "mistake": ("After awaiting the items I call worker.join() directly, which blocks the loop's "
                 "thread until the worker exits."),
     "expect": ["blocked the loop"],
     "source": '''
import threading
import time

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    def work():
        produce(lambda item: loop.call_soon_threadsafe(receive, item))
        time.sleep(0.5)   # tidy up before leaving

    worker = threading.Thread(target=work)
    worker.start()
    await done
    worker.join()
    return items
'''},
    {"name": "join_right_away", "kind": "wrong",
     "mistake": ("I join the thread right after starting it, which blocks the loop's thread while "
                 "the worker produces."),
     "expect": ["blocked the loop"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    emit = lambda it: loop.call_soon_threadsafe(receive, it)  # noqa: E731
    worker = threading.Thread(target=produce, args=(emit,))
    worker.start()
    worker.join()
    await done
    return items
'''},
    {"name": "plain_call_soon", "kind": "wrong",
     "mistake": ("emit calls loop.call_soon from the worker thread; it must be "
                 "call_soon_threadsafe."),
     "expect": ["call_soon_threadsafe"],
     "source": '''
import asyncio
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    worker = threading.Thread(target=produce, args=(lambda it: loop.call_soon(receive, it),))
    worker.start()
    await done
    await loop.run_in_executor(None, worker.join)
    return items
'''},
    {"name": "set_result_in_thread", "kind": "wrong",
     "mistake": ("emit appends and sets the future's result straight from the worker thread, "
                 "without handing it to the loop's thread."),
     "expect": ["call_soon_threadsafe"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def emit(item):
        items.append(item)
        if len(items) == n:
            done.set_result(None)

    worker = threading.Thread(target=produce, args=(emit,))
    worker.start()
    await done
    await loop.run_in_executor(None, worker.join)
    return items
'''},
    {"name": "queue_poll", "kind": "wrong",
     "mistake": ("The thread puts items in a queue.Queue and I poll it every 10 ms with "
                 "asyncio.sleep instead of waking the loop."),
     "expect": ["wake"],
     "source": '''
import asyncio
import queue
import threading

async def my_collect_from_thread(loop, produce, n):
    q = queue.Queue()
    worker = threading.Thread(target=produce, args=(q.put,))
    worker.start()
    items = []
    while len(items) < n:
        try:
            items.append(q.get_nowait())
        except queue.Empty:
            await asyncio.sleep(0.01)
    await loop.run_in_executor(None, worker.join)
    return items
'''},
    {"name": "queue_blocking_get", "kind": "wrong",
     "mistake": ("I read the items with a blocking queue.get(), which blocks the loop's thread "
                 "while waiting for each item."),
     "expect": ["blocked the loop"],
     "source": '''
import queue
import threading

async def my_collect_from_thread(loop, produce, n):
    q = queue.Queue()
    worker = threading.Thread(target=produce, args=(q.put,))
    worker.start()
    items = [q.get(timeout=1) for _ in range(n)]
    await loop.run_in_executor(None, worker.join)
    return items
'''},
    {"name": "no_join", "kind": "wrong",
     "mistake": ("I return as soon as I have n items, without waiting for the worker thread to "
                 "finish."),
     "expect": ["thread", "finish"],
     "source": '''
import threading
import time

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    def work():
        produce(lambda it: loop.call_soon_threadsafe(receive, it))
        time.sleep(0.3)

    threading.Thread(target=work).start()
    await done
    return items
'''},
    {"name": "one_short", "kind": "wrong",
     "mistake": "I finish when I have n - 1 items, so the last item is missing.",
     "expect": ["item"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        if done.done():
            return
        items.append(item)
        if len(items) >= n - 1:
            done.set_result(list(items))

    emit = lambda it: loop.call_soon_threadsafe(receive, it)  # noqa: E731
    worker = threading.Thread(target=produce, args=(emit,))
    worker.start()
    result = await done
    await loop.run_in_executor(None, worker.join)
    return result
'''},
    {"name": "set_loses_order", "kind": "wrong",
     "mistake": "I collect the items in a set, so their order is lost (and duplicates vanish).",
     "expect": ["order"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    seen = set()
    count = [0]
    done = loop.create_future()

    def receive(item):
        seen.add(item)
        count[0] += 1
        if count[0] == n and not done.done():
            done.set_result(None)

    emit = lambda it: loop.call_soon_threadsafe(receive, it)  # noqa: E731
    worker = threading.Thread(target=produce, args=(emit,))
    worker.start()
    await done
    await loop.run_in_executor(None, worker.join)
    return list(seen)
'''},
    {"name": "first_item_only", "kind": "wrong",
     "mistake": ("emit sets the future's result with each item, so I get only the first item back "
                 "(later set_result calls fail)."),
     "expect": ["item"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    fut = loop.create_future()
    worker = threading.Thread(target=produce,
                              args=(lambda it: loop.call_soon_threadsafe(fut.set_result, it),))
    worker.start()
    first = await fut
    await loop.run_in_executor(None, worker.join)
    return [first]
'''},
    {"name": "threading_event_wait", "kind": "wrong",
     "mistake": ("I wait for a threading.Event that the worker sets at the end, which blocks the "
                 "loop's thread."),
     "expect": ["blocked the loop"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    finished = threading.Event()

    def work():
        produce(items.append)
        finished.set()

    worker = threading.Thread(target=work)
    worker.start()
    finished.wait(timeout=1)
    return items[:n]
'''},
    {"name": "shared_list_poll", "kind": "wrong",
     "mistake": ("The thread appends straight to my list and I poll its length with sleep(0): a "
                 "busy loop that never lets the loop sleep."),
     "expect": ["busy"],
     "source": '''
import asyncio
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    worker = threading.Thread(target=produce, args=(items.append,))
    worker.start()
    while len(items) < n:
        await asyncio.sleep(0)
    while worker.is_alive():
        await asyncio.sleep(0)
    return items
'''},
    {"name": "target_called", "kind": "wrong",
     "mistake": ("I wrote Thread(target=produce(emit)), which calls produce right now on the "
                 "loop's thread instead of in the new thread."),
     "expect": ["blocked the loop"],
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    def emit(item):
        loop.call_soon_threadsafe(receive, item)

    worker = threading.Thread(target=produce(emit))
    worker.start()
    await done
    await loop.run_in_executor(None, worker.join)
    return items
'''},
    {"name": "asyncio_queue_from_thread", "kind": "wrong",
     "mistake": ("The worker thread calls asyncio.Queue.put_nowait directly, which is not thread-"
                 "safe and does not wake the loop."),
     "expect": ["call_soon_threadsafe"],
     "source": '''
import asyncio
import threading

async def my_collect_from_thread(loop, produce, n):
    q = asyncio.Queue()
    worker = threading.Thread(target=produce, args=(q.put_nowait,))
    worker.start()
    items = [await q.get() for _ in range(n)]
    await loop.run_in_executor(None, worker.join)
    return items
'''},
    {"name": "is_alive_poll", "kind": "wrong",
     "mistake": ("I hand items over correctly, but then wait for the thread by checking is_alive()"
                 " every 50 ms instead of joining it off the loop's thread."),
     "expect": ["busy"],
     "source": '''
import asyncio
import threading

async def my_collect_from_thread(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n and not done.done():
            done.set_result(None)

    emit = lambda it: loop.call_soon_threadsafe(receive, it)  # noqa: E731
    worker = threading.Thread(target=produce, args=(emit,))
    worker.start()
    await done
    while worker.is_alive():
        await asyncio.sleep(0.05)
    return items
'''},
    # ---------------------------------------------------------------- correct
    {"name": "asyncio_queue_threadsafe", "kind": "correct",
     "source": '''
import asyncio
import threading

async def my_collect_from_thread(loop, produce, n):
    inbox = asyncio.Queue()

    def emit(item):
        loop.call_soon_threadsafe(inbox.put_nowait, item)

    worker = threading.Thread(target=produce, args=(emit,), name="producer")
    worker.start()
    received = []
    for _ in range(n):
        received.append(await inbox.get())
    await loop.run_in_executor(None, worker.join)
    return received
'''},
    {"name": "finished_signal", "kind": "correct",
     "source": '''
import threading

async def my_collect_from_thread(loop, produce, n):
    got = []
    all_in = loop.create_future()
    thread_done = loop.create_future()

    def on_loop(item):
        got.append(item)
        if len(got) == n and not all_in.done():
            all_in.set_result(None)

    def body():
        try:
            produce(lambda item: loop.call_soon_threadsafe(on_loop, item))
        finally:
            loop.call_soon_threadsafe(lambda: thread_done.done() or thread_done.set_result(None))

    t = threading.Thread(target=body, daemon=True)
    t.start()
    await all_in
    await thread_done       # the thread's last act was to tell us it is done
    t.join()                # so this returns at once
    return got
'''},
    {"name": "to_thread_join", "kind": "correct",
     "source": '''
import asyncio
import threading

class _Collector:
    def __init__(self, loop, n):
        self.loop, self.n = loop, n
        self.items = []
        self.full = loop.create_future()

    def emit(self, item):          # worker thread
        self.loop.call_soon_threadsafe(self._take, item)

    def _take(self, item):         # loop thread
        self.items.append(item)
        if len(self.items) >= self.n and not self.full.done():
            self.full.set_result(self.items)


async def my_collect_from_thread(loop, produce, n):
    box = _Collector(loop, n)
    worker = threading.Thread(target=produce, args=(box.emit,))
    worker.start()
    items = await box.full
    await asyncio.to_thread(worker.join)
    return items
'''},
]
