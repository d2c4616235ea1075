# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch4.ThreadLoop.call_soon_threadsafe: queue a Handle from
any thread, then wake the selector through the self-pipe."""

from _common import maker

PIECE = "ch4.ThreadLoop.call_soon_threadsafe"

BASE = '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)
        self._write_to_self()
        return handle
'''

wrong, right = maker(BASE)
QUEUE = "        self._ready.append(handle)\n        self._write_to_self()\n"

ANSWERS = [
    wrong("no_wakeup", "queues the handle but never wakes the selector", ["did not wake"],
          ("        self._write_to_self()\n", "")),
    wrong("just_call_soon", "calls call_soon, which does not wake a sleeping loop",
          ["did not wake"],
          ("        handle = Handle(callback, args, self, context)\n" + QUEUE
           + "        return handle\n",
           "        return self.call_soon(callback, *args, context=context)\n")),
    wrong("jumps_the_queue", "puts the handle at the front of the ready queue",
          ["queues behind"],
          ("self._ready.append(handle)", "self._ready.appendleft(handle)")),
    wrong("returns_nothing", "returns None instead of the Handle", ["threadsafe"],
          ("        return handle\n", "")),
    wrong("writes_to_the_wrong_end", "writes the wake-up byte into the end the loop does "
          "not read", ["did not wake"],
          ("        self._write_to_self()\n", "        self._ssock.send(b'\\0')\n")),
    wrong("runs_it_now", "calls the callback at once, in the calling thread",
          ["loop's thread"],
          ("        handle = Handle(callback, args, self, context)\n" + QUEUE,
           "        handle = Handle(callback, args, self, context)\n"
           "        callback(*args)\n")),
    wrong("wakes_only_when_idle", "writes the wake-up byte only when the loop is not "
          "running", ["did not wake"],
          ("        self._write_to_self()\n",
           "        if not self.is_running():\n            self._write_to_self()\n")),
    wrong("timer_instead", "schedules with call_later(0, ...): a timer set from another "
          "thread does not wake the loop either", ["did not wake"],
          ("        handle = Handle(callback, args, self, context)\n" + QUEUE,
           "        handle = self.call_later(0, callback, *args, context=context)\n")),
    wrong("empty_wakeup", "sends zero bytes, which wake nobody", ["did not wake"],
          ("        self._write_to_self()\n", "        self._csock.send(b'')\n")),
    wrong("queues_the_callback", "queues the callback itself instead of a Handle",
          ["Handles"],
          ("self._ready.append(handle)", "self._ready.append(callback)")),
    wrong("queues_a_tuple", "queues (callback, args) as chapter 1's scheduler did",
          ["Handles"],
          ("self._ready.append(handle)", "self._ready.append((callback, args))")),
    wrong("queued_twice", "appends the handle twice", ["runs once"],
          ("self._ready.append(handle)", "self._ready.extend([handle, handle])")),
    wrong("selects_instead", "polls the selector itself instead of waking the loop",
          ["did not wake"],
          ("        self._write_to_self()\n", "        self._selector.select(0)\n")),
    wrong("into_the_heap", "pushes the handle into the timer heap", ["did not wake"],
          ("        self._ready.append(handle)\n",
           "        heapq.heappush(self._scheduled, (self.time(), -1, handle))\n")),
    wrong("forgot_parentheses", "names _write_to_self without calling it", ["did not wake"],
          ("        self._write_to_self()\n", "        self._write_to_self\n")),
    right("reference_style", BASE),
    right("os_write", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)
        try:
            os.write(self._csock.fileno(), b"x")
        except OSError:
            pass  # full: the loop is awake anyway
        return handle
'''),
    right("own_wakeup_helper", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)
        self._wake()
        return handle

    def _wake(self):
        try:
            self._csock.sendall(b"\\0")
        except (BlockingIOError, OSError):
            pass
'''),
]

# Written cold (session 3): whole call_soon_threadsafe methods written from the
# notebook's section 4 and toyloop/ch4_threads.py only, without reading the checker
# or the answers above.
from _common import whole  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_no_wakeup", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)      # deque.append is atomic: that's enough
        return handle
''', "appends the handle but never wakes the selector (no _write_to_self), so the "
     "callback waits until select times out", ["wake", "_write_to_self"]),

    whole("wrong", "cold3_plain_call_soon_then_wake", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        handle = self.call_soon(callback, *args, context=context)
        self._write_to_self()
        return handle
''', "goes through call_soon, which refuses calls from another thread in debug mode",
          ["thread"]),

    whole("wrong", "cold3_returns_nothing", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        self._ready.append(Handle(callback, args, self, context))
        self._write_to_self()
''', "does not return the handle, so the caller cannot cancel the callback",
          ["handle"]),

    whole("wrong", "cold3_context_dropped", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, None)
        self._ready.append(handle)
        self._write_to_self()
        return handle
''', "ignores the context argument: the callback runs in a copy of the calling "
     "thread's context", ["context"]),

    whole("wrong", "cold3_closed_loop_accepted", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        if not callable(callback):
            raise TypeError("a callable object was expected by call_soon_threadsafe(), "
                            f"got {callback!r}")
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)
        self._write_to_self()
        return handle
''', "accepts a callback on a closed loop instead of raising RuntimeError('Event loop "
     "is closed')", ["closed"]),

    whole("wrong", "cold3_timer_from_thread", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        # A timer due now, then wake the loop so it looks at its timers.
        handle = self.call_later(0, callback, *args, context=context)
        self._write_to_self()
        return handle
''', "pushes a timer onto the heap from another thread: heapq is not thread-safe, "
     "and the callback runs behind the ready queue", ["thread"]),

    whole("wrong", "cold3_callable_not_checked", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)
        self._write_to_self()
        return handle
''', "does not check that the callback is callable: the TypeError comes later, in "
     "the loop, instead of at the call", ["callable"]),

    whole("correct", "cold3_right_direct_byte", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        if self.is_closed():
            raise RuntimeError("Event loop is closed")
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        try:
            self._csock.send(b"x")     # any byte ends the select
        except OSError:
            pass                       # full: the loop will wake anyway
        return handle
'''),

    whole("correct", "cold3_right_checks_then_wake", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        if self._debug or not callable(callback):
            self._check_callback(callback, "call_soon_threadsafe")
        new = Handle(callback, args, self, context)
        if new._source_traceback:
            del new._source_traceback[-1]
        ready = self._ready
        ready.append(new)
        self._write_to_self()
        return new
'''),
]

# Session 3, after reading the scenarios: a probe and a right variant.
from _common import mutate, named  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_probe_wakes_the_wrong_end", mutate(
        named(ANSWERS, "cold3_right_direct_byte"),
        ('self._csock.send(b"x")', 'self._ssock.send(b"x")')),
          "writes the wake-up byte into the selector's own end of the self-pipe "
          "(_ssock): the byte arrives at the other end, and select never wakes",
          ["wake"]),
    whole("correct", "cold3_right_with_a_lock", '''
class ThreadLoop:
    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        if self._debug or not callable(callback):
            self._check_callback(callback, "call_soon_threadsafe")
        lock = self.__dict__.setdefault("_my_threadsafe_lock", threading.Lock())
        with lock:  # (deque.append is atomic already; the lock costs little)
            handle = Handle(callback, args, self, context)
            self._ready.append(handle)
        self._write_to_self()
        return handle
'''),
]
