"""Learner answers to chapter 2's ``async def gather(*aws)`` on BaseLoop."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "await_one_by_one", "kind": "wrong",
     "mistake": "I await each coroutine in turn, so they run one after another, not concurrently.",
     "expect": ["concurrent"],
     "source": '''
async def gather(*aws):
    results = []
    for aw in aws:
        results.append(await aw)
    return results
'''},
    {"name": "tasks_then_await_in_order", "kind": "wrong",
     "mistake": ("I start every task but then await them in order, so a later child's failure only"
                 " reaches me after the earlier ones finish, not at once."),
     "expect": ["at once"],
     "source": '''
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    futures = [ensure_future(aw) for aw in aws]
    return [await f for f in futures]
'''},
    {"name": "no_cancel_children", "kind": "wrong",
     "mistake": ("When the task awaiting gather is cancelled I just let the CancelledError out; "
                 "the children keep running."),
     "expect": ["cancel"],
     "source": '''
import asyncio
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    outer = loop.create_future()
    results = [None] * len(children)
    left = len(children)
    if not children:
        return []

    def on_done(i, child):
        nonlocal left
        if outer.done():
            return
        if child.cancelled():
            outer.cancel()
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            results[i] = child.result()
            left -= 1
            if left == 0:
                outer.set_result(results)

    for i, child in enumerate(children):
        child.add_done_callback(lambda c, i=i: on_done(i, c))
    return await outer
'''},
    {"name": "no_outer_done_guard", "kind": "wrong",
     "mistake": ("My done callback sets outer's exception without checking whether outer is "
                 "already done, so a second failure raises InvalidStateError in the callback."),
     "expect": ["already done"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    results = [None] * len(children)
    pending = [len(children)]

    def on_done(child):
        i = children.index(child)
        if child.cancelled():
            outer.set_exception(CancelledError())
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            results[i] = child.result()
            pending[0] -= 1
            if pending[0] == 0:
                outer.set_result(results)

    for child in children:
        child.add_done_callback(on_done)
    try:
        return await outer
    except CancelledError:
        if outer.cancelled():
            for child in children:
                child.cancel()
        raise
'''},
    {"name": "no_cancelled_check", "kind": "wrong",
     "mistake": ("My callback calls child.exception() without checking child.cancelled(), so a "
                 "child cancelled by someone else makes the callback raise and gather hangs."),
     "expect": ["cancelled"], "hangs": True,
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    results = [None] * len(children)
    left = len(children)

    def on_done(i, child):
        nonlocal left
        if outer.done():
            return
        error = child.exception()
        if error is not None:
            outer.set_exception(error)
            return
        results[i] = child.result()
        left -= 1
        if left == 0:
            outer.set_result(results)

    for i, child in enumerate(children):
        child.add_done_callback(lambda c, i=i: on_done(i, c))
    try:
        return await outer
    except CancelledError:
        if outer.cancelled():
            for child in children:
                child.cancel()
        raise
'''},
    {"name": "finishing_order", "kind": "wrong",
     "mistake": ("I append each result when its child finishes, so the list comes back in "
                 "finishing order instead of argument order."),
     "expect": ["argument order"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    results = []

    def on_done(child):
        if outer.done():
            return
        if child.cancelled():
            outer.cancel()
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            results.append(child.result())
            if len(results) == len(children):
                outer.set_result(results)

    for child in children:
        child.add_done_callback(on_done)
    try:
        return await outer
    except CancelledError:
        for child in children:
            child.cancel()
        raise
'''},
    {"name": "empty_hangs", "kind": "wrong",
     "mistake": ("With no arguments nothing ever sets outer, so gather() waits forever instead of "
                 "returning []."),
     "expect": ["no arguments"], "hangs": True,
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    outer = loop.create_future()
    results = [None] * len(children)
    left = len(children)

    def on_done(i, child):
        nonlocal left
        if outer.done():
            return
        if child.cancelled():
            outer.cancel()
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            results[i] = child.result()
            left -= 1
            if left == 0:
                outer.set_result(results)

    for i, child in enumerate(children):
        child.add_done_callback(lambda c, i=i: on_done(i, c))
    try:
        return await outer
    except CancelledError:
        for child in children:
            child.cancel()
        raise
'''},
    {"name": "create_task_everything", "kind": "wrong",
     "mistake": ("I call loop.create_task on every argument, which fails for tasks and futures "
                 "(create_task wants a coroutine)."),
     "expect": ["future"],
     "source": '''
import asyncio
from asyncio import CancelledError

async def gather(*aws):
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(aw) for aw in aws]
    try:
        return [await t for t in tasks]
    except CancelledError:
        for t in tasks:
            t.cancel()
        raise
'''},
    {"name": "returns_exceptions", "kind": "wrong",
     "mistake": "I put a failing child's exception in the result list instead of raising it.",
     "expect": ["raise"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    left = [len(children)]

    def on_done(child):
        left[0] -= 1
        if left[0] == 0 and not outer.done():
            outer.set_result(None)

    for child in children:
        child.add_done_callback(on_done)
    try:
        await outer
    except CancelledError:
        for child in children:
            child.cancel()
        raise
    return [c.exception() if c.exception() else c.result() for c in children]
'''},
    {"name": "swallows_own_cancel", "kind": "wrong",
     "mistake": ("When I am cancelled I cancel the children but then return None instead of re-"
                 "raising CancelledError."),
     "expect": ["cancel"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    results = [None] * len(children)
    left = [len(children)]

    def on_done(child, i):
        if outer.done():
            return
        if child.cancelled():
            outer.cancel()
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            results[i] = child.result()
            left[0] -= 1
            if not left[0]:
                outer.set_result(results)

    for i, child in enumerate(children):
        child.add_done_callback(lambda c, i=i: on_done(c, i))
    try:
        return await outer
    except CancelledError:
        for child in children:
            child.cancel()
        return None
'''},
    {"name": "busy_wait_all_done", "kind": "wrong",
     "mistake": ("I loop with sleep(0) until every child is done: a busy-wait that keeps the loop "
                 "spinning and the clock still."),
     "expect": ["busy"], "hangs": True,
     "source": '''
import types
from toyloop.ch2_futures import ensure_future

@types.coroutine
def _pass_turn():
    yield

async def gather(*aws):
    futures = [ensure_future(a) for a in aws]
    while not all(f.done() for f in futures):
        for f in futures:
            if f.done() and not f.cancelled() and f.exception():
                raise f.exception()
        await _pass_turn()
    return [f.result() for f in futures]
'''},
    {"name": "poll_every_10ms", "kind": "wrong",
     "mistake": ("I check every 10 ms whether all children are done: polling, so I finish late and"
                 " wake up hundreds of times."),
     "expect": ["busy"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    futures = [ensure_future(a) for a in aws]
    try:
        while not all(f.done() for f in futures):
            for f in futures:
                if f.done() and not f.cancelled() and f.exception():
                    raise f.exception()
            await asyncio.sleep(0.01)
    except CancelledError:
        for f in futures:
            f.cancel()
        raise
    return [f.result() for f in futures]
'''},
    {"name": "counts_one_short", "kind": "wrong",
     "mistake": ("I set outer's result when the count reaches len - 1, so gather returns before "
                 "the last child has finished."),
     "expect": ["finished"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    results = [None] * len(children)
    finished = 0

    def on_done(i, child):
        nonlocal finished
        if outer.done():
            return
        if child.cancelled():
            outer.cancel()
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            results[i] = child.result()
            finished += 1
            if finished >= len(children) - 1:
                outer.set_result(results)

    for i, child in enumerate(children):
        child.add_done_callback(lambda c, i=i: on_done(i, c))
    try:
        return await outer
    except CancelledError:
        for child in children:
            child.cancel()
        raise
'''},
    {"name": "result_in_callback", "kind": "wrong",
     "mistake": ("My done callback calls child.result(), which raises for a failed child inside "
                 "the callback; outer is never completed and gather hangs."),
     "expect": ["exception"], "hangs": True,
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    results = [None] * len(children)
    remaining = [len(children)]

    def on_done(child):
        results[children.index(child)] = child.result()
        remaining[0] -= 1
        if remaining[0] == 0:
            outer.set_result(results)

    for child in children:
        child.add_done_callback(on_done)
    try:
        return await outer
    except CancelledError:
        for child in children:
            child.cancel()
        raise
'''},
    {"name": "module_level_results", "kind": "wrong",
     "mistake": ("I keep results in a module-level list, so a second gather returns the first "
                 "one's results too."),
     "expect": ["previous"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

_results = []

async def gather(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return _results
    outer = loop.create_future()
    start = len(_results)
    _results.extend([None] * len(children))
    left = [len(children)]

    def on_done(i, child):
        if outer.done():
            return
        if child.cancelled():
            outer.cancel()
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            _results[start + i] = child.result()
            left[0] -= 1
            if left[0] == 0:
                outer.set_result(_results)

    for i, child in enumerate(children):
        child.add_done_callback(lambda c, i=i: on_done(i, c))
    try:
        return await outer
    except CancelledError:
        for child in children:
            child.cancel()
        raise
'''},
    {"name": "asyncio_wait_all", "kind": "wrong",
     "mistake": ("I use asyncio.wait(...) with its default ALL_COMPLETED, so a failure is only "
                 "raised once every child has finished, not at once."),
     "expect": ["at once"],
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    futures = [ensure_future(a) for a in aws]
    if not futures:
        return []
    try:
        await asyncio.wait(futures)
    except CancelledError:
        for f in futures:
            f.cancel()
        raise
    return [f.result() for f in futures]
'''},
    {"name": "delegates_to_asyncio_gather", "kind": "wrong",
     "mistake": ("I call asyncio.gather instead of writing gather with an outer future and done "
                 "callbacks."),
     "expect": ["asyncio.gather"],
     "source": '''
import asyncio

async def gather(*aws):
    return list(await asyncio.gather(*aws))
'''},
    # ---------------------------------------------------------------- correct
    {"name": "all_done_scan", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    loop = asyncio.get_running_loop()
    kids = [ensure_future(aw) for aw in aws]
    if not kids:
        return []
    outer = loop.create_future()

    def child_done(kid):
        if outer.done():
            if not kid.cancelled():
                kid.exception()        # mark it retrieved
            return
        if kid.cancelled():
            outer.set_exception(CancelledError())
            return
        if kid.exception() is not None:
            outer.set_exception(kid.exception())
            return
        if all(k.done() for k in kids):
            outer.set_result([k.result() for k in kids])

    for kid in kids:
        kid.add_done_callback(child_done)
    try:
        return await outer
    except CancelledError:
        if outer.cancelled():
            for kid in kids:
                kid.cancel()
        raise
'''},
    {"name": "asyncio_wait_first_exception", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future

async def gather(*aws):
    futs = [ensure_future(aw) for aw in aws]
    for f in futs:   # a later failure is still retrieved after we have raised the first
        f.add_done_callback(lambda f: f.cancelled() or f.exception())
    pending = set(futs)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            for f in done:
                if f.cancelled() or f.exception() is not None:
                    f.result()  # raises the child's exception (or CancelledError)
    except CancelledError:
        for f in futs:
            f.cancel()
        raise
    return [f.result() for f in futs]
'''},
    {"name": "counter_class", "kind": "correct",
     "source": '''
import asyncio
from asyncio import CancelledError
from toyloop.ch2_futures import ensure_future


class _Collector:
    def __init__(self, loop, children):
        self.children = children
        self.slots = [None] * len(children)
        self.missing = len(children)
        self.outer = loop.create_future()

    def callback_for(self, index):
        def done(child):
            if self.outer.done():
                if not child.cancelled():
                    child.exception()   # retrieved, so nobody logs it as lost
                return
            if child.cancelled():
                self.outer.set_exception(CancelledError())
            elif child.exception() is not None:
                self.outer.set_exception(child.exception())
            else:
                self.slots[index] = child.result()
                self.missing -= 1
                if self.missing == 0:
                    self.outer.set_result(self.slots)
        return done


async def gather(*aws):
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    collector = _Collector(asyncio.get_running_loop(), children)
    for i, child in enumerate(children):
        child.add_done_callback(collector.callback_for(i))
    try:
        return await collector.outer
    except CancelledError:
        if collector.outer.cancelled():
            for child in children:
                child.cancel()
        raise
'''},
]
