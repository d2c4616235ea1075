"""The exercise checker: its three verdicts, its time limits, its loop guard, its reports."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import time

import pytest

import toyloop
from toyloop.ch2_futures import BaseLoop
from toyloop.ch3_selectors import SelectorLoop
from toyloop.tools import checker
from toyloop.tools.checker import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    TIMED_OUT,
    CaseTimeout,
    Exercise,
    LoopStuck,
    call_with_timeout,
    render_text,
    run_in_loop,
)


def case_doubles_two(fn):
    """doubles 2"""
    got = fn(2)
    assert got == 4, f"double(2) should be 4, got {got!r}"


def case_doubles_minus_one(fn):
    """doubles -1"""
    got = fn(-1)
    assert got == -2, f"double(-1) should be -2, got {got!r}"


def double(x):
    return x * 2


def make_exercise(**kwargs):
    kwargs.setdefault("hint", ["Multiply.", "Use the * operator with 2."])
    kwargs.setdefault("solution", double)
    kwargs.setdefault("timeout", 0.3)
    return Exercise("double", [case_doubles_two, case_doubles_minus_one], **kwargs)


# -- the three verdicts ---------------------------------------------------------------------


def test_reference_solution_is_correct():
    result = make_exercise().run(double)
    assert result.status == CORRECT
    assert result
    assert result.passed_cases == ["doubles 2", "doubles -1"]


def test_wrong_answer_names_the_failing_case_and_its_message():
    result = make_exercise().run(lambda x: x + 2)  # right for 2, wrong for -1
    assert not result
    assert result.status == INCORRECT
    assert (result.case_number, result.n_cases) == (2, 2)
    assert result.case == "doubles -1"
    assert result.message.startswith("double(-1) should be -2, got 1")
    assert result.passed_cases == ["doubles 2"]


def test_stub_is_not_attempted_yet():
    def stub(x):
        raise NotImplementedError

    result = make_exercise().run(stub)
    assert result.status == NOT_ATTEMPTED
    assert "still raises NotImplementedError" in str(result)


def test_other_exceptions_are_reported_with_type_and_line():
    def broken(x):
        return x * undefined_name  # noqa: F821

    result = make_exercise().run(broken)
    assert result.status == INCORRECT
    assert "NameError" in result.message
    assert "undefined_name" in result.message
    assert "in broken, line" in result.message


def test_case_without_docstring_is_named_after_the_function():
    def case_returns_an_int(fn):
        assert isinstance(fn(1), int), "should return an int"

    result = Exercise("x", [case_returns_an_int]).run(lambda x: "1")
    assert result.case == "returns an int"


def test_exercise_needs_cases():
    with pytest.raises(ValueError, match="at least one case"):
        Exercise("empty", [])


# -- never hangs ----------------------------------------------------------------------------


def test_infinite_loop_times_out():
    def spin(x):
        while True:
            pass

    start = time.monotonic()
    result = make_exercise().run(spin)
    assert time.monotonic() - start < 3
    assert result.status == TIMED_OUT
    assert not result
    assert "did not finish within 0.3 seconds" in result.message
    assert "a loop that never ends" in result.message


def test_blocking_sleep_times_out():
    result = make_exercise().run(lambda x: time.sleep(60))
    assert result.status == TIMED_OUT


def test_catching_the_timeout_once_does_not_help():
    def stubborn(x):
        try:
            while True:
                pass
        except BaseException:
            while True:  # a "cleanup" that hangs too: the alarm fires again
                pass

    start = time.monotonic()
    result = make_exercise().run(stubborn)
    assert result.status == TIMED_OUT
    assert time.monotonic() - start < 5


def test_alarm_restores_previous_handler_and_timer():
    seen = []

    def previous(signum, frame):
        seen.append(signum)

    old = signal.signal(signal.SIGALRM, previous)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        make_exercise().run(double)
        assert signal.getsignal(signal.SIGALRM) is previous
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 30
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_no_alarm_left_behind_after_a_timeout():
    # pytest-timeout may have its own SIGALRM timer running: it must get it back.
    handler_before = signal.getsignal(signal.SIGALRM)
    timer_before, _ = signal.getitimer(signal.ITIMER_REAL)
    make_exercise().run(lambda x: time.sleep(60))
    assert signal.getsignal(signal.SIGALRM) is handler_before
    timer_after, interval_after = signal.getitimer(signal.ITIMER_REAL)
    assert interval_after == 0.0  # our repeating alarm is gone
    assert timer_after <= timer_before
    if not timer_before:
        assert timer_after == 0.0


def test_off_the_main_thread_a_daemon_thread_bounds_the_case():
    results = []
    gate = threading.Event()

    def body():
        results.append(make_exercise().run(lambda x: gate.wait(30)))
        results.append(make_exercise().run(double))

    worker = threading.Thread(target=body)
    worker.start()
    worker.join(10)
    gate.set()  # release the abandoned case thread
    assert not worker.is_alive()
    assert [r.status for r in results] == [TIMED_OUT, CORRECT]


def test_call_with_timeout_returns_the_value_and_raises_errors():
    assert call_with_timeout(lambda a: a + 1, 1.0, 41) == 42
    with pytest.raises(ZeroDivisionError):
        call_with_timeout(lambda: 1 / 0, 1.0)
    with pytest.raises(CaseTimeout):
        call_with_timeout(time.sleep, 0.1, 5)


# -- loop-based cases: idle and spinning loops ------------------------------------------------


def test_run_in_loop_returns_the_result_on_virtual_time():
    async def main():
        loop = asyncio.get_running_loop()
        await toyloop.sleep(3600)
        return loop.time()

    assert run_in_loop(main) == 3600


def test_a_missed_wake_up_is_reported_as_idle():
    async def main():
        loop = asyncio.get_running_loop()
        await loop.create_future()  # nobody will ever set it

    with pytest.raises(AssertionError, match="the loop went idle") as info:
        run_in_loop(main)
    assert "did you forget to wake the task" in str(info.value).lower()


def test_a_missed_wake_up_is_idle_on_a_selector_loop_too():
    async def main():
        await asyncio.get_running_loop().create_future()

    with pytest.raises(AssertionError, match="the loop went idle"):
        run_in_loop(main, loop_factory=SelectorLoop)


def test_a_busy_wait_is_reported_as_spinning():
    async def main():
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 1
        while loop.time() < deadline:  # virtual time never moves while we spin
            await toyloop.sleep(0)

    with pytest.raises(AssertionError, match="ran 500 iterations without finishing") as info:
        run_in_loop(main, max_iterations=500)
    assert "busy-waits" in str(info.value)


def test_loop_stuck_is_not_swallowed_by_the_instrument_registry():
    loop = BaseLoop(clock=toyloop.VirtualClock())
    loop.add_instrument(checker.IterationLimit(loop, max_iterations=3))

    def again():
        loop.call_soon(again)

    loop.call_soon(again)
    with pytest.raises(LoopStuck):
        loop.run_forever()
    loop.close()


def test_errors_the_loop_would_log_become_failures():
    async def main():
        loop = asyncio.get_running_loop()
        loop.call_soon(lambda: 1 / 0)
        await toyloop.sleep(0)
        await toyloop.sleep(0)

    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        run_in_loop(main)
    errors = []
    run_in_loop(main, errors=errors)
    assert len(errors) == 1 and isinstance(errors[0]["exception"], ZeroDivisionError)


def test_leftover_tasks_are_cancelled_quietly(caplog):
    async def forever():
        await toyloop.sleep(10**6)

    async def main():
        loop = asyncio.get_running_loop()
        main.task = loop.create_task(forever())
        return "done"

    assert run_in_loop(main) == "done"
    assert main.task.cancelled()
    assert "destroyed but it is pending" not in caplog.text


def test_exercise_reports_a_stuck_loop_with_its_message():
    def case_runs(fn):
        """runs the coroutine"""
        run_in_loop(fn)

    async def never_woken():
        await asyncio.get_running_loop().create_future()

    result = Exercise("wake", [case_runs], timeout=2).run(never_woken)
    assert result.status == INCORRECT
    assert "the loop went idle" in result.message


# -- reports --------------------------------------------------------------------------------


def test_report_is_deterministic_and_fixed_width():
    result = make_exercise().run(lambda x: x + 2)
    first, second = render_text(result), render_text(make_exercise().run(lambda x: x + 2))
    assert first == second
    lines = first.splitlines()
    assert lines[0].startswith("╭─ ✗ double: incorrect")
    assert all(len(line) == checker.WIDTH for line in lines)
    assert "Case 2 of 2: doubles -1" in first


def test_check_prints_the_report_and_returns_the_result(capsys):
    result = make_exercise().check(double)
    out = capsys.readouterr().out
    assert result.passed
    assert "✓ double: correct" in out
    assert "Passed all 2 cases" in out


def test_check_result_does_not_display_twice_in_jupyter(capsys):
    # IPython calls _ipython_display_ instead of showing a repr: check() already printed.
    result = make_exercise().check(double)
    assert "✓ double: correct" in capsys.readouterr().out
    assert result._ipython_display_() is None
    assert capsys.readouterr().out == ""  # shown once, by check(), and not again


def test_hints_come_one_at_a_time(capsys):
    ex = make_exercise()
    ex.hint()
    first = capsys.readouterr().out
    ex.hint()
    second = capsys.readouterr().out
    ex.hint()
    third = capsys.readouterr().out
    assert "Multiply." in first and "hint 1 of 2" in first
    assert "Use the * operator" in second and "hint 2 of 2" in second
    assert third == second


def test_solution_shows_the_reference_source_only_when_asked(capsys):
    ex = make_exercise()
    ex.run(lambda x: x + 2)
    ex.check(lambda x: x + 2)
    assert "return x * 2" not in capsys.readouterr().out
    ex.solution()
    assert "return x * 2" in capsys.readouterr().out
    assert ex.solution_source() == "def double(x):\n    return x * 2"


def test_not_implemented_inside_toyloop_is_a_wrong_answer_not_a_stub():
    # A NotImplementedError raised by toyloop itself (a feature it leaves out) is not the
    # learner's untouched stub: report it as incorrect, naming what was not implemented.
    namespace = {}
    fake_module = checker._PACKAGE_DIR + "ch9_fake.py"
    exec(compile("def missing_feature():\n    raise NotImplementedError('no TLS here')\n",
                 fake_module, "exec"), namespace)

    def uses_missing_feature(x):
        return namespace["missing_feature"]()

    result = make_exercise().run(uses_missing_feature)
    assert result.status == INCORRECT
    assert "toyloop does not implement" in result.message
    assert "no TLS here" in result.message


def test_leftover_tasks_can_ask_for_their_loop_while_unwinding():
    loops, cleaned = [], []

    async def background():
        try:
            await toyloop.sleep(10**6)
        finally:
            cleaned.append(asyncio.get_running_loop())  # raises if there is none

    async def main():
        loops.append(asyncio.get_running_loop())
        loops[0].create_task(background())
        await toyloop.sleep(0)
        return "done"

    assert run_in_loop(main) == "done"
    assert len(cleaned) == 1 and cleaned[0] is loops[0]


def test_a_leftover_task_that_spins_when_cancelled_fails_the_case() -> None:
    """The case itself returns at once; the task it leaves behind would swallow the
    cleanup's cancel with a bare except and spin.  The case fails (today the leak check
    names the pending task first; were it exempt, the cleanup's CaseTimeout now reaches
    the report instead of being ignored)."""
    async def leaves_a_spinner():
        async def spinner():
            while True:
                try:
                    await asyncio.sleep(3600)
                except BaseException:  # the learner's bare except
                    while True:
                        pass

        asyncio.get_running_loop().create_task(spinner())
        await asyncio.sleep(0)
        return "done"

    def case(candidate):
        """the answer finishes"""
        assert checker.run_in_loop(candidate) == "done"

    exercise = checker.Exercise("leftover spinner", cases=[case], timeout=1.0)
    result = exercise.run(leaves_a_spinner)
    assert result.status != checker.CORRECT, str(result)


def _stubborn_coroutine():
    """A started coroutine-like generator whose bare except swallows GeneratorExit:
    tearing it down makes Python report an unraisable RuntimeError."""
    import types

    @types.coroutine
    def stubborn():
        while True:
            try:
                yield
            except BaseException:  # noqa: BLE001 - the learner's mistake, on purpose
                pass

    coro = stubborn()
    coro.send(None)
    return coro


def test_a_failing_case_keeps_its_after_effects_out_of_the_notebook(monkeypatch):
    """What a stopped wrong answer prints while it is torn down is dropped: the report
    already names the mistake.  A passing case's after-effects still reach the hook."""
    from toyloop.tools.checker import Exercise

    reported: list = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def failing_case(candidate):
        held = _stubborn_coroutine()  # noqa: F841 - torn down as the case unwinds
        raise AssertionError("wrong on purpose")

    def passing_case(candidate):
        held = _stubborn_coroutine()
        del held

    assert Exercise("after-effects", cases=[failing_case]).run(None).status == INCORRECT
    assert reported == []
    assert Exercise("after-effects", cases=[passing_case]).run(None).status == CORRECT
    assert [type(u.exc_value) for u in reported] == [RuntimeError]


def test_time_the_host_took_the_cpu_away_is_not_blocking(monkeypatch):
    """A CI runner is a virtual machine: the host can stop the CPU the loop runs on,
    and the guest counts that as the loop's own time. The watchdog forgives what the
    host's steal counter says was taken, so a stalled but innocent callback passes."""
    from toyloop.tools import watchdog

    async def main():
        time.sleep(0.8)  # stands for a callback that the host froze for 0.8 s
        return "done"

    with pytest.raises(watchdog.LoopBlocked, match="blocked the loop"):
        run_in_loop(main)
    monkeypatch.setattr(watchdog, "_steal", lambda: [time.monotonic(), 0.0])
    assert run_in_loop(main) == "done"


def test_steal_is_read_per_cpu_from_proc_stat():
    from toyloop.tools import watchdog

    before = watchdog._steal()
    if not before:
        pytest.skip("no /proc/stat here")
    assert all(value >= 0 for value in before)
    assert watchdog._stolen([1.0, 2.0], [1.5, 2.1]) == pytest.approx(0.5)
    assert watchdog._stolen([], []) == 0.0


def test_a_learner_thread_is_quiet_about_the_checkers_teardown(monkeypatch):
    """A thread that waits for a child and then reports to the loop can finish after the
    checker closed the case's loop: 'Event loop is closed' (or ChildProcessError) from a
    thread the case started is the checker's doing and is not printed under a passing
    report; any other error of the thread, and any thread the case did not start, still
    reaches the usual hook."""
    from toyloop.tools import checker as checker_module

    printed: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: printed.append(args.exc_value))
    monkeypatch.setattr(checker_module, "_previous_thread_hook", None)

    def raising(exc: BaseException):
        def body() -> None:
            raise exc
        return body

    def case_starts_threads(fn):
        """starts threads that fail as the loop is torn down"""
        for exc in (RuntimeError("Event loop is closed"), ChildProcessError(10, "No child"),
                    ValueError("a real bug")):
            thread = threading.Thread(target=raising(exc), daemon=True)
            thread.start()
            thread.join(5)
        assert fn(2) == 4

    result = Exercise("threads", cases=[case_starts_threads], solution=double).run(double)
    assert result.status == CORRECT, str(result)
    assert [type(exc) for exc in printed] == [ValueError]
    outside = threading.Thread(target=raising(RuntimeError("Event loop is closed")))
    outside.start()
    outside.join(5)
    assert [type(exc) for exc in printed] == [ValueError, RuntimeError]
