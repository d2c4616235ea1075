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
