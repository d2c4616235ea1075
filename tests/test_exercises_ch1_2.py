"""Chapters 1-2 exercises: every reference passes, every plausible wrong answer is rejected.

Each wrong answer is a mistake a learner could make; the test checks it is
rejected *and* that the message points at that mistake (a substring of it).
"""

from __future__ import annotations

import pytest

from toyloop.exercises import ch1
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
    ("join", join_hangs, TIMED_OUT, "did not finish within"),
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
]

EXERCISES = {
    "round_robin": ch1.round_robin_exercise,
    "join": ch1.join_exercise,
    "Event": ch1.event_exercise,
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
    assert result.status == status, str(result)
    assert message in str(result), str(result)


@pytest.mark.parametrize("name", sorted({w[0] for w in WRONG}))
def test_every_exercise_has_a_wrong_answer_corpus(name):
    assert sum(1 for w in WRONG if w[0] == name and w[2] != NOT_ATTEMPTED) >= 5
