"""Learner answers to chapter 4's ``to_thread(func, /, *args, **kwargs)``."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "calls_directly", "kind": "wrong",
     "mistake": ("I just call func(*args, **kwargs) on the loop's thread, which blocks the loop "
                 "while it works."),
     "expect": ["blocked the loop"],
     "source": '''
async def my_to_thread(func, /, *args, **kwargs):
    return func(*args, **kwargs)
'''},
    {"name": "drops_kwargs", "kind": "wrong",
     "mistake": ("I pass only the positional arguments to run_in_executor and forget the keyword "
                 "arguments."),
     "expect": ["keyword"],
     "source": '''
import asyncio
import contextvars
import functools

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    return await loop.run_in_executor(None, functools.partial(ctx.run, func, *args))
'''},
    {"name": "no_context", "kind": "wrong",
     "mistake": ("I run func in the executor without copying the caller's context, so it does not "
                 "see the context variables."),
     "expect": ["context"],
     "source": '''
import asyncio
import functools

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(func, *args, **kwargs))
'''},
    {"name": "submit_result", "kind": "wrong",
     "mistake": ("I submit func to a thread pool and call .result(), which blocks the loop's "
                 "thread until it is done."),
     "expect": ["blocked the loop"],
     "source": '''
import concurrent.futures
import contextvars

_pool = concurrent.futures.ThreadPoolExecutor()

async def my_to_thread(func, /, *args, **kwargs):
    ctx = contextvars.copy_context()
    return _pool.submit(ctx.run, func, *args, **kwargs).result()
'''},
    {"name": "thread_join", "kind": "wrong",
     "mistake": ("I start a threading.Thread and join() it, which blocks the loop's thread until "
                 "it finishes."),
     "expect": ["blocked the loop"],
     "source": '''
import contextvars
import threading

async def my_to_thread(func, /, *args, **kwargs):
    ctx = contextvars.copy_context()
    box = {}

    def work():
        try:
            box["result"] = ctx.run(func, *args, **kwargs)
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]
'''},
    {"name": "thread_and_poll", "kind": "wrong",
     "mistake": ("I run func in my own thread and check every 10 ms whether it is done, instead of"
                 " having the loop woken."),
     "expect": ["busy"],
     "source": '''
import asyncio
import contextvars
import threading

async def my_to_thread(func, /, *args, **kwargs):
    ctx = contextvars.copy_context()
    box = {}

    def work():
        try:
            box["result"] = ctx.run(func, *args, **kwargs)
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        await asyncio.sleep(0.01)
    if "error" in box:
        raise box["error"]
    return box["result"]
'''},
    {"name": "swallows_exception", "kind": "wrong",
     "mistake": ("I catch the function's exception and return None instead of letting it reach the"
                 " caller."),
     "expect": ["exception"],
     "source": '''
import asyncio
import contextvars
import functools

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    try:
        return await loop.run_in_executor(None, functools.partial(ctx.run, func, *args, **kwargs))
    except Exception:
        return None
'''},
    {"name": "returns_future", "kind": "wrong",
     "mistake": ("I return the future from run_in_executor without awaiting it, so the caller gets"
                 " a Future instead of the result."),
     "expect": ["future"],
     "source": '''
import asyncio
import contextvars
import functools

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    return loop.run_in_executor(None, functools.partial(ctx.run, func, *args, **kwargs))
'''},
    {"name": "wraps_exception", "kind": "wrong",
     "mistake": ("I wrap the function's exception in a RuntimeError instead of letting the "
                 "original through."),
     "expect": ["exception"],
     "source": '''
import asyncio
import contextvars
import functools

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    try:
        return await loop.run_in_executor(None, functools.partial(ctx.run, func, *args, **kwargs))
    except Exception as exc:
        raise RuntimeError(f"{func.__name__} failed") from exc
'''},
    {"name": "pool_per_call_never_shut", "kind": "wrong",
     "mistake": ("I create a new ThreadPoolExecutor on every call and never shut it down, so its "
                 "threads stay alive."),
     "expect": ["thread"],
     "source": '''
import asyncio
import concurrent.futures
import contextvars
import functools

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    ctx = contextvars.copy_context()
    return await loop.run_in_executor(pool, functools.partial(ctx.run, func, *args, **kwargs))
'''},
    {"name": "kwargs_as_positional", "kind": "wrong",
     "mistake": ("I pass kwargs as one more positional argument (a dict) instead of as keyword "
                 "arguments."),
     "expect": ["keyword"],
     "source": '''
import asyncio
import contextvars

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    if kwargs:
        return await loop.run_in_executor(None, ctx.run, func, *args, kwargs)
    return await loop.run_in_executor(None, ctx.run, func, *args)
'''},
    {"name": "context_copied_once", "kind": "wrong",
     "mistake": ("I copy the context once when the cell runs, so the function sees that old "
                 "context, not the caller's at call time."),
     "expect": ["context"],
     "source": '''
import asyncio
import contextvars
import functools

_CTX = contextvars.copy_context()

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(_CTX.run, func, *args, **kwargs))
'''},
    {"name": "delegates_to_asyncio", "kind": "wrong",
     "mistake": "I just call asyncio.to_thread instead of writing it with run_in_executor.",
     "expect": ["asyncio.to_thread"],
     "source": '''
import asyncio

async def my_to_thread(func, /, *args, **kwargs):
    return await asyncio.to_thread(func, *args, **kwargs)
'''},
    {"name": "set_result_from_thread", "kind": "wrong",
     "mistake": ("My worker thread sets the loop's future directly instead of going through "
                 "call_soon_threadsafe."),
     "expect": ["call_soon_threadsafe"],
     "source": '''
import asyncio
import contextvars
import threading

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    ctx = contextvars.copy_context()

    def work():
        try:
            fut.set_result(ctx.run(func, *args, **kwargs))
        except BaseException as exc:
            fut.set_exception(exc)

    threading.Thread(target=work, daemon=True).start()
    return await fut
'''},
    {"name": "process_pool", "kind": "wrong",
     "mistake": ("I run func in a process pool instead of the loop's default thread executor, so "
                 "lambdas and closures fail to pickle and context is lost."),
     "expect": ["default executor"],
     "source": '''
import asyncio
import concurrent.futures
import functools

_procs = concurrent.futures.ProcessPoolExecutor(max_workers=1)

async def my_to_thread(func, /, *args, **kwargs):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_procs, functools.partial(func, *args, **kwargs))
'''},
    {"name": "busy_poll_done", "kind": "wrong",
     "mistake": ("I submit to a pool and spin on future.done() with sleep(0) instead of awaiting: "
                 "a busy-wait."),
     "expect": ["busy"],
     "source": '''
import asyncio
import concurrent.futures
import contextvars

_pool = concurrent.futures.ThreadPoolExecutor()

async def my_to_thread(func, /, *args, **kwargs):
    ctx = contextvars.copy_context()
    cf = _pool.submit(ctx.run, func, *args, **kwargs)
    while not cf.done():
        await asyncio.sleep(0)
    return cf.result()
'''},
    # ---------------------------------------------------------------- correct
    {"name": "lambda_closure", "kind": "correct",
     "source": '''
import asyncio
import contextvars

async def my_to_thread(func, /, *args, **kwargs):
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: context.run(func, *args, **kwargs))
'''},
    {"name": "own_executor_wrap_future", "kind": "correct",
     "source": '''
import asyncio
import concurrent.futures
import contextvars

async def my_to_thread(func, /, *args, **kwargs):
    ctx = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(ctx.run, func, *args, **kwargs)
        return await asyncio.wrap_future(job)
'''},
    {"name": "partial_then_partial", "kind": "correct",
     "source": '''
import asyncio
import contextvars
from functools import partial

async def my_to_thread(func, /, *args, **kwargs):
    call = partial(func, *args, **kwargs)
    runner = partial(contextvars.copy_context().run, call)
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(None, runner)
    return result
'''},
]
