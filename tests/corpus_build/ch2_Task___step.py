# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch2.Task.__step: send or throw, park, wake up, bad yields.

Each source defines ``class Task:`` with ``__step`` and ``__wakeup`` (and maybe a
helper); ``super()`` in them reaches chapter 2's Future, as in toyloop's Task.
"""

from _common import maker

PIECE = "ch2.Task.__step"

BASE = '''
class Task:
    def __step(self, exc=None):
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            if exc is None:
                result = self._coro.send(None)
            else:
                result = self._coro.throw(exc)
        except StopIteration as stop:
            if self._must_cancel:
                self._must_cancel = False
                super().cancel(msg=self._cancel_message)
            else:
                super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except (KeyboardInterrupt, SystemExit) as fatal:
            super().set_exception(fatal)
            raise
        except BaseException as error:
            super().set_exception(error)
        else:
            self._handle_yield(result)
        finally:
            _leave_task(self._loop, self)

    def _handle_yield(self, result):
        blocking = getattr(result, "_asyncio_future_blocking", None)
        if result is None:
            self._loop.call_soon(self.__step, context=self._context)
        elif blocking:
            result._asyncio_future_blocking = False
            result.add_done_callback(self.__wakeup, context=self._context)
            self._fut_waiter = result
            if self._must_cancel and result.cancel(msg=self._cancel_message):
                self._must_cancel = False
        else:
            error = RuntimeError(f"Task got bad yield: {result!r}")
            self._loop.call_soon(self.__step, error, context=self._context)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
'''

wrong, right = maker(BASE)

ANSWERS = [
    wrong("never_throws", "always sends None, so a pending cancellation is lost",
          ["CancelledError"],
          ("            if exc is None:\n                result = self._coro.send(None)\n"
           "            else:\n                result = self._coro.throw(exc)\n",
           "            result = self._coro.send(None)\n")),
    wrong("wakeup_passes_value", "__wakeup hands the result to __step as if it were an "
          "exception", ["resume it with the future's result"],
          ("        else:\n            self.__step()\n", "        else:\n"
           "            self.__step(future.result())\n")),
    wrong("bare_yield_refused", "treats a bare yield (sleep(0)) as a bad yield",
          ["bare yield"],
          ("        if result is None:\n            self._loop.call_soon(self.__step, "
           "context=self._context)\n        elif blocking:",
           "        if blocking:")),
    wrong("bad_yield_ignored", "ignores a yield that is not a future: the task hangs",
          ["bad yield"],
          ("            error = RuntimeError(f\"Task got bad yield: {result!r}\")\n"
           "            self._loop.call_soon(self.__step, error, context=self._context)\n",
           "            pass\n")),
    wrong("bad_yield_raised_here", "raises the bad-yield error out of __step instead of "
          "throwing it into the coroutine", ["bad yield"],
          ("            self._loop.call_soon(self.__step, error, context=self._context)\n",
           "            raise error\n")),
    wrong("no_enter_task", "does not make the task current while it runs",
          ["current_task"],
          ("        _enter_task(self._loop, self)\n", ""),
          ("        finally:\n            _leave_task(self._loop, self)\n", "")),
    wrong("polls_instead_of_parking", "reschedules itself at once instead of waiting for "
          "the future", ["park"],
          ("            result.add_done_callback(self.__wakeup, context=self._context)\n",
           "            self._loop.call_soon(self.__step, context=self._context)\n")),
    wrong("cancel_becomes_exception", "no CancelledError branch: a cancelled coroutine "
          "fails the task instead of cancelling it", ["ends cancelled"],
          ("        except CancelledError as cancelled:\n            self._cancelled_exc = "
           "cancelled\n            super().cancel()\n", "")),
    wrong("stopiteration_object", "takes the StopIteration itself as the result",
          ["StopIteration's value"],
          ("super().set_result(stop.value)", "super().set_result(stop)")),
    wrong("step_as_done_callback", "adds __step itself as the done callback: it gets the "
          "future as exc", ["not an exception was thrown into a coroutine"],
          ("result.add_done_callback(self.__wakeup, context=self._context)",
           "result.add_done_callback(self.__step, context=self._context)")),
    wrong("no_fut_waiter", "does not remember the awaited future, so cancel() cannot "
          "reach it", ["cancel()"],
          ("            self._fut_waiter = result\n", "")),
    wrong("must_cancel_ignored", "ignores a cancel() that came before the first step",
          ["cancel()"],
          ("        if self._must_cancel:\n            if not isinstance(exc, CancelledError):\n"
           "                exc = self._make_cancelled_error()\n"
           "            self._must_cancel = False\n", "")),
    wrong("reraises_errors", "lets the coroutine's exception escape __step after "
          "recording it", ["coroutine's outcome"],
          ("            super().set_exception(error)\n        else:",
           "            super().set_exception(error)\n            raise\n        else:")),
    wrong("recursive_bare_yield", "steps again at once on a bare yield: nobody else gets "
          "a turn", ["bare yield"],
          ("        if result is None:\n            self._loop.call_soon(self.__step, "
           "context=self._context)\n",
           "        if result is None:\n            self.__step()\n")),
    wrong("set_result_without_super", "calls self.set_result, which Task refuses",
          ["RuntimeError"],
          ("super().set_result(stop.value)", "self.set_result(stop.value)")),
    right("reference_style", BASE),
    right("all_in_step", '''
class Task:
    def __step(self, exc=None):
        if self._must_cancel:
            exc = exc if isinstance(exc, CancelledError) else self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            result = self._coro.send(None) if exc is None else self._coro.throw(exc)
        except StopIteration as stop:
            if self._must_cancel:
                self._must_cancel = False
                super().cancel(msg=self._cancel_message)
            else:
                super().set_result(stop.value)
            return
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
            return
        except (KeyboardInterrupt, SystemExit) as fatal:
            super().set_exception(fatal)
            raise
        except BaseException as error:
            super().set_exception(error)
            return
        finally:
            _leave_task(self._loop, self)
        if result is None:
            self._loop.call_soon(self.__step, context=self._context)
        elif getattr(result, "_asyncio_future_blocking", False):
            result._asyncio_future_blocking = False
            self._fut_waiter = result
            result.add_done_callback(self.__wakeup, context=self._context)
            if self._must_cancel and result.cancel(msg=self._cancel_message):
                self._must_cancel = False
        else:
            self._loop.call_soon(self.__step, RuntimeError(f"Task got bad yield: {result!r}"),
                                 context=self._context)

    def __wakeup(self, future):
        exc = future.exception() if not future.cancelled() else future._make_cancelled_error()
        self.__step(exc)
'''),
    right("resume_helper", '''
class Task:
    def _resume(self, exc):
        if exc is not None:
            return self._coro.throw(exc)
        return self._coro.send(None)

    def __step(self, exc=None):
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            yielded = self._resume(exc)
        except StopIteration as stop:
            if self._must_cancel:
                self._must_cancel = False
                super().cancel(msg=self._cancel_message)
            else:
                super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
        else:
            self._park_on(yielded)
        finally:
            _leave_task(self._loop, self)

    def _park_on(self, yielded):
        if yielded is None:
            self._loop.call_soon(self.__step, context=self._context)
            return
        if not getattr(yielded, "_asyncio_future_blocking", False):
            bad = RuntimeError(f"Task got bad yield: {yielded!r}")
            self._loop.call_soon(self.__step, bad, context=self._context)
            return
        yielded._asyncio_future_blocking = False
        yielded.add_done_callback(self.__wakeup, context=self._context)
        self._fut_waiter = yielded
        if self._must_cancel and yielded.cancel(msg=self._cancel_message):
            self._must_cancel = False

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            return self.__step(exc)
        self.__step()
'''),
]
