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

# Written cold (session 3): whole __step/__wakeup pairs written from the notebook's
# section 4 and toyloop/ch2_futures.py only, without reading the checker or the
# answers above.
from _common import whole  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_bare_yield_is_bad_yield", '''
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
                yielded = self._coro.send(None)
            else:
                yielded = self._coro.throw(exc)
        except StopIteration as stop:
            super().set_result(stop.value)
        except CancelledError:
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
        else:
            if getattr(yielded, "_asyncio_future_blocking", False):
                yielded._asyncio_future_blocking = False
                yielded.add_done_callback(self.__wakeup)
                self._fut_waiter = yielded
            else:
                err = RuntimeError(f"Task got bad yield: {yielded!r}")
                self._loop.call_soon(self.__step, err)
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "a bare yield (asyncio.sleep(0)) is treated as a bad yield instead of "
     "stepping again soon", ["bare yield", "sleep(0)"]),

    whole("wrong", "cold3_non_future_yield_steps_again", '''
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
            super().set_result(stop.value)
        except CancelledError:
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
        else:
            blocking = getattr(result, "_asyncio_future_blocking", None)
            if blocking:
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
                self._fut_waiter = result
            else:
                # None or anything else: just give the others a turn
                self._loop.call_soon(self.__step)
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "a yielded value that is not a future (yield 42) is treated like a bare yield "
     "instead of being thrown back in as RuntimeError('Task got bad yield')",
          ["bad yield"]),

    whole("wrong", "cold3_cancelled_error_becomes_failure", '''
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
            super().set_result(stop.value)
        except BaseException as error:
            # whatever the coroutine raised is the task's exception
            super().set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", None):
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
                self._fut_waiter = result
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "a CancelledError out of the coroutine is stored as the task's exception, so the "
     "task is not cancelled()", ["cancel"]),

    whole("wrong", "cold3_cancelled_error_swallowed", '''
class Task:
    def __step(self, exc=None):
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            if exc is not None:
                result = self._coro.throw(exc)
            else:
                result = self._coro.send(None)
        except StopIteration as stop:
            super().set_result(stop.value)
        except CancelledError:
            super().set_result(None)     # it was told to stop, and it stopped
        except Exception as error:
            super().set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", False):
                result._asyncio_future_blocking = False
                self._fut_waiter = result
                result.add_done_callback(self.__wakeup)
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "a CancelledError out of the coroutine finishes the task with result None "
     "instead of cancelling it", ["cancel"]),

    whole("wrong", "cold3_no_fut_waiter", '''
class Task:
    def __step(self, exc=None):
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        _enter_task(self._loop, self)
        try:
            result = self._coro.send(None) if exc is None else self._coro.throw(exc)
        except StopIteration as stop:
            super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", None):
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "the awaited future is not kept in self._fut_waiter, so cancel() cannot cancel "
     "what the task waits for", ["_fut_waiter"]),

    whole("wrong", "cold3_no_enter_leave", '''
class Task:
    def __step(self, exc=None):
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        try:
            if exc is None:
                result = self._coro.send(None)
            else:
                result = self._coro.throw(exc)
        except StopIteration as stop:
            super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", None):
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
                self._fut_waiter = result
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "no _enter_task/_leave_task: asyncio.current_task() does not know the task "
     "while it runs", ["current_task"]),

    whole("wrong", "cold3_must_cancel_ignored", '''
class Task:
    def __step(self, exc=None):
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            if exc is None:
                result = self._coro.send(None)
            else:
                result = self._coro.throw(exc)
        except StopIteration as stop:
            super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", None):
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
                self._fut_waiter = result
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "self._must_cancel is never looked at: a cancel() before the first step "
     "(or during a bare yield) is lost", ["_must_cancel"]),

    whole("wrong", "cold3_own_set_result", '''
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
            self.set_result(stop.value)
        except CancelledError:
            self.cancel()
        except BaseException as error:
            self.set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", None):
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
                self._fut_waiter = result
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
''', "self.set_result / self.set_exception instead of super(): a Task refuses them "
     "(RuntimeError), so the task never finishes", ["super()"]),

    # Written as one mistake (a cancelled future resumes the task as if it succeeded),
    # which is none: the coroutine waits in Future.__await__, whose result() raises
    # the CancelledError itself.  It has another, found by a later scenario: like most
    # learners', its StopIteration branch forgets a cancel() made during the last step.
    whole("wrong", "cold3_wakeup_sends_value", '''
class Task:
    def __step(self, exc=None, value=None):
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            if exc is None:
                result = self._coro.send(value)
            else:
                result = self._coro.throw(exc)
        except StopIteration as stop:
            super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except BaseException as error:
            super().set_exception(error)
        else:
            if result is None:
                self._loop.call_soon(self.__step)
            elif getattr(result, "_asyncio_future_blocking", None):
                result._asyncio_future_blocking = False
                result.add_done_callback(self.__wakeup)
                self._fut_waiter = result
            else:
                self._loop.call_soon(
                    self.__step, RuntimeError(f"Task got bad yield: {result!r}"))
        finally:
            _leave_task(self._loop, self)

    def __wakeup(self, future):
        # Only a success carries on; the coroutine gets the value through send().
        if future.cancelled() or future.exception() is None:
            self.__step(value=None if future.cancelled() else future.result())
        else:
            self.__step(future.exception())
''', "a cancel() during the step in which the coroutine returns is ignored: the "
     "task ends with its result", ["cancel", "returns"]),

    whole("correct", "cold3_right_asyncio_order", '''
class Task:
    def __step(self, exc=None):
        if self.done():
            raise InvalidStateError(f"_step(): already done: {self!r}, {exc!r}")
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        coro = self._coro
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            if exc is None:
                result = coro.send(None)
            else:
                result = coro.throw(exc)
        except StopIteration as finished:
            if self._must_cancel:
                self._must_cancel = False
                super().cancel(msg=self._cancel_message)
            else:
                super().set_result(finished.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled
            super().cancel()
        except (KeyboardInterrupt, SystemExit) as fatal:
            super().set_exception(fatal)
            raise
        except BaseException as error:
            super().set_exception(error)
        else:
            blocking = getattr(result, "_asyncio_future_blocking", None)
            if blocking is not None:
                if asyncio.futures._get_loop(result) is not self._loop:
                    problem = RuntimeError(
                        f"Task {self!r} got Future {result!r} attached to a different loop")
                    self._loop.call_soon(self.__step, problem, context=self._context)
                elif not blocking:
                    problem = RuntimeError(
                        f"yield was used instead of yield from in task {self!r} "
                        f"with {result!r}")
                    self._loop.call_soon(self.__step, problem, context=self._context)
                elif result is self:
                    problem = RuntimeError(f"Task cannot await on itself: {self!r}")
                    self._loop.call_soon(self.__step, problem, context=self._context)
                else:
                    result._asyncio_future_blocking = False
                    result.add_done_callback(self.__wakeup, context=self._context)
                    self._fut_waiter = result
                    if self._must_cancel:
                        if self._fut_waiter.cancel(msg=self._cancel_message):
                            self._must_cancel = False
            elif result is None:
                self._loop.call_soon(self.__step, context=self._context)
            elif inspect.isgenerator(result):
                problem = RuntimeError(
                    f"yield was used instead of yield from for generator in task "
                    f"{self!r} with {result!r}")
                self._loop.call_soon(self.__step, problem, context=self._context)
            else:
                problem = RuntimeError(f"Task got bad yield: {result!r}")
                self._loop.call_soon(self.__step, problem, context=self._context)
        finally:
            _leave_task(self._loop, self)
            self = None

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()
        self = None
'''),

    whole("correct", "cold3_right_wakeup_lets_await_raise", '''
class Task:
    def __step(self, exc=None):
        # A cancel() that found nothing to cancel.
        if self._must_cancel:
            self._must_cancel = False
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            try:
                if exc is None:
                    awaited = self._coro.send(None)
                else:
                    awaited = self._coro.throw(exc)
            finally:
                _leave_task(self._loop, self)
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
        if awaited is None:
            self._loop.call_soon(self.__step, context=self._context)
            return
        if getattr(awaited, "_asyncio_future_blocking", None) and awaited is not self:
            awaited._asyncio_future_blocking = False
            awaited.add_done_callback(self.__wakeup, context=self._context)
            self._fut_waiter = awaited
            if self._must_cancel and awaited.cancel(msg=self._cancel_message):
                self._must_cancel = False
            return
        if awaited is self:
            problem = RuntimeError(f"Task cannot await on itself: {self!r}")
        elif getattr(awaited, "_asyncio_future_blocking", None) is False:
            problem = RuntimeError(
                f"yield was used instead of yield from in task {self!r} with {awaited!r}")
        else:
            problem = RuntimeError(f"Task got bad yield: {awaited!r}")
        self._loop.call_soon(self.__step, problem, context=self._context)

    def __wakeup(self, future):
        # The coroutine sits in Future.__await__, which calls future.result()
        # itself: resuming it is enough, the await raises if the future failed.
        self.__step()
'''),
]

# Session 3, after reading the scenarios: probes derived from the cold right answer
# above, one mistake each, for corners the cold answers did not reach.
from _common import mutate, named  # noqa: E402

_COLD_RIGHT = named(ANSWERS, "cold3_right_asyncio_order")

ANSWERS += [
    whole("wrong", "cold3_probe_cancel_in_step_not_forwarded", mutate(
        _COLD_RIGHT,
        ('''                    if self._must_cancel:
                        if self._fut_waiter.cancel(msg=self._cancel_message):
                            self._must_cancel = False
''', "")),
          "a cancel() that came during the step is not passed on to the future the task "
          "then parks on, so the task waits for that future first", ["cancel"]),
    whole("wrong", "cold3_probe_cancel_message_lost", mutate(
        _COLD_RIGHT,
        ('''            self._cancelled_exc = cancelled
            super().cancel()''', '''            super().cancel()''')),
          "the CancelledError out of the coroutine is not kept (self._cancelled_exc), so "
          "the message given to cancel(msg) is lost", ["message"]),
    whole("wrong", "cold3_probe_cancel_during_last_step_ignored", mutate(
        _COLD_RIGHT,
        ('''            if self._must_cancel:
                self._must_cancel = False
                super().cancel(msg=self._cancel_message)
            else:
                super().set_result(finished.value)''',
         '''            super().set_result(finished.value)''')),
          "a cancel() during the step in which the coroutine returns is ignored: the task "
          "ends with a result although cancel() returned True", ["cancel"]),
    whole("wrong", "cold3_probe_awaits_itself", mutate(
        _COLD_RIGHT,
        ('''                elif result is self:
                    problem = RuntimeError(f"Task cannot await on itself: {self!r}")
                    self._loop.call_soon(self.__step, problem, context=self._context)
''', "")),
          "a task awaiting itself parks on itself forever instead of getting "
          "RuntimeError('Task cannot await on itself')", ["itself"]),
]
