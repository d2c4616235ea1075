"""Learner answers to chapter 1's ``Event`` for the Scheduler (wait / set / is_set)."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "class_attribute_waiters", "kind": "wrong",
     "mistake": ("I made the waiters list a class attribute, so every Event shares one list and "
                 "setting one wakes the others' waiters."),
     "expect": ["shared"],
     "source": '''
class Event:
    _flag = False
    _waiters = []  # tasks parked in wait()

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters.clear()

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "steps_inline", "kind": "wrong",
     "mistake": ("set() calls each waiter's step() directly, so the waiters run inside set() "
                 "instead of through call_soon."),
     "expect": ["call_soon"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        waiters, self._waiters = self._waiters, []
        for task in waiters:
            task.step()

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "wakes_first_only", "kind": "wrong",
     "mistake": "set() wakes only the first waiting task (pop(0)), not every one.",
     "expect": ["every"], "hangs": True,
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        if self._waiters:
            task = self._waiters.pop(0)
            task.loop.call_soon(task.step)

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "busy_wait", "kind": "wrong",
     "mistake": "wait() loops on a bare yield until the flag is set: a busy-wait.",
     "expect": ["busy"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True

    def wait(self):
        while not self._flag:
            yield
        return True
'''},
    {"name": "sleep_poll", "kind": "wrong",
     "mistake": "wait() checks the flag every 50 ms with sleep: still a busy-wait, and late.",
     "expect": ["busy"],
     "source": '''
from toyloop.ch1_generators import sleep

class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True

    def wait(self):
        while not self._flag:
            yield from sleep(0.05)
        return True
'''},
    {"name": "never_clears", "kind": "wrong",
     "mistake": ("set() never empties the waiters list, so a second set() wakes the same tasks "
                 "again."),
     "expect": ["twice"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "returns_none", "kind": "wrong",
     "mistake": "wait() falls off the end and returns None instead of True.",
     "expect": ["true"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters = []

    def wait(self):
        if not self._flag:
            yield self._waiters.append
'''},
    {"name": "parks_when_set", "kind": "wrong",
     "mistake": "wait() always parks, even when the event is already set, so nobody wakes it.",
     "expect": ["already set"], "hangs": True,
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters = []

    def wait(self):
        yield self._waiters.append
        return True
'''},
    {"name": "is_set_from_waiters", "kind": "wrong",
     "mistake": "is_set() looks at whether anybody waits instead of at the flag.",
     "expect": ["is_set"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return not self._waiters

    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters = []

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "set_forgets_flag", "kind": "wrong",
     "mistake": ("set() wakes the waiters but never sets the flag, so a wait() after set() parks "
                 "forever."),
     "expect": ["already set"], "hangs": True,
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters = []

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "lifo_order", "kind": "wrong",
     "mistake": "set() pops waiters off the end, so they wake in reverse order of waiting.",
     "expect": ["order"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        while self._waiters:
            task = self._waiters.pop()
            task.loop.call_soon(task.step)

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "call_soon_of_call", "kind": "wrong",
     "mistake": ("I wrote call_soon(task.step()) with parentheses, which runs the waiter right "
                 "there inside set()."),
     "expect": ["call_soon"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        waiters, self._waiters = self._waiters, []
        for task in waiters:
            task.loop.call_soon(task.step())

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "schedules_task_object", "kind": "wrong",
     "mistake": ("set() schedules the task object itself with call_soon instead of its step "
                 "method."),
     "expect": ["step"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        waiters, self._waiters = self._waiters, []
        for task in waiters:
            task.loop.call_soon(task)

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "remove_while_iterating", "kind": "wrong",
     "mistake": ("set() removes each task from the list while looping over it, which skips every "
                 "other waiter."),
     "expect": ["every"], "hangs": True,
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
            self._waiters.remove(task)

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    {"name": "threading_event", "kind": "wrong",
     "mistake": ("I wrapped a threading.Event and wait on it with a timeout, which blocks the "
                 "scheduler's thread."),
     "expect": ["blocked"],
     "source": '''
import threading

class Event:
    def __init__(self):
        self._flag = threading.Event()
        self._waiters = []

    def is_set(self):
        return self._flag.is_set()

    def set(self):
        self._flag.set()

    def wait(self):
        result = self._flag.wait(1)
        yield
        return result
'''},
    {"name": "set_twice_wakes_again", "kind": "wrong",
     "mistake": ("set() keeps every task that ever waited in a history list and reschedules them "
                 "all on each set()."),
     "expect": ["twice"],
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []
        self._everyone = []

    def is_set(self):
        return self._flag

    def set(self):
        self._flag = True
        self._everyone.extend(self._waiters)
        self._waiters = []
        for task in self._everyone:
            task.loop.call_soon(task.step)

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True
'''},
    # ---------------------------------------------------------------- correct
    {"name": "store_steps", "kind": "correct",
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []  # (loop, step) pairs

    def is_set(self):
        return self._flag

    def set(self):
        if self._flag:
            return
        self._flag = True
        for loop, step in self._waiters:
            loop.call_soon(step)
        self._waiters = []

    def wait(self):
        if not self._flag:
            yield lambda task: self._waiters.append((task.loop, task.step))
        return True
'''},
    {"name": "deque_and_popleft", "kind": "correct",
     "source": '''
from collections import deque

class Event:
    def __init__(self):
        self._set = False
        self._parked = deque()

    def is_set(self):
        return self._set

    def set(self):
        self._set = True
        while self._parked:
            task = self._parked.popleft()
            task.loop.call_soon(task.step)

    def wait(self):
        if self._set:
            return True

        def park(task):
            self._parked.append(task)

        yield park
        return True
'''},
    {"name": "swap_list", "kind": "correct",
     "source": '''
class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return bool(self._flag)

    def set(self):
        self._flag = True
        to_wake, self._waiters = self._waiters, []
        for t in to_wake:
            t.loop.call_soon(t.step)

    def wait(self):
        while not self._flag:
            yield self._waiters.append
        return True
'''},
]
