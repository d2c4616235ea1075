"""Learner answers to chapter 6's ``call_soon(self, callback, *args, context=None)`` in O(1).

Written cold (session 3): from notebook 06's prose, the exercise statement and stub
(``slow_call_soon``), the hints and ``toyloop/ch2_futures.py``, without reading the
checker's cases or the reference solution.
"""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "copy_plus_one", "kind": "wrong",
     "mistake": ("I build the new queue as the old one plus my handle; it reads like one "
                 "append, but it copies every handle already waiting."),
     "expect": ["o(n)"],
     "source": '''
import collections

from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready = collections.deque([*self._ready, handle])
    return handle
'''},
    {"name": "deque_plus_deque", "kind": "wrong",
     "mistake": ("I add a one-element deque to the ready deque with +, which makes a new "
                 "deque holding copies of all the handles."),
     "expect": ["o(n)"],
     "source": '''
import collections

from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready = self._ready + collections.deque([handle])
    return handle
'''},
    {"name": "duplicate_guard", "kind": "wrong",
     "mistake": ("I check that the handle is not already queued before appending; the `in` "
                 "test walks the whole deque, so each call is O(n) again."),
     "expect": ["o(n)"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    if handle not in self._ready:
        self._ready.append(handle)
    return handle
'''},
    {"name": "reverse_appendleft_reverse", "kind": "wrong",
     "mistake": ("I reverse the deque, appendleft and reverse it back, so the order comes "
                 "out right, but the two reversals touch every handle."),
     "expect": ["o(n)"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.reverse()
    self._ready.appendleft(handle)
    self._ready.reverse()
    return handle
'''},
    {"name": "clear_and_refill", "kind": "wrong",
     "mistake": ("I keep the same deque object but empty it and extend it again with the old "
                 "handles plus mine: still one copy of the queue per call."),
     "expect": ["o(n)"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    waiting = list(self._ready)
    self._ready.clear()
    self._ready.extend(waiting + [handle])
    return handle
'''},
    {"name": "appendleft", "kind": "wrong",
     "mistake": ("I use appendleft because I thought the loop pops from the right, so the "
                 "newest callback runs first."),
     "expect": ["order"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.appendleft(handle)
    return handle
'''},
    {"name": "insert_front", "kind": "wrong",
     "mistake": ("I insert the handle at index 0, like a stack, so callbacks run last-in "
                 "first-out."),
     "expect": ["order"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.insert(0, handle)
    return handle
'''},
    {"name": "no_return", "kind": "wrong",
     "mistake": "I append the handle but forget to return it, so nobody can cancel the callback.",
     "expect": ["return"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    self._ready.append(Handle(callback, args, self, context))
'''},
    {"name": "returns_callback", "kind": "wrong",
     "mistake": "I return the callback I was given instead of the Handle I queued.",
     "expect": ["handle"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    self._ready.append(Handle(callback, args, self, context))
    return callback
'''},
    {"name": "drops_context", "kind": "wrong",
     "mistake": ("I leave the context out when I make the Handle (it copies the current one "
                 "by itself), so a context the caller passes is ignored."),
     "expect": ["context"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self)
    self._ready.append(handle)
    return handle
'''},
    {"name": "always_copies_context", "kind": "wrong",
     "mistake": ("I always pass contextvars.copy_context() to the Handle, to be safe, and "
                 "never use the context argument."),
     "expect": ["context"],
     "source": '''
import contextvars

from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, contextvars.copy_context())
    self._ready.append(handle)
    return handle
'''},
    {"name": "no_context_parameter", "kind": "wrong",
     "mistake": ("My signature has no context keyword at all; I did not think anybody passes "
                 "one."),
     "expect": ["context"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, None)
    self._ready.append(handle)
    return handle
'''},
    {"name": "no_closed_check", "kind": "wrong",
     "mistake": "I dropped the closed-loop check because it is not about speed.",
     "expect": ["closed"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    handle = Handle(callback, args, self, context)
    self._ready.append(handle)
    return handle
'''},
    {"name": "closed_wrong_error", "kind": "wrong",
     "mistake": ("On a closed loop I raise ValueError, which felt like the right error for bad "
                 "state."),
     "expect": ["runtimeerror"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise ValueError("the loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.append(handle)
    return handle
'''},
    {"name": "args_wrapped_twice", "kind": "wrong",
     "mistake": ("I pass (args,) to Handle, so the callback gets one tuple instead of its "
                 "separate arguments."),
     "expect": ["argument"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, (args,), self, context)
    self._ready.append(handle)
    return handle
'''},
    {"name": "runs_it_now", "kind": "wrong",
     "mistake": ("Fastest of all: I run the callback right away instead of queueing it, and "
                 "return a handle for it."),
     "expect": ["immediately"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    handle._run()
    return handle
'''},
    {"name": "queued_twice", "kind": "wrong",
     "mistake": ("I left the append from my first try in and added a second one, so every "
                 "callback runs twice."),
     "expect": ["twice"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.append(handle)
    self._ready.extend([handle])
    return handle
'''},
    {"name": "queues_bare_callback", "kind": "wrong",
     "mistake": ("I append the callback and its arguments as a tuple; I thought the Handle "
                 "was only the return value."),
     "expect": ["handle"],
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    self._ready.append((callback, args))
    return Handle(callback, args, self, context)
'''},
    {"name": "timer_with_zero_delay", "kind": "wrong",
     "mistake": ("I reuse call_later with a delay of 0: the timer heap is O(log n) and I "
                 "thought 'soon' and 'in 0 seconds' are the same."),
     "expect": ["timer"],
     "source": '''
def call_soon(self, callback, *args, context=None):
    return self.call_later(0, callback, *args, context=context)
'''},
    # -------------------------------------------------------------- correct
    {"name": "extend_one_tuple", "kind": "correct",
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    new = Handle(callback, args, self, context)
    self._ready.extend((new,))
    return new
'''},
    {"name": "appendleft_then_rotate", "kind": "correct",
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    """appendleft then rotate(-1): the new handle moves from the front to the back."""
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    queue = self._ready
    queue.appendleft(handle)
    queue.rotate(-1)
    return handle
'''},
    {"name": "insert_at_end", "kind": "correct",
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.insert(len(self._ready), handle)   # the end of a deque: no shifting
    return handle
'''},
    {"name": "checks_callable_like_asyncio", "kind": "correct",
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    self._check_closed()
    if not callable(callback):
        raise TypeError(f"a callable object was expected by call_soon(), got {callback!r}")
    push = self._ready.append
    handle = Handle(callback, args, self, context)
    push(handle)
    return handle
'''},
    {"name": "in_place_add", "kind": "correct",
     "source": '''
from toyloop.ch2_futures import Handle


def call_soon(self, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    h = Handle(callback, args, self, context=context)
    self._ready += [h]      # deque's += extends in place
    return h
'''},
]
