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
