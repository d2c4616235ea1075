"""Failures while a failure is being reported are handled as asyncio handles them (issue 12).

An exception handler that raises, reprs that raise while a failing task or
callback is described, and asyncio's logger misconfigured (a logging handler
or filter that raises, logging disabled): each is compared with asyncio's loop,
and the loop must go on wherever asyncio's does.

What is compared: the program's events, and every record the ``asyncio`` logger
emits (level, the message's top lines, the exception type and the last line of
the formatted traceback).  Stack lines indented under "Object created at" show
each loop's own frames and are left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import io
import logging
import re

import pytest
from differential.harness import REFERENCE, TOYLOOP_VARIANTS, Env, run_on_both, run_variant

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_LOOP_FILE = re.compile(r"\S*/(asyncio|toyloop)/\w+\.py:\d+")
_TASK_NAME = re.compile(r"Task-\d+")  # default names count tasks across the whole session


class _Records(logging.Handler):
    def __init__(self, env: Env) -> None:
        super().__init__(logging.DEBUG)
        self.env = env

    def emit(self, record: logging.LogRecord) -> None:
        lines = [_TASK_NAME.sub("Task-?", _LOOP_FILE.sub("<loop file>", _ADDRESS.sub("0x?", line)))
                 for line in record.getMessage().splitlines() if not line.startswith(" ")]
        formatted = logging.Formatter().format(record)
        self.env.log("logged", record.levelname, lines,
                     record.exc_info[0].__name__ if record.exc_info else None,
                     formatted.splitlines()[-1] if record.exc_info else None)


@contextlib.contextmanager
def _asyncio_logger(env: Env, *extra: logging.Handler):
    """Record what asyncio's logger says (and add ``extra`` handlers) for one run."""
    logger = logging.getLogger("asyncio")
    handlers = [_Records(env), *extra]
    for handler in handlers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            logger.removeHandler(handler)


def _default_handler(env: Env) -> None:
    env.loop.set_exception_handler(None)  # the harness installs its own; use asyncio's


class BadStrError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("__str__ failed")


class BadReprError(Exception):
    def __repr__(self) -> str:
        raise RuntimeError("__repr__ failed")


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("__repr__ failed")


def _fail(*args: object) -> None:
    raise ValueError("callback failed")


def _run_briefly(env: Env) -> None:
    """Run what is queued, then a marker callback: the loop must still work."""
    env.loop.call_soon(env.recorder("loop goes on"))
    env.loop.call_soon(env.loop.stop)
    try:
        env.loop.run_forever()
    except BaseException as exc:  # noqa: BLE001 -- what escapes is the result
        env.log("escaped", type(exc).__name__)
        env.loop.call_soon(env.loop.stop)
        env.loop.run_forever()  # and the loop runs again afterwards


# -- 1. an exception handler that raises -----------------------------------------


@pytest.mark.parametrize("kind", [ValueError, BadStrError, BadReprError, KeyboardInterrupt,
                                  SystemExit], ids=lambda k: k.__name__)
def test_exception_handler_that_raises(kind) -> None:
    def scenario(env: Env) -> None:
        def handler(loop, context) -> None:
            env.log("handler got", type(context.get("exception")).__name__)
            raise kind("handler broke")

        with _asyncio_logger(env):
            env.loop.set_exception_handler(handler)
            env.loop.call_soon(_fail)
            _run_briefly(env)

    events = run_on_both(scenario)
    assert events[0] == ("handler got", "ValueError")
    assert "loop goes on" in events


# -- 2. reprs that raise while a failure is described ------------------------------


def test_task_failing_with_exception_whose_repr_raises() -> None:
    def scenario(env: Env) -> None:
        async def fails() -> None:
            raise BadReprError("task")

        with _asyncio_logger(env):
            _default_handler(env)
            task = env.loop.create_task(fails())
            _run_briefly(env)
            del task  # never retrieved: reported when dropped, its repr raising
            gc.collect()
            _run_briefly(env)

    events = run_on_both(scenario)
    assert [e[0] for e in events if isinstance(e, tuple)] == ["logged"]
    assert events.count("loop goes on") == 2


def test_pending_task_destroyed_while_its_repr_raises() -> None:
    # "Task was destroyed but it is pending!" puts the task in the report; its repr
    # shows the future it waits for, whose repr raises.
    def scenario(env: Env) -> None:
        class BadReprFuture(type(env.loop.create_future())):
            def __repr__(self) -> str:
                raise RuntimeError("__repr__ failed")

        async def waits(fut) -> None:
            await fut

        with _asyncio_logger(env):
            _default_handler(env)
            task = env.loop.create_task(waits(BadReprFuture(loop=env.loop)))
            _run_briefly(env)
            del task  # the task and its future are only a cycle now
            gc.collect()
            _run_briefly(env)

    events = run_on_both(scenario)
    assert [e[0] for e in events if isinstance(e, tuple)] == ["logged"]


def test_task_failing_with_exception_whose_str_raises() -> None:
    def scenario(env: Env) -> None:
        async def fails() -> None:
            raise BadStrError("task")

        with _asyncio_logger(env):
            _default_handler(env)
            task = env.loop.create_task(fails())
            _run_briefly(env)
            del task
            gc.collect()
            _run_briefly(env)

    events = run_on_both(scenario)
    assert [e[3] for e in events if isinstance(e, tuple)] == ["BadStrError"]


@pytest.mark.parametrize("debug", [False, True], ids=["normal", "debug"])
def test_callback_with_argument_whose_repr_raises(debug: bool) -> None:
    def scenario(env: Env) -> None:
        with _asyncio_logger(env):
            _default_handler(env)
            env.loop.call_soon(_fail, BadRepr())
            env.loop.call_soon(_fail, BadStrError())
            _run_briefly(env)

    events = run_on_both(scenario, debug=debug)
    assert [e[1] for e in events if isinstance(e, tuple)] == ["ERROR", "ERROR"]


# -- 3. asyncio's logger misconfigured ---------------------------------------------


class _ClosedStreamHandler(logging.StreamHandler):
    """A log file that was closed: emit fails, logging's handleError deals with it."""

    def __init__(self, env: Env) -> None:
        stream = io.StringIO()
        stream.close()
        super().__init__(stream)
        self.env = env

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 -- logging's name
        self.env.log("logging error handled", record.getMessage().splitlines()[0])


class _RaisingHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        raise OSError("disk full")  # unlike logging's own handlers, not caught


class _RaisingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        raise RuntimeError("filter broke")


def test_logging_to_a_closed_stream() -> None:
    def scenario(env: Env) -> None:
        with _asyncio_logger(env, _ClosedStreamHandler(env)):
            _default_handler(env)
            env.loop.call_soon(_fail)
            _run_briefly(env)

    events = run_on_both(scenario)
    assert ("logging error handled", "Exception in callback _fail") in [
        (e[0], re.sub(r"\(.*", "", e[1])) for e in events if isinstance(e, tuple)]
    assert "loop goes on" in events


def test_logging_handler_that_raises() -> None:
    # The handler's error leaves the default handler; the fallback log call raises it
    # again and it escapes run_forever, on asyncio too.  The loop runs afterwards.
    def scenario(env: Env) -> None:
        with _asyncio_logger(env, _RaisingHandler()):
            _default_handler(env)
            env.loop.call_soon(_fail)
            _run_briefly(env)

    events = run_on_both(scenario)
    assert ("escaped", "OSError") in events


def test_logging_filter_that_raises() -> None:
    # A filter's exception is not caught by logging: it leaves the default handler,
    # the fallback log call raises it again, and it escapes run_forever -- on
    # asyncio too.  The loop still runs afterwards.
    def scenario(env: Env) -> None:
        logger = logging.getLogger("asyncio")
        bad = _RaisingFilter()
        logger.addFilter(bad)
        try:
            _default_handler(env)
            env.loop.call_soon(_fail)
            _run_briefly(env)
        finally:
            logger.removeFilter(bad)
        env.loop.call_soon(env.recorder("after the filter is gone"))
        env.loop.call_soon(env.loop.stop)
        env.loop.run_forever()

    events = run_on_both(scenario)
    assert events[-1] == "after the filter is gone"


def test_logging_disabled() -> None:
    def scenario(env: Env) -> None:
        logging.disable(logging.CRITICAL)
        try:
            with _asyncio_logger(env):
                _default_handler(env)
                env.loop.call_soon(_fail)
                fut = env.loop.create_future()
                fut.set_exception(BadStrError())
                del fut
                gc.collect()
                _run_briefly(env)
        finally:
            logging.disable(logging.NOTSET)

    assert run_on_both(scenario) == ["loop goes on"]


# -- asyncio details found on the way -----------------------------------------------


def test_default_handler_shows_where_the_running_handle_was_made() -> None:
    # Debug mode: a report without a traceback of its own, made while a callback runs,
    # gets "handle_traceback" (found by tests/reliability/test_rel_fuzz_callbacks.py).
    def scenario(env: Env) -> None:
        with _asyncio_logger(env):
            _default_handler(env)
            env.loop.call_soon(env.loop.call_exception_handler, {"message": "by hand"})
            _run_briefly(env)

    events = run_on_both(scenario, debug=True)
    assert events[0][2] == ["by hand",
                            "handle_traceback: Handle created at (most recent call last):"]


def test_slow_callback_warning_names_the_task() -> None:
    # A slow task step is named by its task, any other callback by its handle.  (Only
    # the kind is compared: toyloop's Task repr lacks asyncio's "cb=[...]" part.)
    def scenario(env: Env) -> None:
        env.loop.slow_callback_duration = 0.0  # every callback is "slow"

        async def main() -> None:
            await asyncio.sleep(0)

        with _asyncio_logger(env):
            env.loop.run_until_complete(main())

    def kinds(variant) -> list:
        events = run_variant(scenario, variant, debug=True)
        return [re.match(r"Executing <(\w+)", e[2][0]).group(1) for e in events
                if isinstance(e, tuple) and e[1] == "WARNING"]

    expected = kinds(REFERENCE)
    assert expected[:2] == ["Task", "Task"]
    assert kinds(TOYLOOP_VARIANTS[0]) == expected


_where = contextvars.ContextVar("where", default="outside")


@pytest.mark.parametrize("variant", TOYLOOP_VARIANTS[:1], ids=str)
def test_custom_handler_runs_in_the_failing_tasks_context(variant) -> None:
    # Python 3.12+: asyncio calls a custom handler inside the context of the task,
    # future or handle it reports (CPython gh-96704); 3.11 in the caller's.
    def scenario(env: Env) -> None:
        env.loop.set_exception_handler(
            lambda loop, context: env.log("handler sees", _where.get()))

        async def fails() -> None:
            _where.set("inside the task")
            raise ValueError

        task = env.loop.create_task(fails())
        _run_briefly(env)
        del task
        gc.collect()

    expected = run_variant(scenario, REFERENCE)
    assert run_variant(scenario, variant) == expected
    assert [e[0] for e in expected if isinstance(e, tuple)] == ["handler sees"]
