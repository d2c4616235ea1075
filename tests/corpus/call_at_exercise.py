"""Learner answers to chapter 6's ``call_at(self, when, callback, *args, context=None)``.

The loop's ``_scheduled`` must stay a heap of ``(when, seq, TimerHandle)`` and each call
cost O(log n). Written cold (session 3): from notebook 06's prose (sections 4.2, 4.3 and
7), the exercise statement and stub (``sorted_call_at``), the hints and
``toyloop/ch2_futures.py``, without reading the checker's cases or the reference solution.
"""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "push_then_heapify", "kind": "wrong",
     "mistake": ("I heappush and then heapify, to be sure the heap is still a heap; heapify "
                 "looks at every timer."),
     "expect": ["o(n"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    heapq.heapify(self._scheduled)
    timer._scheduled = True
    return timer
'''},
    {"name": "append_then_heapify", "kind": "wrong",
     "mistake": ("I swapped sort() for heapify(): a heap instead of a sorted list, so I "
                 "thought it was the heap version."),
     "expect": ["o(n"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    self._scheduled.append((when, self._timer_seq(), timer))
    heapq.heapify(self._scheduled)
    timer._scheduled = True
    return timer
'''},
    {"name": "insort", "kind": "wrong",
     "mistake": ("bisect.insort finds the place by binary search, so I thought it was "
                 "O(log n); the list insert still shifts every later entry."),
     "expect": ["o(n"],
     "source": '''
import bisect

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    bisect.insort(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "sorted_copy", "kind": "wrong",
     "mistake": ("I rebuild the list with sorted(old + [entry]) so I never mutate it while it is "
                 "used."),
     "expect": ["o(n"],
     "source": '''
from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    self._scheduled[:] = sorted(self._scheduled + [(when, self._timer_seq(), timer)])
    timer._scheduled = True
    return timer
'''},
    {"name": "linear_search_insert", "kind": "wrong",
     "mistake": ("I walk the list to the first later deadline and insert there, which keeps "
                 "it sorted without a full sort."),
     "expect": ["o(n"],
     "source": '''
from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    entry = (when, self._timer_seq(), timer)
    i = 0
    while i < len(self._scheduled) and self._scheduled[i] < entry:
        i += 1
    self._scheduled.insert(i, entry)
    timer._scheduled = True
    return timer
'''},
    {"name": "when_is_a_delay", "kind": "wrong",
     "mistake": ("I add self.time() to when, because I thought when was the number of seconds to "
                 "wait."),
     "expect": ["delay"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    deadline = self.time() + when
    timer = TimerHandle(deadline, callback, args, self, context)
    heapq.heappush(self._scheduled, (deadline, self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "stores_time_left", "kind": "wrong",
     "mistake": ("I store when - self.time() in the heap, the time left, since the heap only "
                 "needs to know which timer is next."),
     "expect": ["delay"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when - self.time(), self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "no_sequence_number", "kind": "wrong",
     "mistake": "I push (when, timer) pairs; I did not see why the sequence number is needed.",
     "expect": ["seq"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "id_as_tie_breaker", "kind": "wrong",
     "mistake": ("I use id(timer) to break ties because it is unique; timers due at the same "
                 "moment then run in an arbitrary order."),
     "expect": ["order"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, id(timer), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "length_as_tie_breaker", "kind": "wrong",
     "mistake": ("My tie-breaker is len(self._scheduled), which I thought counts up; it goes "
                 "down again when timers fire, so equal deadlines can run out of order."),
     "expect": ["order"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, -len(self._scheduled), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "seq_first", "kind": "wrong",
     "mistake": ("I put the sequence number first, (seq, when, timer), so the heap is ordered "
                 "by when the timer was set, not when it is due."),
     "expect": ["order"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (self._timer_seq(), when, timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "max_heap", "kind": "wrong",
     "mistake": "I push -when because I remembered that heapq needs negated keys.",
     "expect": ["order"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (-when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "pushes_bare_timer", "kind": "wrong",
     "mistake": "I push the TimerHandle itself; it knows its own deadline, so why a tuple.",
     "expect": ["tuple"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, timer)
    timer._scheduled = True
    return timer
'''},
    {"name": "forgets_scheduled_flag", "kind": "wrong",
     "mistake": ("I dropped timer._scheduled = True, since the loop never reads it when it "
                 "runs timers; cancelled timers are then never counted."),
     "expect": ["_scheduled"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    return timer
'''},
    {"name": "drops_context", "kind": "wrong",
     "mistake": "I make the TimerHandle without the context argument.",
     "expect": ["context"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "no_closed_check", "kind": "wrong",
     "mistake": "I only kept the heap part and lost the closed-loop check.",
     "expect": ["closed"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "no_return", "kind": "wrong",
     "mistake": "I push the timer and forget to return it.",
     "expect": ["return"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
'''},
    {"name": "plain_handle", "kind": "wrong",
     "mistake": ("I make a plain Handle, as in call_soon; the deadline is in the tuple "
                 "anyway."),
     "expect": ["timerhandle"],
     "source": '''
import heapq

from toyloop.ch2_futures import Handle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), handle))
    return handle
'''},
    {"name": "pushpop", "kind": "wrong",
     "mistake": ("I use heappushpop because its name says push; it also pops the earliest "
                 "timer, which is then lost."),
     "expect": ["never"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappushpop(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
    {"name": "checks_heap_every_time", "kind": "wrong",
     "mistake": ("After the push I check that the top is the smallest entry with min(), as a "
                 "safety net; min() reads the whole list."),
     "expect": ["o(n"],
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    if self._scheduled[0] != min(self._scheduled):
        heapq.heapify(self._scheduled)
    timer._scheduled = True
    return timer
'''},
    # -------------------------------------------------------------- correct
    {"name": "hand_written_sift_up", "kind": "correct",
     "source": '''
from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    """Append at the bottom and swap upwards while the parent is later: O(log n)."""
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heap = self._scheduled
    heap.append((when, self._timer_seq(), timer))
    child = len(heap) - 1
    while child > 0:
        parent = (child - 1) // 2
        if heap[child] < heap[parent]:
            heap[child], heap[parent] = heap[parent], heap[child]
            child = parent
        else:
            break
    timer._scheduled = True
    return timer
'''},
    {"name": "asyncio_style_checks", "kind": "correct",
     "source": '''
import math
from heapq import heappush

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if when is None:
        raise TypeError("when cannot be None")
    if math.isnan(when):
        raise ValueError("Invalid delay: NaN (not a number)")
    self._check_closed()
    if not callable(callback):
        raise TypeError(f"a callable object was expected by call_at(), got {callback!r}")
    handle = TimerHandle(when, callback, args, self, context=context)
    handle._scheduled = True
    heappush(self._scheduled, (handle.when(), self._timer_seq(), handle))
    return handle
'''},
    {"name": "entry_built_first", "kind": "correct",
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    seq = self._timer_seq()
    timer = TimerHandle(when, callback, args, self, context)
    entry = when, seq, timer
    push = heapq.heappush
    push(self._scheduled, entry)
    timer._scheduled = True
    return timer
'''},
    {"name": "merge_via_heappush_on_local", "kind": "correct",
     "source": '''
import heapq

from toyloop.ch2_futures import TimerHandle


def call_at(self, when, callback, *args, context=None):
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    timers = self._scheduled            # the same list object: _run_once keeps using it
    heapq.heappush(timers, (float(when), self._timer_seq(), timer))
    timer._scheduled = True
    return timer
'''},
]
