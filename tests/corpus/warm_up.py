"""Learner answers to chapter 0's warm-up: ``double_later(x)`` waits 1 s, returns 2 * x."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "no_wait", "kind": "wrong",
     "mistake": "I return 2 * x straight away and forgot the one-second wait.",
     "expect": ["wait"],
     "source": '''
async def double_later(x):
    return 2 * x
'''},
    {"name": "time_sleep", "kind": "wrong",
     "mistake": "I used time.sleep(1), which blocks the loop's thread instead of awaiting.",
     "expect": ["blocked the loop"],
     "source": '''
import time

async def double_later(x):
    time.sleep(1)
    return 2 * x
'''},
    {"name": "constant_42", "kind": "wrong",
     "mistake": "I hard-coded 42, the answer for x = 21, instead of computing 2 * x.",
     "expect": ["42"],
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(1)
    return 42
'''},
    {"name": "lookup_table", "kind": "wrong",
     "mistake": "I hard-coded answers for the inputs I tried; any other x gives None.",
     "expect": ["none"],
     "source": '''
import asyncio

ANSWERS_I_CHECKED = {1: 2, 2: 4, 21: 42}

async def double_later(x):
    await asyncio.sleep(1)
    return ANSWERS_I_CHECKED.get(x)
'''},
    {"name": "square", "kind": "wrong",
     "mistake": "I return x * x, which only equals 2 * x when x is 2 (or 0).",
     "expect": ["returned"],
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(1)
    return x * x
'''},
    {"name": "sleeps_two_seconds", "kind": "wrong",
     "mistake": "I wait two seconds instead of one.",
     "expect": ["2.0"],
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(2)
    return 2 * x
'''},
    {"name": "milliseconds", "kind": "wrong",
     "mistake": "I thought asyncio.sleep takes milliseconds and wait 1000 s.",
     "expect": ["1000"],
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(1000)
    return 2 * x
'''},
    {"name": "half_second", "kind": "wrong",
     "mistake": "I wait only half a second.",
     "expect": ["0.5"],
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(0.5)
    return x * 2
'''},
    {"name": "missing_await", "kind": "wrong",
     "mistake": ("I called asyncio.sleep(1) without await, so nothing waits (and the coroutine is "
                 "never awaited)."),
     "expect": ["await"],
     "source": '''
import asyncio

async def double_later(x):
    asyncio.sleep(1)
    return 2 * x
'''},
    {"name": "plain_function", "kind": "wrong",
     "mistake": "I wrote a plain def with time.sleep, not a coroutine function (async def).",
     "expect": ["coroutine"],
     "source": '''
import time

def double_later(x):
    time.sleep(1)
    return 2 * x
'''},
    {"name": "task_not_awaited", "kind": "wrong",
     "mistake": ("I started the sleep as a task but never awaited it, so I return at once and "
                 "leave a task pending."),
     "expect": ["wait"],
     "source": '''
import asyncio

async def double_later(x):
    asyncio.get_running_loop().create_task(asyncio.sleep(1))
    return 2 * x
'''},
    {"name": "timer_instead_of_wait", "kind": "wrong",
     "mistake": ("I scheduled the answer with call_later but returned right away, leaving the "
                 "timer scheduled."),
     "expect": ["wait"],
     "source": '''
import asyncio

async def double_later(x):
    asyncio.get_running_loop().call_later(1, print, 2 * x)
    return 2 * x
'''},
    {"name": "poll_wall_clock", "kind": "wrong",
     "mistake": ("I poll time.monotonic() with sleep(0) until a second passed: a busy wait that "
                 "keeps the loop spinning."),
     "expect": ["busy"],
     "source": '''
import asyncio
import time

async def double_later(x):
    start = time.monotonic()
    while time.monotonic() - start < 1:
        await asyncio.sleep(0)
    return 2 * x
'''},
    {"name": "poll_loop_time", "kind": "wrong",
     "mistake": ("I poll loop.time() with sleep(0); the loop never gets to advance its clock, so "
                 "this spins forever."),
     "expect": ["busy"], "hangs": True,
     "source": '''
import asyncio

async def double_later(x):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 1
    while loop.time() < deadline:
        await asyncio.sleep(0)
    return 2 * x
'''},
    {"name": "bare_except_spin", "kind": "wrong",
     "mistake": ("I spin on sleep(0) until a second of loop time has passed, inside a bare "
                 "except: so nothing can interrupt me, not even the check's timeout."),
     "expect": ["except"], "hangs": True,
     "source": '''
import asyncio

async def double_later(x):
    loop = asyncio.get_running_loop()
    end = loop.time() + 1
    while True:
        try:
            if loop.time() >= end:
                return 2 * x
            await asyncio.sleep(0)
        except:
            pass
'''},
    {"name": "threading_event_wait", "kind": "wrong",
     "mistake": "I wait with threading.Event().wait(1), which blocks the loop's thread.",
     "expect": ["blocked the loop"],
     "source": '''
import threading

async def double_later(x):
    threading.Event().wait(1)
    return 2 * x
'''},
    {"name": "run_until_complete_inside", "kind": "wrong",
     "mistake": "I call loop.run_until_complete(asyncio.sleep(1)) from inside the running loop.",
     "expect": ["already running"],
     "source": '''
import asyncio

async def double_later(x):
    loop = asyncio.get_running_loop()
    loop.run_until_complete(asyncio.sleep(1))
    return 2 * x
'''},
    {"name": "swallows_cancel", "kind": "wrong",
     "mistake": ("I wrapped the sleep in except BaseException: pass, so cancelling me is ignored "
                 "and I still answer."),
     "expect": ["cancel"],
     "source": '''
import asyncio

async def double_later(x):
    try:
        await asyncio.sleep(1)
    except BaseException:
        pass
    return 2 * x
'''},
    {"name": "returns_string", "kind": "wrong",
     "mistake": "I return the answer formatted as a string instead of the number.",
     "expect": ["returned"],
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(1)
    return f"{2 * x}"
'''},
    # ---------------------------------------------------------------- correct
    {"name": "ten_tenths", "kind": "correct",
     "source": '''
import asyncio

async def double_later(x):
    for _ in range(10):
        await asyncio.sleep(0.1)   # ten tenths make a second (give or take rounding)
    return 2 * x
'''},
    {"name": "sleep_result", "kind": "correct",
     "source": '''
import asyncio

async def double_later(x):
    return await asyncio.sleep(1, result=x + x)
'''},
    {"name": "future_and_timer", "kind": "correct",
     "source": '''
import asyncio

async def double_later(x):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    timer = loop.call_later(1, done.set_result, None)
    try:
        await done
    finally:
        timer.cancel()
    return 2 * x
'''},
    {"name": "wait_for_timeout", "kind": "correct",
     "source": '''
import asyncio

async def double_later(x):
    never = asyncio.Event()
    try:
        await asyncio.wait_for(never.wait(), timeout=1)
    except asyncio.TimeoutError:
        pass
    return x * 2
'''},
    {"name": "two_halves", "kind": "correct",
     "source": '''
import asyncio

async def double_later(x):
    await asyncio.sleep(0.5)
    await asyncio.sleep(0.5)
    return 2 * x
'''},
]
