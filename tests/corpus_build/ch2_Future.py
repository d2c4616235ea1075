# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch2.Future: result, exception, done callbacks, __await__.

Each source defines ``class Future:`` with the methods the exercise asks for; the
state lives where chapter 2 keeps it (``_state``, ``_result``, ``_exception``,
``_callbacks``), so toyloop's ``Task`` can drive it.
"""

from _common import maker

PIECE = "ch2.Future"

BASE = '''
class Future:
    def result(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state != "FINISHED":
            raise InvalidStateError("Result is not ready.")
        self.__log_traceback = False
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state != "FINISHED":
            raise InvalidStateError("Exception is not set.")
        self.__log_traceback = False
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state != "PENDING":
            self._loop.call_soon(fn, self, context=context)
        else:
            self._callbacks.append((fn, context))

    def _schedule_callbacks(self):
        callbacks, self._callbacks = self._callbacks, []
        for fn, ctx in callbacks:
            self._loop.call_soon(fn, self, context=ctx)

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._state = "FINISHED"
        self._schedule_callbacks()

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = "FINISHED"
        self._schedule_callbacks()
        self.__log_traceback = True

    def __await__(self):
        if not self.done():
            self._asyncio_future_blocking = True
            yield self
        if not self.done():
            raise RuntimeError("await wasn't used with future")
        return self.result()
'''

wrong, right = maker(BASE)

ANSWERS = [
    wrong("callbacks_inline", "calls the done callbacks inside set_result",
          ["call_soon", "set_result finishes first"],
          ("            self._loop.call_soon(fn, self, context=ctx)", "            fn(self)")),
    wrong("late_callback_inline", "calls a callback added to a done future at once",
          ["already done", "call_soon"],
          ("            self._loop.call_soon(fn, self, context=context)", "            fn(self)")),
    wrong("set_twice_allowed", "lets set_result overwrite a finished future",
          ["set twice"],
          ("    def set_result(self, result):\n        if self._state != \"PENDING\":\n"
           "            raise InvalidStateError(f\"{self._state}: {self!r}\")\n",
           "    def set_result(self, result):\n")),
    wrong("pending_result_none", "returns None from result() while pending",
          ["Result is not ready"],
          ("            raise InvalidStateError(\"Result is not ready.\")",
           "            return None")),
    wrong("exception_raises", "exception() raises the exception instead of returning it",
          ["exception()"],
          ("        self.__log_traceback = False\n        return self._exception",
           "        self.__log_traceback = False\n        if self._exception is not None:\n"
           "            raise self._exception\n        return None")),
    wrong("result_returns_exception", "result() returns the exception instead of raising it",
          ["result()"],
          ("            raise self._exception\n        return self._result",
           "            return self._exception\n        return self._result")),
    wrong("class_not_instantiated", "stores an exception class as it is", ["set_exception"],
          ("        if isinstance(exception, type):\n            exception = exception()\n", "")),
    wrong("not_blocking", "__await__ yields without setting _asyncio_future_blocking",
          ["_asyncio_future_blocking"],
          ("            self._asyncio_future_blocking = True\n", "")),
    wrong("yields_when_done", "__await__ suspends even when the future is already done",
          ["returns (or raises) at once"],
          ("        if not self.done():\n            self._asyncio_future_blocking = True",
           "        if True:\n            self._asyncio_future_blocking = True")),
    wrong("await_ignores_exception", "__await__ returns _result, losing the exception",
          ["raises a failed future's exception"],
          ("        return self.result()", "        return self._result")),
    wrong("await_never_yields", "__await__ returns result() without waiting",
          ["__await__"],
          ("            self._asyncio_future_blocking = True\n            yield self\n",
           "            pass\n")),
    wrong("no_callbacks_scheduled", "set_result never schedules the done callbacks",
          ["call_soon"],
          ("        self._state = \"FINISHED\"\n        self._schedule_callbacks()\n\n"
           "    def set_exception",
           "        self._state = \"FINISHED\"\n\n    def set_exception")),
    wrong("callbacks_reversed", "schedules the callbacks newest first", ["order added"],
          ("        for fn, ctx in callbacks:", "        for fn, ctx in reversed(callbacks):")),
    wrong("callback_without_future", "calls the callback without the future",
          ["future as its only argument"],
          ("            self._loop.call_soon(fn, self, context=ctx)",
           "            self._loop.call_soon(fn, context=ctx)")),
    wrong("exception_not_finished", "set_exception leaves the state PENDING", ["done"],
          ("        self._exception = exception\n        self._state = \"FINISHED\"\n",
           "        self._exception = exception\n")),
    wrong("pending_exception_none", "exception() returns None while pending",
          ["Exception is not set"],
          ("            raise InvalidStateError(\"Exception is not set.\")",
           "            return None")),
    wrong("cancelled_result_none", "result() of a cancelled future returns None",
          ["CancelledError"],
          ("        if self._state == \"CANCELLED\":\n            raise self._make_cancelled_error()\n"
           "        if self._state != \"FINISHED\":\n            raise InvalidStateError(\"Result",
           "        if self._state == \"CANCELLED\":\n            return None\n"
           "        if self._state != \"FINISHED\":\n            raise InvalidStateError(\"Result")),
    right("reference_style", BASE),
    right("one_finish_helper", '''
class Future:
    def _finish(self, result=None, exception=None):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result, self._exception = result, exception
        self._state = "FINISHED"
        pending, self._callbacks = self._callbacks, []
        for callback, context in pending:
            self._loop.call_soon(callback, self, context=context)

    def set_result(self, result):
        self._finish(result=result)

    def set_exception(self, exception):
        if isinstance(exception, type):
            exception = exception()
        self._finish(exception=exception)
        self.__log_traceback = True

    def _check_done(self, what):
        if self.cancelled():
            raise self._make_cancelled_error()
        if not self.done():
            raise InvalidStateError(what)
        self.__log_traceback = False

    def result(self):
        self._check_done("Result is not ready.")
        if self._exception:
            raise self._exception
        return self._result

    def exception(self):
        self._check_done("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        context = context or contextvars.copy_context()
        if self.done():
            self._loop.call_soon(fn, self, context=context)
            return
        self._callbacks.append((fn, context))

    def __await__(self):
        if not self.done():
            self._asyncio_future_blocking = True
            yield self
            if not self.done():
                raise RuntimeError("await wasn't used with future")
        return self.result()
'''),
    right("match_state", '''
class Future:
    def _outcome(self, message):
        match self._state:
            case "CANCELLED":
                raise self._make_cancelled_error()
            case "PENDING":
                raise InvalidStateError(message)
        self.__log_traceback = False
        return self._result, self._exception

    def result(self):
        value, error = self._outcome("Result is not ready.")
        if error is not None:
            raise error
        return value

    def exception(self):
        return self._outcome("Exception is not set.")[1]

    def add_done_callback(self, fn, *, context=None):
        entry = (fn, contextvars.copy_context() if context is None else context)
        if self._state == "PENDING":
            self._callbacks.append(entry)
        else:
            self._loop.call_soon(entry[0], self, context=entry[1])

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._state, self._result = "FINISHED", result
        self._wake()

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._state = "FINISHED"
        self._exception = exception() if isinstance(exception, type) else exception
        self.__log_traceback = True
        self._wake()

    def _wake(self):
        while self._callbacks:
            fn, ctx = self._callbacks.pop(0)
            self._loop.call_soon(fn, self, context=ctx)

    def __await__(self):
        if self._state == "PENDING":
            self._asyncio_future_blocking = True
            yield self
        return self.result()
'''),
]

# Written cold (session 3): whole Futures written from the notebook's section 2-3 and
# toyloop/ch2_futures.py only, without reading the checker or the answers above.
from _common import whole  # noqa: E402

ANSWERS += [
    whole("wrong", "cold3_result_of_pending_is_none", '''
class Future:
    def result(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._exception is not None:
            raise self._exception
        return self._result          # pending: there is nothing yet, so None

    def exception(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state == "PENDING":
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state == "PENDING":
            self._callbacks.append((fn, context))
        else:
            self._loop.call_soon(fn, self, context=context)

    def _wake_callbacks(self):
        todo, self._callbacks = self._callbacks, []
        for fn, ctx in todo:
            self._loop.call_soon(fn, self, context=ctx)

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError("invalid state")
        self._result = result
        self._state = "FINISHED"
        self._wake_callbacks()

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError("invalid state")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = "FINISHED"
        self._wake_callbacks()

    def __await__(self):
        if self._state == "PENDING":
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "result() of a pending future returns None instead of raising InvalidStateError",
          ["result", "not ready"]),

    whole("wrong", "cold3_callbacks_run_inside_set_result", '''
class Future:
    def result(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError("Result is not ready.")
        if self._exception:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        context = context or contextvars.copy_context()
        if self.done():
            self._loop.call_soon(fn, self, context=context)
        else:
            self._callbacks.append((fn, context))

    def _finish(self):
        # Everyone waiting gets told right away.
        callbacks, self._callbacks = self._callbacks, []
        for fn, ctx in callbacks:
            ctx.run(fn, self)

    def set_result(self, result):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result, self._state = result, _FINISHED
        self._finish()

    def set_exception(self, exception):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type):
            exception = exception()
        self._exception, self._state = exception, _FINISHED
        self._finish()

    def __await__(self):
        if not self.done():
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "done callbacks are called inside set_result/set_exception, not through call_soon",
          ["call_soon"]),

    whole("wrong", "cold3_late_callback_is_stored_forever", '''
class Future:
    def result(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state != "FINISHED":
            raise InvalidStateError("Result is not ready.")
        if self._exception is not None:
            raise self._exception.with_traceback(self._exception.__traceback__)
        return self._result

    def exception(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state != "FINISHED":
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        # Remember it; whoever finishes the future will call it.
        self._callbacks.append((fn, context if context is not None
                                else contextvars.copy_context()))

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError("already done")
        self._result = result
        self._state = "FINISHED"
        for fn, ctx in self._callbacks:
            self._loop.call_soon(fn, self, context=ctx)
        self._callbacks = []

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError("already done")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = "FINISHED"
        for fn, ctx in self._callbacks:
            self._loop.call_soon(fn, self, context=ctx)
        self._callbacks = []

    def __await__(self):
        if self._state == "PENDING":
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "a done callback added after the future finished is stored and never called",
          ["already done", "callback"]),

    whole("wrong", "cold3_await_without_blocking_flag", '''
class Future:
    def result(self):
        if self.cancelled():
            raise self._make_cancelled_error()
        if not self.done():
            raise InvalidStateError("Result is not ready.")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self.cancelled():
            raise self._make_cancelled_error()
        if not self.done():
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self.done():
            self._loop.call_soon(fn, self, context=context)
        else:
            self._callbacks.append((fn, context))

    def set_result(self, result):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._state = _FINISHED
        for fn, ctx in self._callbacks:
            self._loop.call_soon(fn, self, context=ctx)
        self._callbacks = []

    def set_exception(self, exception):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = _FINISHED
        for fn, ctx in self._callbacks:
            self._loop.call_soon(fn, self, context=ctx)
        self._callbacks = []

    def __await__(self):
        while not self.done():
            yield self          # the task will wake us up
        return self.result()
''', "__await__ yields the future without setting _asyncio_future_blocking",
          ["_asyncio_future_blocking"]),

    whole("wrong", "cold3_await_returns_stored_result", '''
class Future:
    def result(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError("Result is not ready.")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state == _PENDING:
            self._callbacks.append((fn, context))
        else:
            self._loop.call_soon(fn, self, context=context)

    def _done(self):
        waiting, self._callbacks = self._callbacks, []
        for fn, ctx in waiting:
            self._loop.call_soon(fn, self, context=ctx)

    def set_result(self, result):
        if self._state != _PENDING:
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._state = _FINISHED
        self._done()

    def set_exception(self, exception):
        if self._state != _PENDING:
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = _FINISHED
        self._done()

    def __await__(self):
        if self._state == _PENDING:
            self._asyncio_future_blocking = True
            yield self
        return self._result     # the value that was set
''', "__await__ returns self._result, so awaiting a failed or cancelled future "
     "gives None instead of raising", ["await", "raise"]),

    whole("wrong", "cold3_exception_of_cancelled_is_none", '''
class Future:
    def result(self):
        if self._state == "PENDING":
            raise InvalidStateError("Result is not ready.")
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == "PENDING":
            raise InvalidStateError("Exception is not set.")
        return self._exception     # cancelled: there is no exception, so None

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state == "PENDING":
            self._callbacks.append((fn, context))
        else:
            self._loop.call_soon(fn, self, context=context)

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError("invalid state")
        self._result, self._state = result, "FINISHED"
        while self._callbacks:
            fn, ctx = self._callbacks.pop(0)
            self._loop.call_soon(fn, self, context=ctx)

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError("invalid state")
        if isinstance(exception, type):
            exception = exception()
        self._exception, self._state = exception, "FINISHED"
        while self._callbacks:
            fn, ctx = self._callbacks.pop(0)
            self._loop.call_soon(fn, self, context=ctx)

    def __await__(self):
        if self._state == "PENDING":
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "exception() of a cancelled future returns None instead of raising CancelledError",
          ["exception()", "CancelledError"]),

    whole("wrong", "cold3_callbacks_in_reverse_order", '''
class Future:
    def result(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state != _FINISHED:
            raise InvalidStateError("Result is not ready.")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state != _FINISHED:
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state != _PENDING:
            self._loop.call_soon(fn, self, context=context)
        else:
            self._callbacks.append((fn, context))

    def _call_back(self):
        while self._callbacks:
            fn, ctx = self._callbacks.pop()      # a list pops from the end
            self._loop.call_soon(fn, self, context=ctx)

    def set_result(self, result):
        if self._state != _PENDING:
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._state = _FINISHED
        self._call_back()

    def set_exception(self, exception):
        if self._state != _PENDING:
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = _FINISHED
        self._call_back()

    def __await__(self):
        if self._state == _PENDING:
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "done callbacks are scheduled last-added first", ["order"]),

    whole("wrong", "cold3_context_ignored", '''
class Future:
    def result(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state == "PENDING":
            raise InvalidStateError("Result is not ready.")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        if self._state == "PENDING":
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if self._state == "PENDING":
            self._callbacks.append((fn, context))
        else:
            self._loop.call_soon(fn, self)

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError("invalid state")
        self._result = result
        self._state = "FINISHED"
        for fn, _ in self._callbacks:
            self._loop.call_soon(fn, self)
        self._callbacks.clear()

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError("invalid state")
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = "FINISHED"
        for fn, _ in self._callbacks:
            self._loop.call_soon(fn, self)
        self._callbacks.clear()

    def __await__(self):
        if self._state == "PENDING":
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "the context given to add_done_callback (or the one current when it was added) "
     "is dropped: the callback runs in the context of whoever finished the future",
          ["context"]),

    whole("wrong", "cold3_set_result_twice_allowed", '''
class Future:
    def result(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError("Result is not ready.")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state == _PENDING:
            self._callbacks.append((fn, context))
        else:
            self._loop.call_soon(fn, self, context=context)

    def _schedule(self):
        for fn, ctx in self._callbacks:
            self._loop.call_soon(fn, self, context=ctx)
        self._callbacks = []

    def set_result(self, result):
        if self._state == _CANCELLED:
            return                      # nobody wants it any more
        self._result = result
        self._state = _FINISHED
        self._schedule()

    def set_exception(self, exception):
        if self._state == _CANCELLED:
            return
        if isinstance(exception, type):
            exception = exception()
        self._exception = exception
        self._state = _FINISHED
        self._schedule()

    def __await__(self):
        if self._state == _PENDING:
            self._asyncio_future_blocking = True
            yield self
        return self.result()
''', "set_result on a finished future overwrites it, and on a cancelled one is silently "
     "ignored, instead of raising InvalidStateError", ["InvalidStateError"]),

    whole("correct", "cold3_right_helper_and_done", '''
class Future:
    def _outcome_or_raise(self, what):
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state == _PENDING:
            raise InvalidStateError(what)
        self.__log_traceback = False

    def result(self):
        self._outcome_or_raise("Result is not ready.")
        if self._exception is None:
            return self._result
        raise self._exception.with_traceback(self._exception.__traceback__)

    def exception(self):
        self._outcome_or_raise("Exception is not set.")
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        ctx = contextvars.copy_context() if context is None else context
        if self.done():
            self._loop.call_soon(fn, self, context=ctx)
        else:
            self._callbacks.append((fn, ctx))

    def _complete(self, state):
        self._state = state
        waiting, self._callbacks = self._callbacks, []
        for fn, ctx in waiting:
            self._loop.call_soon(fn, self, context=ctx)

    def set_result(self, result):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._complete(_FINISHED)

    def set_exception(self, exception):
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type) and issubclass(exception, BaseException):
            exception = exception()
        if not isinstance(exception, BaseException):
            raise TypeError("invalid exception object")
        if isinstance(exception, StopIteration):
            if sys.version_info < (3, 13):
                raise TypeError("StopIteration interacts badly with generators "
                                "and cannot be raised into a Future")
            wrapped = RuntimeError("StopIteration interacts badly with generators "
                                   "and cannot be raised into a Future")
            wrapped.__cause__ = wrapped.__context__ = exception
            exception = wrapped
        self._exception = exception
        self._complete(_FINISHED)
        self.__log_traceback = True

    def __await__(self):
        if not self.done():
            self._asyncio_future_blocking = True
            yield self
            if not self.done():
                raise RuntimeError("await wasn't used with future")
        return self.result()
'''),

    whole("correct", "cold3_right_plain_strings", '''
class Future:
    def result(self):
        state = self._state
        if state == "PENDING":
            raise InvalidStateError("Result is not ready.")
        if state == "CANCELLED":
            raise self._make_cancelled_error()
        self.__log_traceback = False
        error = self._exception
        if error is not None:
            raise error.with_traceback(error.__traceback__)
        return self._result

    def exception(self):
        if self._state == "PENDING":
            raise InvalidStateError("Exception is not set.")
        if self._state == "CANCELLED":
            raise self._make_cancelled_error()
        self.__log_traceback = False
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if self._state != "PENDING":
            self._loop.call_soon(fn, self, context=context)
            return
        self._callbacks.append((fn, context))

    def set_result(self, result):
        if self._state != "PENDING":
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._state = "FINISHED"
        callbacks = self._callbacks
        self._callbacks = []
        for fn, ctx in callbacks:
            self._loop.call_soon(fn, self, context=ctx)

    def set_exception(self, exception):
        if self._state != "PENDING":
            raise InvalidStateError(f"{self._state}: {self!r}")
        if isinstance(exception, type) and issubclass(exception, BaseException):
            exception = exception()
        if not isinstance(exception, BaseException):
            raise TypeError("invalid exception object")
        if isinstance(exception, StopIteration):
            message = ("StopIteration interacts badly with generators "
                       "and cannot be raised into a Future")
            if sys.version_info < (3, 13):
                raise TypeError(message)
            replacement = RuntimeError(message)
            replacement.__cause__ = replacement.__context__ = exception
            exception = replacement
        self._exception = exception
        self._state = "FINISHED"
        self.__log_traceback = True
        callbacks = self._callbacks
        self._callbacks = []
        for fn, ctx in callbacks:
            self._loop.call_soon(fn, self, context=ctx)

    def __await__(self):
        if self._state == "PENDING":
            self._asyncio_future_blocking = True
            yield self
        if self._state == "PENDING":
            raise RuntimeError("await wasn't used with future")
        return self.result()
'''),
]

# Session 3, after reading the scenarios: probes derived from a cold right answer
# above, one mistake each, for corners the cold answers did not reach.
from _common import mutate, named  # noqa: E402

_COLD_RIGHT = named(ANSWERS, "cold3_right_plain_strings")

ANSWERS += [
    whole("wrong", "cold3_probe_stopiteration_accepted", mutate(
        _COLD_RIGHT,
        ('''        if isinstance(exception, StopIteration):
            message = ("StopIteration interacts badly with generators "
                       "and cannot be raised into a Future")
            if sys.version_info < (3, 13):
                raise TypeError(message)
            replacement = RuntimeError(message)
            replacement.__cause__ = replacement.__context__ = exception
            exception = replacement
''', "")),
          "set_exception(StopIteration()) is stored as is; asyncio refuses it (TypeError, "
          "or from 3.13 a RuntimeError in its place)", ["StopIteration"]),
    whole("wrong", "cold3_probe_any_object_as_exception", mutate(
        _COLD_RIGHT,
        ('''        if not isinstance(exception, BaseException):
            raise TypeError("invalid exception object")
''', "")),
          "set_exception accepts something that is not an exception (a string)",
          ["exception"]),
    whole("wrong", "cold3_probe_never_logs_unretrieved", mutate(
        _COLD_RIGHT,
        ('''        self.__log_traceback = True
''', "")),
          "a failed future nobody looked at is never reported ('Future exception was "
          "never retrieved')", ["never retrieved"]),
    whole("wrong", "cold3_probe_result_returns_exception", mutate(
        _COLD_RIGHT,
        ('''            raise error.with_traceback(error.__traceback__)''',
         '''            return error''')),
          "result() of a failed future returns the exception instead of raising it",
          ["raise"]),
]
