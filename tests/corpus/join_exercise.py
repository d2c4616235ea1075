"""Learner answers to chapter 1's ``join(task)``: ``yield from join(other)`` returns its result."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "bare_yield_loop", "kind": "wrong",
     "mistake": ("I loop on `while not task.done(): yield`, so the joining task is resumed every "
                 "turn: a busy-wait."),
     "expect": ["busy"],
     "source": '''
def join(task):
    while not task.done():
        yield
    return task.result()
'''},
    {"name": "sleep_poll", "kind": "wrong",
     "mistake": ("I check every 10 ms with sleep(0.01): still a busy-wait, and I notice the end "
                 "late."),
     "expect": ["busy"],
     "source": '''
from toyloop.ch1_generators import sleep

def join(task):
    while not task.done():
        yield from sleep(0.01)
    return task.result()
'''},
    {"name": "no_wait", "kind": "wrong",
     "mistake": "I return task.result() straight away without waiting for the task to finish.",
     "expect": ["finished"],
     "source": '''
def join(task):
    return task.result()
    yield  # makes this a generator
'''},
    {"name": "parks_forever", "kind": "wrong",
     "mistake": "I park the task but never arrange for anything to wake it up.",
     "expect": ["wake"], "hangs": True,
     "source": '''
def join(task):
    yield lambda me: None
    return task.result()
'''},
    {"name": "calls_step_now", "kind": "wrong",
     "mistake": ("I pass me.step() (called now) instead of me.step to add_done_callback, so the "
                 "task resumes at once, before the other finished."),
     "expect": ["finished"],
     "source": '''
def join(task):
    yield lambda me: task.add_done_callback(me.step())
    return task.result()
'''},
    {"name": "swallows_exception", "kind": "wrong",
     "mistake": "I catch the other task's exception and return None instead of raising it.",
     "expect": ["exception"],
     "source": '''
def join(task):
    yield lambda me: task.add_done_callback(me.step)
    try:
        return task.result()
    except Exception:
        return None
'''},
    {"name": "returns_exception", "kind": "wrong",
     "mistake": ("I return the other task's exception object as if it were a result instead of "
                 "raising it."),
     "expect": ["raise"],
     "source": '''
def join(task):
    yield lambda me: task.add_done_callback(me.step)
    try:
        return task.result()
    except Exception as error:
        return error
'''},
    {"name": "callbacks_list_directly", "kind": "wrong",
     "mistake": ("I append to task._callbacks myself, so a task that has already finished never "
                 "wakes me."),
     "expect": ["already finished"], "hangs": True,
     "source": '''
def join(task):
    yield lambda me: task._callbacks.append(me.step)
    return task.result()
'''},
    {"name": "result_from_yield", "kind": "wrong",
     "mistake": ("I return what the yield gives back, but step() sends None, so join always "
                 "returns None."),
     "expect": ["none"],
     "source": '''
def join(task):
    result = yield lambda me: task.add_done_callback(me.step)
    return result
'''},
    {"name": "hard_coded_sleep", "kind": "wrong",
     "mistake": ("I sleep for the one second the notebook's example takes instead of waiting for "
                 "the task itself."),
     "expect": ["finish"],
     "source": '''
from toyloop.ch1_generators import sleep

def join(task):
    yield from sleep(1)
    return task.result()
'''},
    {"name": "one_global_joiner", "kind": "wrong",
     "mistake": ("I remember the joining task in a module-level variable, so when several tasks "
                 "join only the last one wakes."),
     "expect": ["joining"], "hangs": True,
     "source": '''
_joiner = None

def _wake():
    _joiner.step()

def join(task):
    def arrange(me):
        global _joiner
        _joiner = me
        if _wake not in task._callbacks:
            task.add_done_callback(_wake)
    yield arrange
    return task.result()
'''},
    {"name": "step_with_result", "kind": "wrong",
     "mistake": ("My callback calls me.step(task.result()), but step's argument is an exception to"
                 " throw in, not a value."),
     "expect": ["step"],
     "source": '''
def join(task):
    yield lambda me: task.add_done_callback(lambda: me.step(task.result()))
    return task.result()
'''},
    {"name": "time_sleep_poll", "kind": "wrong",
     "mistake": ("I wait with time.sleep in a loop, which blocks the scheduler's thread, so the "
                 "other task can never finish."),
     "expect": ["blocked"], "hangs": True,
     "source": '''
import time

def join(task):
    while not task.done():
        time.sleep(0.01)
    return task.result()
    yield
'''},
    {"name": "yields_the_task", "kind": "wrong",
     "mistake": ("I yield the task itself, as I would await it in asyncio, but this scheduler "
                 "wants a function."),
     "expect": ["function"],
     "source": '''
def join(task):
    yield task
    return task.result()
'''},
    {"name": "belt_and_braces", "kind": "wrong",
     "mistake": ("Besides the done callback I schedule a backup me.step with call_later, so the "
                 "joining task is stepped twice."),
     "expect": ["twice"],
     "source": '''
def join(task):
    def arrange(me):
        task.add_done_callback(me.step)
        me.loop.call_later(5, me.step)  # just in case
    yield arrange
    return task.result()
'''},
    {"name": "wraps_exception", "kind": "wrong",
     "mistake": ("I re-raise the other task's exception wrapped in a RuntimeError instead of "
                 "unchanged."),
     "expect": ["exception"],
     "source": '''
def join(task):
    yield lambda me: task.add_done_callback(me.step)
    try:
        return task.result()
    except Exception as error:
        raise RuntimeError(f"joined task failed: {error}") from error
'''},
    {"name": "call_soon_loop", "kind": "wrong",
     "mistake": ("I re-schedule myself with call_soon until the task is done: a busy-wait by "
                 "another name."),
     "expect": ["busy"],
     "source": '''
def join(task):
    while not task.done():
        yield lambda me: me.loop.call_soon(me.step)
    return task.result()
'''},
    # ---------------------------------------------------------------- correct
    {"name": "named_arrange", "kind": "correct",
     "source": '''
def join(task):
    def park_until_done(joiner):
        task.add_done_callback(joiner.step)

    if not task.done():
        yield park_until_done
    return task.result()
'''},
    {"name": "lambda_wrapper", "kind": "correct",
     "source": '''
def join(other):
    yield lambda me: other.add_done_callback(lambda: me.step())
    if other._exception is not None:
        raise other._exception
    return other._result
'''},
    {"name": "partial", "kind": "correct",
     "source": '''
import functools

def join(task):
    def wake(joiner):
        joiner.step()

    yield lambda me: task.add_done_callback(functools.partial(wake, me))
    return task.result()
'''},
    {"name": "callable_class", "kind": "correct",
     "source": '''
class _ResumeWhenDone:
    def __init__(self, task):
        self.task = task

    def __call__(self, waiting_task):
        self.task.add_done_callback(waiting_task.step)


def join(task):
    yield _ResumeWhenDone(task)
    return task.result()
'''},
]
