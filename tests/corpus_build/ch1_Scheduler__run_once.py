# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch1.Scheduler._run_once (chapter 1's scheduler turn).

Each source defines ``class Scheduler:`` with ``_run_once``; the ready queue holds
``(callback, args)`` pairs and the heap ``(when, seq, callback, args)``.
"""

from _common import maker

PIECE = "ch1.Scheduler._run_once"

BASE = '''
class Scheduler:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = max(0.0, self._scheduled[0][0] - self.time())
        else:
            raise RuntimeError("nothing to do")
        if timeout:
            self._wait(timeout)
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)
'''

wrong, right = maker(BASE)
MOVE = '''        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
'''
RUN = '''        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)
'''

ANSWERS = [
    wrong("drain_until_empty", "runs callbacks added during the turn in the same turn",
          ["same iteration", "next one"],
          ("for _ in range(len(self._ready)):", "while self._ready:")),
    wrong("never_waits", "never waits, so time never passes", ["never waits"],
          ("        if timeout:\n            self._wait(timeout)\n", "")),
    wrong("waits_with_ready", "waits for the next timer although callbacks are ready",
          ["no time passed"],
          ("        if self._ready or self._stopping:",
           "        if self._stopping or not self._scheduled:")),
    wrong("all_timers", "moves every timer, due or not", ["before it was due"],
          ("while self._scheduled and self._scheduled[0][0] <= now:",
           "while self._scheduled:")),
    wrong("lifo", "takes the newest callback first", ["order call_soon queued"],
          ("callback, args = self._ready.popleft()", "callback, args = self._ready.pop()")),
    wrong("timers_run_directly", "runs due timers at once, ahead of the ready callbacks",
          ["ready queue"],
          ("            self._ready.append((callback, args))", "            callback(*args)")),
    wrong("ignores_stopping", "waits for a timer although stop() was called", ["stop()"],
          ("        if self._ready or self._stopping:", "        if self._ready:")),
    wrong("iterates_the_deque", "iterates over the deque while callbacks append to it",
          ["deque mutated"],
          (RUN, "        for callback, args in self._ready:\n            callback(*args)\n"
                "        self._ready.clear()\n")),
    wrong("copy_then_clear", "runs a copy, then clears the queue: new callbacks are lost",
          ["raised RuntimeError", "next one"],
          (RUN, "        for callback, args in list(self._ready):\n            callback(*args)\n"
                "        self._ready.clear()\n")),
    wrong("deadline_as_delay", "waits until the deadline's value in seconds, not the time "
          "left", ["not the deadline itself"],
          ("timeout = max(0.0, self._scheduled[0][0] - self.time())",
           "timeout = self._scheduled[0][0]")),
    wrong("one_timer_per_turn", "moves only one due timer per turn", ["same iteration"],
          ("        while self._scheduled and self._scheduled[0][0] <= now:",
           "        if self._scheduled and self._scheduled[0][0] <= now:")),
    wrong("strictly_before_now", "moves a timer only once its deadline is strictly past, "
          "so a timer due exactly now never moves", ["iterations"],
          ("self._scheduled[0][0] <= now:", "self._scheduled[0][0] < now:")),
    wrong("timers_first", "runs the due timers before the callbacks that were ready",
          ["ready queue"],
          (MOVE, "        due = []\n"
                 "        while self._scheduled and self._scheduled[0][0] <= now:\n"
                 "            _, _, callback, args = heapq.heappop(self._scheduled)\n"
                 "            due.append((callback, args))\n"
                 "        self._ready.extendleft(reversed(due))\n")),
    wrong("waits_for_latest_timer", "waits for the last timer in the heap, not the first",
          ["timer"],
          ("timeout = max(0.0, self._scheduled[0][0] - self.time())",
           "timeout = max(0.0, max(e[0] for e in self._scheduled) - self.time())")),
    wrong("timers_only_when_idle", "moves timers only when nothing is ready, so a busy "
          "chain of callbacks starves them", ["starve"],
          ("        while self._scheduled and self._scheduled[0][0] <= now:",
           "        while not self._ready and self._scheduled and "
           "self._scheduled[0][0] <= now:")),
    right("reference_style", BASE),
    right("helpers", '''
class Scheduler:
    def _run_once(self):
        self._wait_for_work()
        self._move_due_timers()
        batch = len(self._ready)
        while batch:
            callback, args = self._ready.popleft()
            callback(*args)
            batch -= 1

    def _wait_for_work(self):
        if self._ready or self._stopping:
            return
        if not self._scheduled:
            raise RuntimeError("the scheduler would wait forever")
        delay = self._scheduled[0][0] - self.time()
        if delay > 0:
            self._wait(delay)

    def _move_due_timers(self):
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            entry = heapq.heappop(self._scheduled)
            self._ready.append(entry[2:])
'''),
    right("snapshot", '''
class Scheduler:
    def _run_once(self):
        if not self._ready and not self._stopping:
            if not self._scheduled:
                raise RuntimeError("idle")
            wait = self._scheduled[0][0] - self.time()
            if wait > 0:
                self._wait(wait)
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            when, seq, fn, args = heapq.heappop(self._scheduled)
            self._ready.append((fn, args))
        todo = [self._ready.popleft() for _ in range(len(self._ready))]
        for fn, args in todo:
            fn(*args)
'''),
]

# Written cold (session 3): whole _run_once methods written from the notebook's
# sections 5-6 and toyloop/ch1_generators.py only, without reading the checker or the
# answers above.
from _common import whole  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_runs_until_empty", '''
class Scheduler:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = max(0.0, self._scheduled[0][0] - self.time())
        else:
            raise RuntimeError("Nothing is ready and no timer is set")
        if timeout > 0:
            self._wait(timeout)
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            when, seq, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        while self._ready:
            callback, args = self._ready.popleft()
            callback(*args)
''', "runs the ready queue until it is empty: callbacks added during the turn run in "
     "the same turn", ["same"]),

    whole("wrong", "cold3_waits_with_work_ready", '''
class Scheduler:
    def _run_once(self):
        if self._scheduled:
            # sleep until the next timer is due
            self._wait(max(0.0, self._scheduled[0][0] - self.time()))
        elif not self._ready and not self._stopping:
            raise RuntimeError("Nothing is ready and no timer is set")
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)
''', "waits for the next timer even when callbacks are ready", ["ready", "wait"]),

    whole("wrong", "cold3_waits_until_deadline_as_delay", '''
class Scheduler:
    def _run_once(self):
        if not self._ready and not self._stopping:
            if not self._scheduled:
                raise RuntimeError("Nothing is ready and no timer is set")
            self._wait(self._scheduled[0][0])     # wait for the first timer
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)
''', "waits for the timer's deadline (a clock time) as if it were a delay",
          ["deadline"]),

    whole("wrong", "cold3_one_timer_per_turn", '''
class Scheduler:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = max(0.0, self._scheduled[0][0] - self.time())
        else:
            raise RuntimeError("Nothing is ready and no timer is set")
        if timeout:
            self._wait(timeout)
        if self._scheduled and self._scheduled[0][0] <= self.time():
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)
''', "moves only one due timer per turn (if instead of while)", ["due"]),

    whole("wrong", "cold3_timers_jump_the_queue", '''
class Scheduler:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = max(0.0, self._scheduled[0][0] - self.time())
        else:
            raise RuntimeError("Nothing is ready and no timer is set")
        if timeout:
            self._wait(timeout)
        ntodo = len(self._ready)
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            callback(*args)            # it is due: run it
        for _ in range(ntodo):
            callback, args = self._ready.popleft()
            callback(*args)
''', "runs due timers at once, ahead of the callbacks already in the ready queue",
          ["timer", "ready queue"]),

    whole("wrong", "cold3_lifo", '''
class Scheduler:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = max(0.0, self._scheduled[0][0] - self.time())
        else:
            raise RuntimeError("Nothing is ready and no timer is set")
        if timeout:
            self._wait(timeout)
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        for _ in range(len(self._ready)):
            callback, args = self._ready.pop()
            callback(*args)
''', "takes callbacks from the wrong end of the ready queue (last in, first out)",
          ["order"]),

    whole("wrong", "cold3_negative_wait", '''
class Scheduler:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = self._scheduled[0][0] - self.time()
        else:
            raise RuntimeError("Nothing is ready and no timer is set")
        if timeout:
            self._wait(timeout)
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)
''', "an overdue timer gives a negative wait (no max(0, ...))", ["overdue"]),

    whole("correct", "cold3_right_batch", '''
class Scheduler:
    def _run_once(self):
        # how long to wait
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = self._scheduled[0][0] - self.time()
            if timeout < 0:
                timeout = 0.0
        else:
            raise RuntimeError("Nothing is ready and no timer is set: "
                               "the scheduler would wait forever")
        if timeout > 0:
            self._wait(timeout)
        # timers that are due join the queue
        now = self.time()
        heap = self._scheduled
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            self._ready.append((entry[2], entry[3]))
        # only this batch runs now
        batch = [self._ready.popleft() for _ in range(len(self._ready))]
        for callback, args in batch:
            callback(*args)
'''),

    whole("correct", "cold3_right_countdown", '''
class Scheduler:
    def _run_once(self):
        ready, timers = self._ready, self._scheduled
        if not ready and not self._stopping:
            if not timers:
                raise RuntimeError("Nothing is ready and no timer is set: "
                                   "the scheduler would wait forever")
            delay = timers[0][0] - self.time()
            if delay > 0:
                self._wait(delay)
        now = self.time()
        while timers:
            when, _seq, callback, args = timers[0]
            if when > now:
                break
            heapq.heappop(timers)
            ready.append((callback, args))
        left = len(ready)
        while left:
            left -= 1
            callback, args = ready.popleft()
            callback(*args)
'''),
]
