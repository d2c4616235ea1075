# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch2.BaseLoop._run_once: learner-style wrong ones, and right ones.

Each source defines ``class BaseLoop:`` holding ``_run_once``; it runs in chapter 2's
module namespace (``heapq``, ``Handle``...), as a saved piece does.  Wrong answers
are the mistakes chapter 2 warns about, each a small change to ``BASE``.
"""

from _common import maker

PIECE = "ch2.BaseLoop._run_once"

BASE = '''
class BaseLoop:
    def _run_once(self):
        # Cancelled timers at the top of the heap would wake us for nothing.
        while self._scheduled and self._scheduled[0][2].cancelled():
            heapq.heappop(self._scheduled)[2]._scheduled = False
            self._timer_cancelled_count -= 1
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        events = self._select(timeout)
        self._process_events(events)
        end = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
'''


wrong, right = maker(BASE)


RUN_READY = '''        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
'''
MOVE_TIMERS = '''        end = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
'''

ANSWERS = [
    wrong("drain_until_empty", "runs callbacks added during the iteration in the same one",
          ["same iteration", "next one"],
          ("for _ in range(len(self._ready)):\n            handle = self._ready.popleft()",
           "while self._ready:\n            handle = self._ready.popleft()")),
    wrong("timers_before_io", "moves due timers to the ready queue before the I/O callbacks",
          ["I/O", "timers", "wrong order"],
          ("        events = self._select(timeout)\n        self._process_events(events)\n"
           + MOVE_TIMERS,
           "        events = self._select(timeout)\n" + MOVE_TIMERS
           + "        self._process_events(events)\n")),
    wrong("never_waits", "always polls with timeout 0: a busy loop that never lets time pass",
          ["never waits", "timeout"],
          ("        events = self._select(timeout)", "        events = self._select(0)")),
    wrong("waits_with_callbacks_ready", "waits for the next timer even when callbacks are ready",
          ["callbacks were ready", "timeout is 0"],
          ("        if self._ready or self._stopping:\n            timeout = 0\n        elif",
           "        if False:\n            timeout = 0\n        elif")),
    wrong("forgets_timers_in_timeout", "waits with no timeout although a timer is set",
          ["no timeout although a timer is set"],
          ("            timeout = max(0, self._scheduled[0][0] - self.time())",
           "            timeout = None")),
    wrong("all_timers_at_once", "moves every timer to the ready queue, due or not",
          ["before it was due"],
          ("while self._scheduled and self._scheduled[0][0] < end:", "while self._scheduled:")),
    wrong("runs_cancelled_handles", "runs handles that were cancelled",
          ["cancelled"],
          ("            if not handle.cancelled():\n                handle._run()",
           "            handle._run()")),
    wrong("lifo_ready_queue", "takes callbacks from the wrong end of the ready queue",
          ["order call_soon queued"],
          ("handle = self._ready.popleft()", "handle = self._ready.pop()")),
    wrong("timers_run_directly", "runs due timers at once instead of queueing them behind "
          "the ready callbacks",
          ["ready queue"],
          ("            self._ready.append(timer)", "            timer._run()")),
    wrong("no_process_events", "selects but never turns the events into callbacks",
          ["I/O"],
          ("        self._process_events(events)\n", "")),
    wrong("ignores_stopping", "waits for a timer although stop() was called",
          ["stop()"],
          ("        if self._ready or self._stopping:", "        if self._ready:")),
    wrong("copy_then_clear", "runs a copy of the ready queue, then clears it: callbacks "
          "added meanwhile are lost",
          ["lost"],
          (RUN_READY, "        for handle in list(self._ready):\n"
                      "            if not handle.cancelled():\n"
                      "                handle._run()\n"
                      "        self._ready.clear()\n")),
    wrong("deadline_as_delay", "passes the timer's deadline to select instead of the time "
          "left until it",
          ["not the deadline itself"],
          ("timeout = max(0, self._scheduled[0][0] - self.time())",
           "timeout = self._scheduled[0][0]")),
    wrong("negative_timeout", "forgets max(0, ...): an overdue timer gives a negative timeout",
          ["overdue", "negative"],
          ("timeout = max(0, self._scheduled[0][0] - self.time())",
           "timeout = self._scheduled[0][0] - self.time()")),
    wrong("calls_callback_directly", "calls handle._callback(*handle._args) itself, so an "
          "exception escapes the loop",
          ["_run()", "exception handler"],
          ("                handle._run()", "                handle._callback(*handle._args)")),
    wrong("pops_one_timer_only", "moves only one due timer per iteration",
          ["same iteration"],
          ("        while self._scheduled and self._scheduled[0][0] < end:",
           "        if self._scheduled and self._scheduled[0][0] < end:")),
    {"name": "reference_style", "kind": "correct", "mistake": "", "expect": [],
     "source": BASE},
    {"name": "two_helpers", "kind": "correct", "mistake": "", "expect": [], "source": '''
class BaseLoop:
    def _run_once(self):
        self._pop_cancelled()
        timeout = self._timeout()
        self._process_events(self._select(timeout))
        now = self.time()
        due = []
        while self._scheduled and self._scheduled[0][0] <= now + self._clock_resolution:
            due.append(heapq.heappop(self._scheduled)[2])
        for timer in due:
            timer._scheduled = False
        self._ready.extend(due)
        n = len(self._ready)
        while n:
            n -= 1
            handle = self._ready.popleft()
            if handle._cancelled:
                continue
            handle._run()

    def _pop_cancelled(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False

    def _timeout(self):
        if self._ready or self._stopping:
            return 0
        if not self._scheduled:
            return None
        return min(max(0.0, self._scheduled[0][0] - self.time()), 86400)
'''},
    {"name": "batch_swap", "kind": "correct", "mistake": "", "expect": [], "source": '''
class BaseLoop:
    def _run_once(self):
        heap = self._scheduled
        while heap and heap[0][2].cancelled():
            heapq.heappop(heap)
            self._timer_cancelled_count -= 1
        timeout = 0 if (self._ready or self._stopping) else (
            max(0, heap[0][0] - self.time()) if heap else None)
        self._process_events(self._select(timeout))
        limit = self.time() + self._clock_resolution
        while heap and heap[0][0] < limit:
            _, _, timer = heapq.heappop(heap)
            timer._scheduled = False
            self._ready.append(timer)
        batch = [self._ready.popleft() for _ in range(len(self._ready))]
        for handle in batch:
            if not handle.cancelled():
                handle._run()
'''},
]

# Written cold (session 3): whole _run_once methods written from the notebook's
# section 5 and toyloop/ch2_futures.py only, without reading the checker or the
# answers above.
from _common import whole  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_drains_until_empty", '''
class BaseLoop:
    def _run_once(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        self._process_events(self._select(timeout))
        end = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end:
            _, _, timer = heapq.heappop(self._scheduled)
            timer._scheduled = False
            self._ready.append(timer)
        while self._ready:                 # run everything that is ready
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()
''', "runs the ready queue until it is empty, so callbacks added during this "
     "iteration run in the same iteration", ["same iteration"]),

    whole("wrong", "cold3_timeout_ignores_timers", '''
class BaseLoop:
    def _run_once(self):
        heap = self._scheduled
        while heap and heap[0][2].cancelled():
            self._timer_cancelled_count -= 1
            heapq.heappop(heap)[2]._scheduled = False
        # Wait for I/O unless there is something to do right now.
        timeout = 0 if (self._ready or self._stopping) else None
        events = self._select(timeout)
        self._process_events(events)
        limit = self.time() + self._clock_resolution
        while heap and heap[0][0] < limit:
            timer = heapq.heappop(heap)[2]
            timer._scheduled = False
            self._ready.append(timer)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
''', "the select timeout ignores the timers: with only a timer pending, select "
     "waits forever instead of until the timer is due", ["timer", "timeout"]),

    whole("wrong", "cold3_sleeps_with_ready_callbacks", '''
class BaseLoop:
    def _run_once(self):
        sched = self._scheduled
        while sched and sched[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(sched)[2]._scheduled = False
        if sched:
            timeout = max(0, sched[0][0] - self.time())
        elif self._ready or self._stopping:
            timeout = 0
        else:
            timeout = None
        self._process_events(self._select(timeout))
        end_time = self.time() + self._clock_resolution
        while sched and sched[0][0] < end_time:
            handle = heapq.heappop(sched)[2]
            handle._scheduled = False
            self._ready.append(handle)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if handle._cancelled:
                continue
            handle._run()
''', "with a timer pending, select sleeps until the timer although callbacks are "
     "ready to run", ["ready", "timeout"]),

    whole("wrong", "cold3_runs_cancelled_handles", '''
class BaseLoop:
    def _run_once(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False
        timeout = None
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        self._process_events(self._select(timeout))
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end_time:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        ntodo = len(self._ready)
        for _ in range(ntodo):
            self._ready.popleft()._run()
''', "runs cancelled handles too (handle.cancel() does not stop the callback)",
          ["cancel"]),

    whole("wrong", "cold3_timers_run_directly", '''
class BaseLoop:
    def _run_once(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        event_list = self._select(timeout)
        self._process_events(event_list)
        ntodo = len(self._ready)
        # Timers that are due fire now.
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end_time:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            if not timer._cancelled:
                timer._run()
        for _ in range(ntodo):
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()
''', "due timers are run on the spot instead of joining the ready queue behind the "
     "callbacks already there", ["due timer", "ready queue"]),

    whole("wrong", "cold3_events_dropped", '''
class BaseLoop:
    def _run_once(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        self._select(timeout)            # wait until something happens
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end_time:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()
''', "what select returns is never handed to self._process_events, so I/O callbacks "
     "never run", ["_process_events"]),

    whole("wrong", "cold3_lifo_ready", '''
class BaseLoop:
    def _run_once(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        self._process_events(self._select(timeout))
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end_time:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        batch = [self._ready.pop() for _ in range(len(self._ready))]
        for handle in batch:
            if not handle._cancelled:
                handle._run()
''', "takes the ready handles from the wrong end: last scheduled runs first",
          ["order"]),

    whole("wrong", "cold3_timers_before_select", '''
class BaseLoop:
    def _run_once(self):
        while self._scheduled and self._scheduled[0][2]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(self._scheduled)[2]._scheduled = False
        # Move what is due first, then wait.
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end_time:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        self._process_events(self._select(timeout))
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()
''', "moves due timers before waiting: a timer that falls due during the wait runs an "
     "iteration late, after I/O callbacks that arrived later", ["timer"]),

    whole("correct", "cold3_right_batch_list", '''
class BaseLoop:
    def _run_once(self):
        timers = self._scheduled
        # 1. cancelled timers on top of the heap are dropped
        while timers and timers[0][2].cancelled():
            dead = heapq.heappop(timers)[2]
            dead._scheduled = False
            self._timer_cancelled_count -= 1
        # 2. how long select may block
        if self._ready or self._stopping:
            timeout = 0
        elif not timers:
            timeout = None
        else:
            timeout = min(max(0, timers[0][0] - self.time()), MAXIMUM_SELECT_TIMEOUT)
        # 3. wait, queue I/O callbacks
        self._process_events(self._select(timeout))
        # 4. due timers join the ready queue
        due = []
        deadline = self.time() + self._clock_resolution
        while timers and timers[0][0] < deadline:
            timer = heapq.heappop(timers)[2]
            timer._scheduled = False
            due.append(timer)
        self._ready.extend(due)
        # 5. run this batch only
        batch = [self._ready.popleft() for _ in range(len(self._ready))]
        for handle in batch:
            if not handle.cancelled():
                handle._run()
'''),

    whole("correct", "cold3_right_countdown", '''
class BaseLoop:
    def _run_once(self):
        heap, ready = self._scheduled, self._ready
        while heap:
            when, seq, timer = heap[0]
            if not timer._cancelled:
                break
            heapq.heappop(heap)
            timer._scheduled = False
            self._timer_cancelled_count -= 1
        timeout = None
        if ready or self._stopping:
            timeout = 0
        elif heap:
            wait = heap[0][0] - self.time()
            timeout = wait if wait > 0 else 0
            timeout = min(timeout, MAXIMUM_SELECT_TIMEOUT)
        event_list = self._select(timeout)
        self._process_events(event_list)
        now = self.time()
        while heap:
            when, seq, timer = heap[0]
            if when >= now + self._clock_resolution:
                break
            heapq.heappop(heap)
            timer._scheduled = False
            ready.append(timer)
        todo = len(ready)
        while todo:
            todo -= 1
            handle = ready.popleft()
            if handle._cancelled:
                continue
            handle._run()
'''),
]

# Session 3, after reading the scenarios: probes derived from a cold right answer above.
from _common import mutate, named  # noqa: E402

_COLD_RIGHT = named(ANSWERS, "cold3_right_batch_list")

ANSWERS += [
    whole("wrong", "cold3_probe_stop_still_waits", mutate(
        _COLD_RIGHT, ("if self._ready or self._stopping:", "if self._ready:")),
          "a loop that is stopping still waits for the next timer", ["stop"]),
    whole("wrong", "cold3_probe_calls_callback_itself", mutate(
        _COLD_RIGHT, ("                handle._run()",
                      "                handle._callback(*handle._args)")),
          "calls handle._callback itself instead of handle._run(): no context, and a "
          "failing callback escapes from the loop", ["_run()"]),
    whole("correct", "cold3_right_due_without_resolution", mutate(
        _COLD_RIGHT, ("deadline = self.time() + self._clock_resolution",
                      "deadline = self.time()"),
        ("while timers and timers[0][0] < deadline:",
         "while timers and timers[0][0] <= deadline:"))),
    whole("correct", "cold3_right_purges_every_time", '''
class BaseLoop:
    def _run_once(self):
        if self._timer_cancelled_count:
            # drop every cancelled timer, wherever it is in the heap
            kept = []
            for entry in self._scheduled:
                if entry[2]._cancelled:
                    entry[2]._scheduled = False
                else:
                    kept.append(entry)
            heapq.heapify(kept)
            self._scheduled[:] = kept
            self._timer_cancelled_count = 0
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = min(max(0, self._scheduled[0][0] - self.time()),
                          MAXIMUM_SELECT_TIMEOUT)
        else:
            timeout = None
        self._process_events(self._select(timeout))
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end_time:
            timer = heapq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()
'''),
]
