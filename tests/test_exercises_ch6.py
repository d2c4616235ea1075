"""Chapter 6 exercises: the reference solutions pass, the slow versions and other
wrong answers fail with a message pointing at the mistake, stubs are 'not attempted'."""

from __future__ import annotations

import collections
import heapq

from toyloop.ch2_futures import Handle, TimerHandle
from toyloop.exercises import ch6
from toyloop.tools.checker import CORRECT, INCORRECT, NOT_ATTEMPTED


def _run(exercise, candidate):
    return exercise.run(candidate)


# -- Exercise 1: call_soon ----------------------------------------------------------


def test_call_soon_reference_passes() -> None:
    result = _run(ch6.call_soon_exercise, ch6.call_soon)
    assert result.status == CORRECT, result


def test_call_soon_stub_is_not_attempted() -> None:
    def call_soon(self, callback, *args, context=None):
        raise NotImplementedError

    assert _run(ch6.call_soon_exercise, call_soon).status == NOT_ATTEMPTED


def test_slow_call_soon_is_caught_by_the_constant_time_case() -> None:
    result = _run(ch6.call_soon_exercise, ch6.slow_call_soon)
    assert result.status == INCORRECT
    assert result.case.startswith("its cost does not grow with the queue")
    assert "O(n**2)" in result.message and "builds a new queue" in result.message
    # ... and it was correct on every behaviour case before that one.
    assert len(result.passed_cases) == 4


def test_call_soon_that_iterates_the_queue_is_caught() -> None:
    def call_soon(self, callback, *args, context=None):
        if self._closed:
            raise RuntimeError("Event loop is closed")
        handle = Handle(callback, args, self, context)
        if handle not in self._ready:  # walks the whole queue
            self._ready.append(handle)
        return handle

    result = _run(ch6.call_soon_exercise, call_soon)
    assert result.status == INCORRECT and "grows with the queue" in result.message


def test_call_soon_in_the_wrong_order_is_caught() -> None:
    def call_soon(self, callback, *args, context=None):
        handle = Handle(callback, args, self, context)
        self._ready.appendleft(handle)
        return handle

    result = _run(ch6.call_soon_exercise, call_soon)
    assert result.status == INCORRECT and result.case_number == 1
    assert "[0, 1, 2, 3, 4, 'a', 'b']" in result.message


def test_call_soon_that_drops_the_context_is_caught() -> None:
    def call_soon(self, callback, *args, context=None):
        if self._closed:
            raise RuntimeError("Event loop is closed")
        handle = Handle(callback, args, self, None)
        self._ready.append(handle)
        return handle

    result = _run(ch6.call_soon_exercise, call_soon)
    assert result.status == INCORRECT and "context" in result.case


def test_call_soon_that_returns_nothing_is_caught() -> None:
    def call_soon(self, callback, *args, context=None):
        if self._closed:
            raise RuntimeError("Event loop is closed")
        self._ready.append(Handle(callback, args, self, context))

    result = _run(ch6.call_soon_exercise, call_soon)
    assert result.status == INCORRECT and result.case_number == 2
    assert "must return the Handle" in result.message


def test_call_soon_without_closed_check_is_caught() -> None:
    def call_soon(self, callback, *args, context=None):
        handle = Handle(callback, args, self, context)
        self._ready.append(handle)
        return handle

    result = _run(ch6.call_soon_exercise, call_soon)
    assert result.status == INCORRECT and "closed" in result.case


# -- Exercise 2: call_at ---------------------------------------------------------------


def test_call_at_reference_passes() -> None:
    result = _run(ch6.call_at_exercise, ch6.call_at)
    assert result.status == CORRECT, result


def test_sorted_call_at_is_caught_by_the_heap_case() -> None:
    result = _run(ch6.call_at_exercise, ch6.sorted_call_at)
    assert result.status == INCORRECT
    assert result.case.startswith("its cost grows like log n")
    assert "grows with the number of timers" in result.message and "heappush" in result.message


def test_call_at_with_insert_is_caught() -> None:
    import bisect

    def call_at(self, when, callback, *args, context=None):
        timer = TimerHandle(when, callback, args, self, context)
        entry = (when, self._timer_seq(), timer)
        self._scheduled.insert(bisect.bisect(self._scheduled, entry), entry)
        timer._scheduled = True
        return timer

    result = _run(ch6.call_at_exercise, call_at)
    assert result.status == INCORRECT and "grows with the number of timers" in result.message


def test_call_at_without_sequence_numbers_is_caught() -> None:
    def call_at(self, when, callback, *args, context=None):
        if self._closed:
            raise RuntimeError("Event loop is closed")
        timer = TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, (when, -self._timer_seq(), timer))  # ties reversed
        timer._scheduled = True
        return timer

    result = _run(ch6.call_at_exercise, call_at)
    assert result.status == INCORRECT and result.case_number == 1
    assert "seq" in result.message


def test_call_at_that_forgets_scheduled_flag_is_caught() -> None:
    def call_at(self, when, callback, *args, context=None):
        timer = TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
        return timer

    result = _run(ch6.call_at_exercise, call_at)
    assert result.status == INCORRECT and "_scheduled = True" in result.message


def test_call_at_that_returns_nothing_is_caught_by_the_handle_case() -> None:
    """Not by an AttributeError in the deadline case: the checker's sleep never
    touches the timer call_at returned."""

    def call_at(self, when, callback, *args, context=None):
        if self._closed:
            raise RuntimeError("Event loop is closed")
        timer = TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
        timer._scheduled = True

    result = _run(ch6.call_at_exercise, call_at)
    assert result.status == INCORRECT and result.case_number == 2
    assert "call_at returned None, not a TimerHandle" in result.message


def test_call_at_without_closed_check_is_caught() -> None:
    def call_at(self, when, callback, *args, context=None):
        timer = TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
        timer._scheduled = True
        return timer

    result = _run(ch6.call_at_exercise, call_at)
    assert result.status == INCORRECT and "closed" in result.case
    assert "must raise RuntimeError" in result.message
    assert len(result.passed_cases) == 3


def test_counting_deque_still_behaves_like_a_deque() -> None:
    spy = ch6._CountingDeque([1, 2])
    spy.touched = 0
    spy.append(3)
    assert spy.touched == 1
    assert list(spy) == [1, 2, 3] and spy.popleft() == 1
    assert spy.touched == 4  # the append, then three elements walked
    spy.extend((4,))
    spy += [5]
    assert spy.touched == 6 and list(collections.deque.__iter__(spy)) == [2, 3, 4, 5]
    assert isinstance(spy, collections.deque)


def test_counting_deque_counts_what_a_deque_really_walks() -> None:
    """insert at either end is O(1) in CPython (an append); reverse() walks everything."""
    spy = ch6._filled_deque(100)
    spy.insert(len(spy), "end")
    spy.insert(0, "front")
    assert spy.touched == 2
    spy.insert(50, "middle")
    assert spy.touched > 40
    spy.touched = 0
    spy.reverse()
    assert spy.touched == len(spy)


# A learner who asks for .solution() and pastes it into the notebook's stub cell: the
# source must run with only the names chapter 6's setup cell imported.
NOTEBOOK_SETUP = """
import heapq, math
from toyloop.ch2_futures import Handle, TimerHandle
from toyloop.ch5_asyncio import EventLoop
"""


def test_shown_solutions_pasted_into_the_notebook_pass() -> None:
    for exercise in (ch6.call_soon_exercise, ch6.call_at_exercise):
        namespace: dict = {}
        exec(NOTEBOOK_SETUP, namespace)
        exec(compile(exercise.solution_source(), "<pasted>", "exec"), namespace)
        pasted = namespace[exercise.reference.__name__]
        assert pasted is not exercise.reference
        result = exercise.run(pasted)
        assert result.status == CORRECT, str(result)


def test_hints_and_solution_render() -> None:
    for exercise in (ch6.call_soon_exercise, ch6.call_at_exercise):
        assert len(exercise.hints) == 2
        assert "def " in exercise.solution_source()
