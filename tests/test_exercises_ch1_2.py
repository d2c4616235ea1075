"""Chapters 1-2 exercises: every reference passes, every plausible wrong answer is rejected.

Each wrong answer is a mistake a learner could make; the test checks it is
rejected *and* that the message points at that mistake (a substring of it).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from toyloop.ch2_futures import CancelledError, ensure_future
from toyloop.exercises import ch1, ch2
from toyloop.tools.checker import CORRECT, INCORRECT, NOT_ATTEMPTED, TIMED_OUT

# ---------------------------------------------------------------------------
# Chapter 1: round_robin
# ---------------------------------------------------------------------------


def rr_sequential(*gens):
    yielded, returned = [], []
    for gen in gens:
        while True:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned.append(stop.value)
                break
    return yielded, returned


def _drain(gen):
    values = []
    while True:
        try:
            values.append(next(gen))
        except StopIteration as stop:
            return values, stop.value


def rr_list_up_front(*gens):
    # Drains every generator first, then interleaves: right order, wrong laziness.
    drained = [_drain(g) for g in gens]
    yielded = []
    for i in range(max((len(v) for v, _ in drained), default=0)):
        yielded += [v[i] for v, _ in drained if i < len(v)]
    return yielded, [r for _, r in drained]


def rr_zip_stops_early(*gens):
    yielded, returned = [], [None] * len(gens)
    while gens:
        for i, gen in enumerate(gens):
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[i] = stop.value
                return yielded, returned
    return yielded, returned


def rr_remove_while_iterating(*gens):
    yielded, returned = [], [None] * len(gens)
    running = list(gens)
    while running:
        for gen in running:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[gens.index(gen)] = stop.value
                running.remove(gen)  # skips the next generator's turn
    return yielded, returned


def rr_forgets_return_values(*gens):
    yielded, _ = ch1.round_robin(*gens)
    return yielded, [None] * len(gens)


def rr_returns_in_finish_order(*gens):
    yielded, returned = [], []
    running = list(gens)
    while running:
        nxt = []
        for gen in running:
            try:
                yielded.append(next(gen))
                nxt.append(gen)
            except StopIteration as stop:
                returned.append(stop.value)
        running = nxt
    return yielded, returned


def rr_returns_only_values(*gens):
    return ch1.round_robin(*gens)[0]


# ---------------------------------------------------------------------------
# Chapter 1: join
# ---------------------------------------------------------------------------


def join_busy_wait(task):
    while not task.done():
        yield
    return task.result()


def join_polls_with_sleep(task):
    while not task.done():
        yield from ch1.sleep(0.1)
    return task.result()


def join_forgets_result(task):
    if not task.done():
        yield lambda me: task.add_done_callback(me.step)


def join_returns_task(task):
    if not task.done():
        yield lambda me: task.add_done_callback(me.step)
    return task


def join_swallows_exception(task):
    if not task.done():
        yield lambda me: task.add_done_callback(me.step)
    try:
        return task.result()
    except Exception:
        return None


def join_never_woken(task):
    if not task.done():
        yield lambda me: None  # parks, but nobody will step it again
    return task.result()


def join_resumes_at_once(task):
    yield lambda me: me.step()  # "wakes" itself right away, before task is done
    return task.result()


def join_not_a_generator(task):
    return task.result()


def join_hangs(task):
    while not task.done():
        pass  # spins inside one step: the scheduler never gets control back
    yield


# ---------------------------------------------------------------------------
# Chapter 1: Event
# ---------------------------------------------------------------------------


class EventInline(ch1.Event):
    def set(self):
        self._flag = True
        waiters, self._waiters = self._waiters, []
        for task in waiters:
            task.step()  # runs the waiter inside set()


class EventBusyWait(ch1.Event):
    def wait(self):
        while not self._flag:
            yield
        return True


class EventAlwaysParks(ch1.Event):
    def wait(self):
        yield self._waiters.append  # even when already set: nobody will wake it
        return True


class EventWakesOne(ch1.Event):
    def set(self):
        self._flag = True
        if self._waiters:
            task = self._waiters.pop(0)
            task.loop.call_soon(task.step)


class EventNeverClears(ch1.Event):
    def set(self):
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)


class EventReturnsNone(ch1.Event):
    def wait(self):
        if not self._flag:
            yield self._waiters.append


class EventWakesInReverse(ch1.Event):
    def set(self):
        self._flag = True
        for task in reversed(self._waiters):
            task.loop.call_soon(task.step)
        self._waiters.clear()


class EventIsSetWrong(ch1.Event):
    def is_set(self):
        return bool(self._waiters)


class EventWaitNotAGenerator(ch1.Event):
    def wait(self):
        return self._flag


class StubEvent:
    def is_set(self):
        raise NotImplementedError

    def set(self):
        raise NotImplementedError

    def wait(self):
        raise NotImplementedError


def _stub(*args):
    raise NotImplementedError


def _stub_gen(*args):
    raise NotImplementedError  # your code here
    yield  # noqa: B901 - unreachable, makes it a generator function like some stubs


# ---------------------------------------------------------------------------
# Chapter 2: sleep
# ---------------------------------------------------------------------------


async def sleep_blocking(delay, result=None):
    time.sleep(delay)  # blocks the loop's only thread
    return result


async def sleep_busy_wait(delay, result=None):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + delay
    while loop.time() < deadline:
        await asyncio.sleep(0)
    return result


async def sleep_forgets_result(delay, result=None):
    await ch2.sleep(delay)


async def sleep_never_completes(delay, result=None):
    loop = asyncio.get_running_loop()
    return await loop.create_future()  # no timer: nobody completes it


async def sleep_zero_shortcut(delay, result=None):
    if delay <= 0:
        return result
    return await ch2.sleep(delay, result)


async def sleep_absolute_time(delay, result=None):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    timer = loop.call_at(delay, future.set_result, result)  # call_at wants an absolute time
    try:
        return await future
    finally:
        timer.cancel()


async def sleep_timer_sets_cancelled_future(delay, result=None):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, future.set_result, result)  # never cancelled, no done() check
    return await future


async def sleep_timer_left_behind(delay, result=None):
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def wake():
        if not future.done():
            future.set_result(result)

    loop.call_later(delay, wake)  # safe, but left in the heap when cancelled
    return await future


async def sleep_swallows_cancel(delay, result=None):
    try:
        return await ch2.sleep(delay, result)
    except CancelledError:
        return result


# ---------------------------------------------------------------------------
# Chapter 2: gather
# ---------------------------------------------------------------------------


async def gather_sequential(*aws):
    return [await aw for aw in aws]


async def gather_completion_order(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    results, outer = [], loop.create_future()

    def done(child):
        results.append(child.result())
        if len(results) == len(children) and not outer.done():
            outer.set_result(results)

    for child in children:
        child.add_done_callback(done)
    return await outer if children else []


async def gather_swallows_exceptions(*aws):
    results = []
    for child in [ensure_future(aw) for aw in aws]:
        try:
            results.append(await child)
        except Exception as exc:
            results.append(exc)
    return results


async def gather_raises_at_the_end(*aws):
    children = [ensure_future(aw) for aw in aws]
    results, first_error = [], None
    for child in children:
        try:
            results.append(await child)
        except Exception as exc:
            first_error = first_error or exc
    if first_error:
        raise first_error
    return results


async def gather_busy_poll(*aws):
    children = [ensure_future(aw) for aw in aws]
    while not all(c.done() for c in children):
        await asyncio.sleep(0)
    return [c.result() for c in children]


async def gather_poll_with_sleep(*aws):
    children = [ensure_future(aw) for aw in aws]
    while not all(c.done() for c in children):
        await asyncio.sleep(0.1)
    return [c.result() for c in children]


async def gather_ignores_cancel(*aws):
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()

    def child_done(child):
        if outer.done():
            return
        if child.exception() is not None:
            outer.set_exception(child.exception())
        elif all(c.done() for c in children):
            outer.set_result([c.result() for c in children])

    for child in children:
        child.add_done_callback(child_done)
    return await outer  # cancelled here: the children are forgotten, not cancelled


async def gather_forgets_return(*aws):
    await ch2.gather(*aws)


async def gather_create_task_only(*aws):
    loop = asyncio.get_running_loop()
    children = [loop.create_task(aw) for aw in aws]
    return [await c for c in children]


# ---------------------------------------------------------------------------
# Chapter 2: wait_for
# ---------------------------------------------------------------------------


async def wf_waits_full_timeout(aw, timeout):
    fut = ensure_future(aw)
    await ch2.sleep(timeout)
    if fut.done():
        return fut.result()
    fut.cancel()
    raise TimeoutError


async def wf_never_cancels(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    waiter = loop.create_future()
    release = lambda *_: waiter.done() or waiter.set_result(None)  # noqa: E731
    timer = loop.call_later(timeout, release)
    fut.add_done_callback(release)
    try:
        await waiter
        if fut.done():
            return fut.result()
        raise TimeoutError  # but the child keeps running
    finally:
        timer.cancel()


async def wf_does_not_wait_for_cancel(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    waiter = loop.create_future()
    release = lambda *_: waiter.done() or waiter.set_result(None)  # noqa: E731
    timer = loop.call_later(timeout, release)
    fut.add_done_callback(release)
    try:
        await waiter
        if fut.done():
            return fut.result()
        fut.cancel()
        raise TimeoutError  # before the child has wound down
    finally:
        timer.cancel()


async def wf_lets_cancelled_error_out(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    timer = loop.call_later(timeout, fut.cancel)
    try:
        return await fut
    finally:
        timer.cancel()


async def wf_timer_left_behind(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    waiter = loop.create_future()
    release = lambda *_: waiter.done() or waiter.set_result(None)  # noqa: E731
    loop.call_later(timeout, release)  # never cancelled
    fut.add_done_callback(release)
    await waiter
    if fut.done():
        return fut.result()
    fut.cancel()
    try:
        return await fut
    except CancelledError:
        raise TimeoutError from None


async def wf_ignores_caller_cancel(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    waiter = loop.create_future()
    release = lambda *_: waiter.done() or waiter.set_result(None)  # noqa: E731
    timer = loop.call_later(timeout, release)
    fut.add_done_callback(release)
    try:
        await waiter  # if we are cancelled here, the child is forgotten
        if fut.done():
            return fut.result()
        fut.cancel()
        try:
            return await fut
        except CancelledError:
            raise TimeoutError from None
    finally:
        timer.cancel()


async def wf_everything_is_a_timeout(aw, timeout):
    try:
        return await ch2.wait_for(aw, timeout)
    except Exception:
        raise TimeoutError from None


async def wf_busy_poll(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    deadline = loop.time() + (timeout if timeout is not None else float("inf"))
    while not fut.done() and loop.time() < deadline:
        await asyncio.sleep(0)
    if fut.done():
        return fut.result()
    fut.cancel()
    raise TimeoutError


async def wf_none_not_handled(aw, timeout):
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw)
    waiter = loop.create_future()
    release = lambda *_: waiter.done() or waiter.set_result(None)  # noqa: E731
    timer = loop.call_later(timeout, release)  # TypeError when timeout is None
    fut.add_done_callback(release)
    try:
        try:
            await waiter
        except CancelledError:
            fut.cancel()
            raise
        if fut.done():
            return fut.result()
        fut.cancel()
        try:
            return await fut
        except CancelledError:
            raise TimeoutError from None
    finally:
        timer.cancel()


WRONG = [
    # (exercise, wrong answer, expected status, substring of the message)
    ("round_robin", rr_sequential, INCORRECT, "ran the first generator to the end"),
    ("round_robin", rr_list_up_front, INCORRECT, "call next() once per turn"),
    ("round_robin", rr_zip_stops_early, INCORRECT, "stopped when the first generator finished"),
    ("round_robin", rr_remove_while_iterating, INCORRECT, "skip the next one's turn"),
    ("round_robin", rr_forgets_return_values, INCORRECT, "StopIteration.value"),
    ("round_robin", rr_returns_in_finish_order, INCORRECT, "not in the order they finished"),
    ("round_robin", rr_returns_only_values, INCORRECT, "should return a pair"),
    ("round_robin", _stub, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ("join", join_busy_wait, INCORRECT, "busy-waiting"),
    ("join", join_polls_with_sleep, INCORRECT, "don't poll on a timer"),
    ("join", join_forgets_result, INCORRECT, "return the task's result"),
    ("join", join_returns_task, INCORRECT, "returned the Task itself"),
    ("join", join_swallows_exception, INCORRECT, "don't catch it"),
    ("join", join_never_woken, INCORRECT, "nobody will ever wake it"),
    ("join", join_resumes_at_once, INCORRECT, "before the task had finished"),
    ("join", join_not_a_generator, INCORRECT, "it should be a generator"),
    ("join", join_hangs, TIMED_OUT, "never returned to the loop"),
    ("join", _stub, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ("join", _stub_gen, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ("Event", EventInline, INCORRECT, "a waiter ran inside set()"),
    ("Event", EventBusyWait, INCORRECT, "busy-waiting"),
    ("Event", EventAlwaysParks, INCORRECT, "nobody will ever wake it"),
    ("Event", EventWakesOne, INCORRECT, "Wake every waiter, not just one"),
    ("Event", EventNeverClears, INCORRECT, "clear the list"),
    ("Event", EventReturnsNone, INCORRECT, "return True from wait()"),
    ("Event", EventWakesInReverse, INCORRECT, "in the order they arrived"),
    ("Event", EventIsSetWrong, INCORRECT, "is_set() should be True"),
    ("Event", EventWaitNotAGenerator, INCORRECT, "it should be a generator"),
    ("Event", StubEvent, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ("sleep", sleep_blocking, INCORRECT, "`time.sleep(...)`"),
    ("sleep", sleep_busy_wait, INCORRECT, "busy-waits"),
    ("sleep", sleep_forgets_result, INCORRECT, "return the `result` argument"),
    ("sleep", sleep_never_completes, INCORRECT, "forget to wake the task"),
    ("sleep", sleep_zero_shortcut, INCORRECT, "don't return early for a zero delay"),
    ("sleep", sleep_absolute_time, INCORRECT, "the delay is relative to now"),
    ("sleep", sleep_timer_sets_cancelled_future, INCORRECT, "InvalidStateError"),
    ("sleep", sleep_timer_left_behind, INCORRECT, "its timer was still scheduled"),
    ("sleep", sleep_swallows_cancel, INCORRECT, "swallowed the CancelledError"),
    ("sleep", _stub, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ("gather", gather_sequential, INCORRECT, "ran them one after another"),
    ("gather", gather_completion_order, INCORRECT, "in the order the children finished"),
    ("gather", gather_swallows_exceptions, INCORRECT, "instead of swallowing it"),
    ("gather", gather_raises_at_the_end, INCORRECT, "as soon as that child failed"),
    ("gather", gather_busy_poll, INCORRECT, "busy-waits"),
    ("gather", gather_poll_with_sleep, INCORRECT, "polling"),
    ("gather", gather_ignores_cancel, INCORRECT, "cancel the children too"),
    ("gather", gather_forgets_return, INCORRECT, "return the list of results"),
    ("gather", gather_create_task_only, INCORRECT, "ensure_future()"),
    ("gather", _stub, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ("wait_for", wf_waits_full_timeout, INCORRECT, "don't wait for the whole timeout"),
    ("wait_for", wf_never_cancels, INCORRECT, "cancel it when the time is up"),
    ("wait_for", wf_does_not_wait_for_cancel, INCORRECT, "cancel it, then await it"),
    ("wait_for", wf_lets_cancelled_error_out, INCORRECT, "let CancelledError out"),
    ("wait_for", wf_timer_left_behind, INCORRECT, "timer stayed scheduled"),
    ("wait_for", wf_ignores_caller_cancel, INCORRECT, "cancel the child too"),
    ("wait_for", wf_everything_is_a_timeout, INCORRECT, "Let the child's exception through"),
    ("wait_for", wf_busy_poll, INCORRECT, "busy-waits"),
    ("wait_for", wf_none_not_handled, INCORRECT, "timeout=None means no time limit"),
    ("wait_for", _stub, NOT_ATTEMPTED, "still raises NotImplementedError"),
]

EXERCISES = {
    "round_robin": ch1.round_robin_exercise,
    "join": ch1.join_exercise,
    "Event": ch1.event_exercise,
    "sleep": ch2.sleep_exercise,
    "gather": ch2.gather_exercise,
    "wait_for": ch2.wait_for_exercise,
}


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_reference_solution_passes(name):
    exercise = EXERCISES[name]
    result = exercise.run(exercise.reference)
    assert result.status == CORRECT, str(result)


@pytest.mark.parametrize(
    ("name", "wrong", "status", "message"), WRONG,
    ids=[f"{w[0]}-{getattr(w[1], '__name__', w[1])}" for w in WRONG])
def test_wrong_answer_is_rejected_with_a_pointed_message(name, wrong, status, message):
    exercise = EXERCISES[name]
    if status == TIMED_OUT:
        exercise.timeout, saved = 0.5, exercise.timeout
        try:
            result = exercise.run(wrong)
        finally:
            exercise.timeout = saved
    else:
        result = exercise.run(wrong)
    if status == TIMED_OUT and result.status == INCORRECT:
        # A spin that never returns is caught by whichever fires first: the case's
        # deadline ("never returned to the loop") or the blocking detector (0.35 s
        # budget), which names the busy loop.  Both name the mistake.
        assert "busy-waiting" in str(result) or "blocked" in str(result), str(result)
        return
    assert result.status == status, str(result)
    assert message in str(result), str(result)
    # A timer left behind is described as it was when found, not after the case's
    # cleanup cancelled it ("stayed scheduled (<TimerHandle cancelled ...>)").
    assert "TimerHandle cancelled" not in str(result), str(result)


@pytest.mark.parametrize("name", sorted({w[0] for w in WRONG}))
def test_every_exercise_has_a_wrong_answer_corpus(name):
    assert sum(1 for w in WRONG if w[0] == name and w[2] != NOT_ATTEMPTED) >= 5


# What a learner who asks for .solution() and pastes it into the notebook's stub cell gets:
# the source must run with only the names the notebook has imported at that point.
NOTEBOOK_NAMESPACES = {
    "round_robin": "",
    "join": "from toyloop.ch1_generators import Scheduler, Task, sleep",
    "Event": "from toyloop.ch1_generators import Scheduler, Task, sleep",
    "sleep": "import asyncio\nfrom toyloop.ch2_futures import CancelledError, ensure_future",
    "gather": "import asyncio\nfrom toyloop.ch2_futures import CancelledError, ensure_future",
    "wait_for": "import asyncio\nfrom toyloop.ch2_futures import CancelledError, ensure_future",
}


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_shown_solution_pasted_into_the_notebook_passes(name):
    exercise = EXERCISES[name]
    namespace: dict = {}
    exec(NOTEBOOK_NAMESPACES[name], namespace)
    exec(compile(exercise.solution_source(), f"<pasted {name}>", "exec"), namespace)
    pasted = namespace[exercise.reference.__name__]
    assert pasted is not exercise.reference
    result = exercise.run(pasted)
    assert result.status == CORRECT, str(result)


# ---------------------------------------------------------------------------
# Chapter 0's small warm-up checker, written out in the notebook to show what a case is
# (the check cells use the full one, toyloop.exercises.ch0.warm_up): test those cells
# ---------------------------------------------------------------------------


def _notebook(name: str) -> dict:
    path = Path(__file__).resolve().parent.parent / "notebooks" / name
    return json.loads(path.read_text(encoding="utf-8"))


def _warm_up():
    nb = _notebook("00_welcome.ipynb")
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
               for c in nb["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    exec("import asyncio", namespace)
    for marker in ("def case_is_a_coroutine_function", "small_warm_up = Exercise("):
        (cell,) = [s for s in sources if marker in s]
        exec(cell, namespace)
    return namespace["small_warm_up"]


async def warm_up_too_fast(x):
    return 2 * x


def warm_up_not_async(x):
    return 2 * x


async def warm_up_wrong_value(x):
    await asyncio.sleep(1)
    return x + 2


async def warm_up_too_slow(x):
    await asyncio.sleep(2)
    return 2 * x


async def warm_up_blocking(x):
    time.sleep(0.2)
    return 2 * x


async def warm_up_stub(x):
    raise NotImplementedError  # your code here


@pytest.mark.parametrize(("wrong", "status", "message"), [
    (warm_up_too_fast, INCORRECT, "await asyncio.sleep(1) first"),
    (warm_up_not_async, INCORRECT, "define it with `async def`"),
    (warm_up_wrong_value, INCORRECT, "it should return 42"),
    (warm_up_too_slow, INCORRECT, "returned after 2.0 s of loop time"),
    (warm_up_blocking, INCORRECT, "returned after 0.0 s of loop time"),
    (warm_up_stub, NOT_ATTEMPTED, "still raises NotImplementedError"),
], ids=lambda v: getattr(v, "__name__", None))
def test_warm_up_rejects_wrong_answers(wrong, status, message):
    result = _warm_up().run(wrong)
    assert result.status == status, str(result)
    assert message in str(result), str(result)


def test_warm_up_reference_passes():
    warm_up = _warm_up()
    assert warm_up.run(warm_up.reference).status == CORRECT


# ---------------------------------------------------------------------------
# The notebooks are committed as a learner first sees them: stubs in place
# ---------------------------------------------------------------------------

STUB_CHECKS = {
    "00_welcome.ipynb": {"warm_up.check(double_later)"},
    "01_generators.ipynb": {"round_robin_exercise.check(round_robin)",
                            "join_exercise.check(join)", "event_exercise.check(Event)"},
    "02_futures_and_tasks.ipynb": {"sleep_exercise.check(sleep)",
                                   "gather_exercise.check(gather)",
                                   "wait_for_exercise.check(wait_for)"},
}


@pytest.mark.parametrize("name", sorted(STUB_CHECKS))
def test_notebook_is_committed_with_its_stubs_not_attempted(name):
    nb = _notebook(name)
    seen = set()
    for cell in nb["cells"]:
        source = "".join(cell["source"]).strip()
        if cell["cell_type"] != "code" or source not in STUB_CHECKS[name]:
            continue
        seen.add(source)
        text = "".join("".join(o.get("data", {}).get("text/plain", ""))
                       for o in cell.get("outputs", []))
        assert "not attempted yet" in text, f"{source}: committed output is {text!r}"
    assert seen == STUB_CHECKS[name]
