"""Differential harness: run one scenario on asyncio's loop and on toyloop's, compare.

A *scenario* is a function ``scenario(env)``.  It schedules work on ``env.loop``
and records what happens with ``env.log(...)``; it may return a coroutine, which
the harness runs with ``run_until_complete`` (its result, or the exception it
raised, is logged too).  ``env.h`` holds the helpers to use (``sleep``, ``gather``,
``wait_for``, ``ensure_future``, ``current_task``, ``shield``): asyncio's own or
toyloop's, so one scenario exercises both sets on toyloop's loop.

Whole programs (a coroutine function ``main`` that returns what it recorded)
use the simpler pair ``run_program_on(kind, main)`` and
``run_program_on_both(main)``: ``asyncio.Runner`` on asyncio's loop and on
toyloop's ``EventLoop``, results compared.  The chapter 5 suites (streams,
transports, third-party libraries, the rest of the loop API) share them.

``run_on_both(scenario)`` runs it once on asyncio's loop (the reference) and then
on toyloop's ``EventLoop`` with each clock and each helper set, and asserts that
every run logged the same events.  It returns the reference log, so a test can
also pin down what asyncio did -- a scenario that logs nothing would otherwise
"pass" trivially.

Exceptions that reach the loop's exception handler are logged as
``("handler", message, sorted context keys, exception type, str(exception))``.
"Exception in callback f(args) at file:line" messages are cut to "Exception in
callback f" unless ``compare_callback_sources=True``: the details vary by Python
version, and ``test_callback_exception_message_matches`` checks them.

Timing: scenarios compare orders, never times.  Delays are chosen so that no two
timers are due at the same instant on a real clock; VirtualAsyncioLoop gives
asyncio a virtual clock too, for generated programs where ties are unavoidable.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import gc
import inspect
import pprint
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import toyloop
from toyloop.scenarios import VirtualSelector

ASYNCIO_HELPERS = SimpleNamespace(
    name="asyncio",
    sleep=asyncio.sleep,
    gather=asyncio.gather,
    wait_for=asyncio.wait_for,
    ensure_future=asyncio.ensure_future,
    current_task=asyncio.current_task,
    shield=asyncio.shield,
)
TOYLOOP_HELPERS = SimpleNamespace(
    name="toyloop",
    sleep=toyloop.sleep,
    gather=toyloop.gather,
    wait_for=toyloop.wait_for,
    ensure_future=toyloop.ensure_future,
    current_task=toyloop.current_task,
    shield=asyncio.shield,  # toyloop has no shield of its own
)
HELPERS = {"asyncio": ASYNCIO_HELPERS, "toyloop": TOYLOOP_HELPERS}


@dataclass(frozen=True)
class Variant:
    loop: str  # "asyncio", "asyncio-virtual" or "toyloop"
    clock: str  # "monotonic" or "virtual" (toyloop only)
    helpers: str  # "asyncio" or "toyloop"

    def __str__(self) -> str:
        return f"{self.loop}[{self.clock}]+{self.helpers}-helpers"


REFERENCE = Variant("asyncio", "monotonic", "asyncio")
VIRTUAL_REFERENCE = Variant("asyncio-virtual", "virtual", "asyncio")
TOYLOOP_VARIANTS = tuple(
    Variant("toyloop", clock, helpers)
    for clock in ("monotonic", "virtual")
    for helpers in ("toyloop", "asyncio")
)


class VirtualAsyncioLoop(asyncio.SelectorEventLoop):
    """asyncio's own loop with a virtual clock (as CPython's test ``TestLoop`` does).

    Only ``time()`` and the wait change; ``_run_once`` and every callback are
    asyncio's, so the order of events is asyncio's order.  Unlike the package's
    ``toyloop.scenarios.ReferenceLoop`` it keeps asyncio's C Future and Task; the
    virtual-time selector is the package's.
    """

    def __init__(self) -> None:
        selector = VirtualSelector()
        selector.loop = self
        self.virtual_now = 0.0
        super().__init__(selector)

    def time(self) -> float:
        return self.virtual_now


class PyFutureAsyncioLoop(asyncio.SelectorEventLoop):
    """asyncio's loop with asyncio's pure-Python Future and Task (``_PyFuture``, ``_PyTask``).

    asyncio normally uses the C versions from ``_asyncio``, whose error messages
    differ in places ("Result is not set." against the Python "Result is not
    ready.").  toyloop is pure Python, so where the two disagree the misuse test
    accepts either.
    """

    def __init__(self) -> None:
        super().__init__()
        self.set_task_factory(
            lambda loop, coro, **kwargs: asyncio.tasks._PyTask(coro, loop=loop, **kwargs))

    def create_future(self) -> asyncio.Future:
        return asyncio.futures._PyFuture(loop=self)


PY_REFERENCE = Variant("asyncio-py", "monotonic", "asyncio")


def make_loop(variant: Variant) -> asyncio.AbstractEventLoop:
    if variant.loop == "asyncio":
        return asyncio.SelectorEventLoop()
    if variant.loop == "asyncio-py":
        return PyFutureAsyncioLoop()
    if variant.loop == "asyncio-virtual":
        return VirtualAsyncioLoop()
    clock = toyloop.VirtualClock() if variant.clock == "virtual" else toyloop.MonotonicClock()
    return toyloop.EventLoop(clock=clock)


def describe(exc: BaseException) -> tuple[str, str]:
    """What a test compares of an exception: its type name and message."""
    return (type(exc).__name__, str(exc))


_CALLBACK_MESSAGE = re.compile(r"^(Exception in callback [^(]*)\(.*$", re.DOTALL)


def short_callback_message(message: str) -> str:
    """``Exception in callback f(1) at x.py:3`` -> ``Exception in callback f``.

    How asyncio shows the callback varies by version (3.13 hides the arguments
    outside debug mode); test_callback_exception_message_matches compares it all.
    """
    return _CALLBACK_MESSAGE.sub(r"\1", message)


def normalise_context(context: dict[str, Any], compare_callback_sources: bool) -> tuple:
    message = context.get("message", "")
    if not compare_callback_sources:
        message = short_callback_message(message)
    exc = context.get("exception")
    return (
        "handler",
        message,
        tuple(sorted(context)),
        *(describe(exc) if exc is not None else ()),
    )


class Env:
    """What a scenario gets: the loop, the helpers and an event log."""

    def __init__(self, variant: Variant, loop: Any, compare_callback_sources: bool) -> None:
        self.variant = variant
        self.loop = loop
        self.h = HELPERS[variant.helpers]
        self.events: list[Any] = []
        self.contexts: list[dict[str, Any]] = []  # raw handler contexts, for extra checks
        self._compare_sources = compare_callback_sources

    @property
    def is_toyloop(self) -> bool:
        return self.variant.loop == "toyloop"

    def log(self, *event: Any) -> None:
        self.events.append(event[0] if len(event) == 1 else event)

    def recorder(self, name: str) -> Callable[..., None]:
        """A callback that logs ``(name, *args)`` when called."""

        def record(*args: Any) -> None:
            self.log(name, *args)

        record.__qualname__ = f"record_{name}"
        return record

    def handler(self, loop: Any, context: dict[str, Any]) -> None:
        self.contexts.append(context)
        self.events.append(normalise_context(context, self._compare_sources))


@contextlib.contextmanager
def young_gc():
    """Make ``gc.collect()`` look only at objects created inside the block.

    Under pytest with its plugins a full collection walks ~200k long-lived
    objects (0.2 s); ``gc.freeze()`` parks them in the permanent generation
    (an O(1) list splice) and ``gc.unfreeze()`` puts them back afterwards.
    A scenario's futures and tasks are all created inside the block.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _cancel_leftovers(loop: Any) -> None:
    """What asyncio.Runner does on close: cancel tasks still pending, let them finish."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def run_variant(
    scenario: Callable[[Env], Any],
    variant: Variant,
    *,
    debug: bool = False,
    compare_callback_sources: bool = False,
) -> list[Any]:
    """Run ``scenario`` on a fresh loop of ``variant``, close the loop, return the log."""
    with young_gc():
        loop = make_loop(variant)
        loop.set_debug(debug)
        env = Env(variant, loop, compare_callback_sources)
        loop.set_exception_handler(env.handler)
        try:
            out = scenario(env)
            if inspect.iscoroutine(out):
                try:
                    env.log("result", loop.run_until_complete(out))
                except (Exception, asyncio.CancelledError) as exc:
                    env.log("raised", *describe(exc))
                finally:
                    out = None  # noqa: F841 -- drop the coroutine before gc.collect()
            if not loop.is_closed():  # a scenario may close the loop itself
                _cancel_leftovers(loop)
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()
        gc.collect()  # reports of futures and tasks dropped during the run
    return env.events


def run_on_both(
    scenario: Callable[[Env], Any],
    *,
    variants: Iterable[Variant] = TOYLOOP_VARIANTS,
    reference: Variant = REFERENCE,
    debug: bool = False,
    compare_callback_sources: bool = False,
) -> list[Any]:
    """Run on asyncio (``reference``) and on every toyloop variant; all logs must match."""
    expected = run_variant(
        scenario, reference, debug=debug, compare_callback_sources=compare_callback_sources
    )
    for variant in variants:
        got = run_variant(
            scenario, variant, debug=debug, compare_callback_sources=compare_callback_sources
        )
        assert got == expected, _diff(expected, got, reference, variant)
    return expected


def run_program_on(kind: str, main: Callable[[], Any], *, timeout: float = 8.0,
                   clock: Any = None) -> Any:
    """Run ``main()`` under ``asyncio.Runner`` on asyncio's loop or on toyloop's.

    ``kind`` is ``"asyncio"`` or ``"toyloop"``; ``clock`` (toyloop only) is the
    loop's clock, a real one by default.  ``timeout`` bounds the whole program.
    """
    if kind == "asyncio":
        factory = None
    else:
        def factory() -> toyloop.EventLoop:
            return toyloop.EventLoop(clock=clock)
    with asyncio.Runner(loop_factory=factory) as runner:
        assert isinstance(runner.get_loop(), toyloop.EventLoop) == (kind == "toyloop")
        return runner.run(asyncio.wait_for(main(), timeout))


def run_program_on_both(main: Callable[[], Any], *, clocks: Iterable[Callable[[], Any]] = (),
                        timeout: float = 8.0) -> Any:
    """Run ``main`` on asyncio's loop, then on toyloop's (real clock, then each of
    ``clocks``); every result must equal asyncio's, which is returned."""
    expected = run_program_on("asyncio", main, timeout=timeout)
    assert expected, "the scenario recorded nothing: it would pass trivially"
    for make_clock in (None, *clocks):
        clock = None if make_clock is None else make_clock()
        actual = run_program_on("toyloop", main, timeout=timeout, clock=clock)
        assert actual == expected, f"toyloop (clock={clock!r}): {actual}\nasyncio: {expected}"
    return expected


def _diff(expected: list, got: list, reference: Variant, variant: Variant) -> str:
    lines = difflib.unified_diff([pprint.pformat(e) for e in expected],
                                 [pprint.pformat(e) for e in got],
                                 fromfile=str(reference), tofile=str(variant), lineterm="")
    return f"{variant} differs from {reference}:\n" + "\n".join(lines)


def leftovers(loop: toyloop.EventLoop) -> dict[str, list]:
    """What is still registered on a toyloop loop: live callbacks, live timers, fds
    (the self-pipe excepted) and unfinished tasks.  A clean loop gives empty lists."""
    self_pipe = loop._ssock.fileno()
    return {
        "ready": [h for h in loop._ready if not h.cancelled()],
        "timers": [entry[2] for entry in loop._scheduled if not entry[2].cancelled()],
        "fds": sorted(fd for fd in loop._selector.get_map() if fd != self_pipe),
        "tasks": [t for t in asyncio.all_tasks(loop) if not t.done()],
    }


@contextlib.contextmanager
def closing_loop(variant: Variant):
    """A loop of ``variant`` that is closed afterwards, whatever happens."""
    loop = make_loop(variant)
    try:
        yield loop
    finally:
        if not loop.is_closed():
            loop.close()
