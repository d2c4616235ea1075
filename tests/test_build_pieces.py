"""The build mechanism: pieces plugged into loops, AssembledLoop, saving, showcases.

* ``AssembledLoop`` is made by the same mechanism as a learner's loop, from the
  reference pieces only, and runs every chapter's showcase;
* a deliberately wrong piece really changes what the loop does (so the
  mechanism uses the piece it is given);
* each build exercise accepts toyloop's own code (its reference) and rejects
  a missing method with a message;
* a piece written in an IPython cell is saved with its imports, loaded back
  in a fresh namespace, and becomes "yours" in your loop; resetting forgets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import linecache
import os
import textwrap
from pathlib import Path

import pytest

import toyloop.ch2_futures
from toyloop.ch2_futures import BaseLoop, Future, Task
from toyloop.exercises import mine
from toyloop.exercises.build import AssembledLoop, AssembledScheduler, exercise, loop_with
from toyloop.exercises.pieces import PIECES, assemble, describe, which_are
from toyloop.exercises.showcase import (
    run_showcase,
    showcase_ch2,
    showcase_ch3,
    showcase_ch4,
    showcase_ch5,
)
from toyloop.scenarios import compare, load_all, record

load_all()

DRAINING_RUN_ONCE = '''
class BaseLoop:
    def _run_once(self):
        timeout = 0 if self._ready or self._stopping else (
            max(0, self._scheduled[0][0] - self.time()) if self._scheduled else None)
        self._process_events(self._select(timeout))
        while self._scheduled and self._scheduled[0][0] <= self.time():
            self._ready.append(heapq.heappop(self._scheduled)[2])
        while self._ready:  # wrong: also runs what these callbacks schedule
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
'''

INLINE_FUTURE = '''
class Future:
    def _schedule_callbacks(self):
        callbacks, self._callbacks = self._callbacks, []
        for fn, ctx in callbacks:
            ctx.run(fn, self)  # wrong: inline, not through call_soon
'''

DROPPING_WRITE = '''
class _SelectorSocketTransport:
    def write(self, data):
        try:
            self._sock.send(data)
        except (BlockingIOError, OSError):
            pass  # wrong: what the kernel does not take is lost, errors too
        self.close()  # wrong: one write per connection

    def _write_ready(self):
        self._loop._remove_writer(self._sock_fd)
'''


def piece_from(name: str, source: str) -> type:
    """The class ``source`` defines, run like a notebook cell (its source in linecache)."""
    namespace = dict(vars(__import__(PIECES[name].home.partition(":")[0], fromlist=["x"])))
    filename = f"<test {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace["__name__"] = "cell"
    exec(compile(source, filename, "exec"), namespace)
    return next(v for k, v in namespace.items()
                if isinstance(v, type) and v.__module__ == "cell" and not k.startswith("_") or
                k == PIECES[name].shell and isinstance(v, type) and v.__module__ == "cell")


# ---------------------------------------------------------------------------
# AssembledLoop: the reference pieces, plugged in like a learner's
# ---------------------------------------------------------------------------


def test_assembled_loop_plugs_every_piece_as_a_copy_of_the_reference() -> None:
    assert set(which_are(AssembledLoop, "reference")) == {
        n for n, p in PIECES.items() if p.target != "scheduler"}
    # Plugged in, not inherited: a new function object running toyloop's own code.
    assert "_run_once" in vars(AssembledLoop)
    assert AssembledLoop._run_once is not BaseLoop._run_once
    assert AssembledLoop._run_once.__code__ is BaseLoop._run_once.__code__
    task_cls = AssembledLoop._task_class
    assert "_Task__step" in vars(task_cls) and "result" in vars(AssembledLoop._future_class)
    assert issubclass(task_cls, AssembledLoop._future_class)  # Task over *this* Future
    assert issubclass(task_cls, Task) and issubclass(task_cls, Future)
    assert "Task.__step: reference" in describe(AssembledLoop)
    assert vars(AssembledScheduler)["_run_once"].__code__ is \
        PIECES["ch1.Scheduler._run_once"].reference()["_run_once"].__code__


def test_assembled_loop_works_with_asyncio_runner() -> None:
    async def main() -> tuple:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        loop.call_later(0.01, fut.set_result, "ok")
        task = asyncio.create_task(asyncio.sleep(0.01, "slept"))
        return type(loop).__name__, type(task).__mro__[1] is not object, await fut, await task

    with asyncio.Runner(loop_factory=AssembledLoop) as runner:
        name, _, got, slept = runner.run(main())
    assert (name, got, slept) == ("AssembledLoop", "ok", "slept")


@pytest.mark.parametrize("scenario", sorted(load_all()))
def test_every_scenario_gives_asyncios_log_on_assembled_loop(scenario: str) -> None:
    if "ch1.Scheduler._run_once" in load_all()[scenario].tags and \
            "ch2.BaseLoop._run_once" not in load_all()[scenario].tags:
        pytest.skip("chapter 1 only")
    assert compare(scenario, AssembledLoop) is None


def test_chapter_1_scenarios_on_assembled_scheduler() -> None:
    names = [n for n, s in load_all().items() if "ch1.Scheduler._run_once" in s.tags]
    assert len(names) >= 5
    for name in names:
        assert compare(name, AssembledScheduler) is None, name


def test_showcase_ch2_on_assembled_loop_is_traced() -> None:
    result, tracer = showcase_ch2(AssembledLoop)
    assert result == ["c1 got data", "c2 got data"]
    assert tracer.iterations, "the tracer saw no iteration of the assembled loop"
    assert "Future.set_result()" in tracer.text(compact=True)


def test_showcase_ch3_on_assembled_loop_serves_1000_clients() -> None:
    assert showcase_ch3(AssembledLoop, 1000)["echoed correctly"] == 1000


def test_showcase_ch4_on_assembled_loop() -> None:
    out = showcase_ch4(AssembledLoop)
    assert out["ticks"] == [0, 1, 2]
    assert out["the thread saw the timer's event"] is True
    assert out["sums"] == [sum(range(n * 1000)) for n in range(1, 6)]


def test_showcase_ch5_on_assembled_loop_runs_streams_and_websockets() -> None:
    pytest.importorskip("websockets")
    out = showcase_ch5(AssembledLoop)
    assert out["streams echo"] == [b"HELLO\n", b"EVENT LOOP\n", (60001, b"XXX"), b"", 6]
    assert out["websockets"] == [(11, "echo: hello"), (100006, "echo: xxxxxx"),
                                 ("closed with code", 1000)]


# ---------------------------------------------------------------------------
# The mechanism really uses the piece it is given
# ---------------------------------------------------------------------------


def test_a_wrong_run_once_makes_the_loop_misbehave() -> None:
    wrong = loop_with("ch2.BaseLoop._run_once",
                      piece_from("ch2.BaseLoop._run_once", DRAINING_RUN_ONCE))
    assert describe(wrong).startswith("Future: toyloop's; Task.__step: toyloop's; "
                                      "_run_once: yours")
    from toyloop.scenarios import ScenarioStuck

    with pytest.raises(ScenarioStuck) as stuck:  # its second run_forever finds nothing to run
        record("callback_added_during_iteration_waits", wrong(), guard=True)
    log = stuck.value.partial_log  # type: ignore[attr-defined]
    assert log == ["first", "second", "run_forever returned"]  # asyncio: first, returned, second
    assert compare("callback_added_during_iteration_waits", AssembledLoop) is None


def test_a_wrong_future_makes_the_loop_misbehave() -> None:
    # methods_of needs every required method: give toyloop's, then override one.
    future_methods = dict(PIECES["ch2.Future"].reference())
    future_methods["_schedule_callbacks"] = vars(piece_from("ch2.Future", INLINE_FUTURE))[
        "_schedule_callbacks"]
    wrong = assemble({"ch2.Future": future_methods})
    problem = compare("done_callbacks_go_through_call_soon", wrong, piece="Future")
    assert problem and "call_soon" in problem
    loop = wrong()
    try:
        assert type(loop.create_future()).__dict__["_schedule_callbacks"].__code__ is \
            future_methods["_schedule_callbacks"].__code__
    finally:
        loop.close()


def test_a_wrong_transport_write_breaks_the_streams_program() -> None:
    wrong = loop_with("ch5._SelectorSocketTransport.write",
                      piece_from("ch5._SelectorSocketTransport.write", DROPPING_WRITE))
    from toyloop.tools.checker import call_with_timeout

    try:
        out = call_with_timeout(lambda: showcase_ch5(wrong, websockets=False), 20)
    except Exception:  # noqa: BLE001 - failing is one way to misbehave
        return
    assert out["streams echo"] != showcase_ch5(AssembledLoop, websockets=False)["streams echo"]


# ---------------------------------------------------------------------------
# Exercises accept the reference, and say what a piece lacks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PIECES))
def test_reference_solution_passes_its_build_exercise(name: str) -> None:
    result = exercise(name).run(PIECES[name].reference())
    assert result.passed, str(result)
    assert len(exercise(name).scenarios) >= 3


def test_a_piece_without_its_methods_is_told_what_is_missing() -> None:
    class Task:
        def __step(self, exc=None):  # no __wakeup
            pass

    result = exercise("ch2.Task.__step").run(Task)
    assert not result.passed
    assert "__wakeup" in str(result)



def test_a_piece_may_be_written_in_a_class_of_any_name() -> None:
    """``class MyTask:`` works: its ``_MyTask__step`` is plugged in as ``_Task__step`` too."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "corpus_build"))
    try:
        import ch2_Task___step as corpus
    finally:
        sys.path.pop(0)
    my_task = piece_from("ch2.Task.__step", corpus.BASE.replace("class Task:", "class MyTask:"))
    assert my_task.__name__ == "MyTask" and "_MyTask__step" in vars(my_task)
    assert exercise("ch2.Task.__step").run(my_task).passed


def test_private_attributes_in_a_class_of_any_name_are_toyloops() -> None:
    """Inside ``class MyFuture:`` Python reads ``self.__log_traceback`` as
    ``_MyFuture__log_traceback``; plugged in, it is toyloop's ``_Future__log_traceback``,
    so a learner can write the flag as asyncio does (and the scenario's advice works)."""
    source = inspect.getsource(toyloop.ch2_futures.Future)
    methods = ["result", "exception", "add_done_callback", "set_result", "set_exception",
               "__await__", "_schedule_callbacks"]
    body = "\n".join(textwrap.indent(textwrap.dedent(inspect.getsource(
        getattr(toyloop.ch2_futures.Future, m))), "    ") for m in methods)
    assert "self.__log_traceback = True" in source and "self.__log_traceback" in body
    namespace = dict(vars(toyloop.ch2_futures))
    exec(compile("class MyFuture:\n" + body, "<learner>", "exec"), namespace)
    assert exercise("ch2.Future").run(namespace["MyFuture"]).passed


def test_an_untouched_stub_is_not_attempted_and_not_saved(tmp_path: Path) -> None:
    class BaseLoop:
        def _run_once(self):
            raise NotImplementedError  # your code here

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = exercise("ch2.BaseLoop._run_once").check(BaseLoop)
    assert result.status == "not attempted"
    assert not mine.saved_pieces()


# ---------------------------------------------------------------------------
# Saving: from a notebook cell to mine/, and back into your loop
# ---------------------------------------------------------------------------


CELL = '''
import heapq as hq
from collections import deque

class BaseLoop:
    def _run_once(self):
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = max(0, self._scheduled[0][0] - self.time())
        else:
            timeout = None
        self._process_events(self._select(timeout))
        end = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0][0] < end:
            timer = hq.heappop(self._scheduled)[2]
            timer._scheduled = False
            self._ready.append(timer)
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
'''


@pytest.fixture
def ipython_cell():
    shell_module = pytest.importorskip("IPython.core.interactiveshell")
    shell = shell_module.InteractiveShell.instance()
    try:
        yield shell
    finally:
        shell_module.InteractiveShell.clear_instance()


def test_a_piece_from_an_ipython_cell_is_saved_loaded_and_used(ipython_cell) -> None:
    assert Path(os.environ["TOYLOOP_MINE"]).name.startswith("mine")  # tests' own folder
    ipython_cell.run_cell(CELL)
    candidate = ipython_cell.user_ns["BaseLoop"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert exercise("ch2.BaseLoop._run_once").check(candidate)
    assert "Saved as your _run_once" in out.getvalue()
    saved = Path(os.environ["TOYLOOP_MINE"]) / "ch2.BaseLoop._run_once.py"
    text = saved.read_text()
    assert "import heapq as hq" in text and "def _run_once(self):" in text
    assert "from collections import deque" not in text  # only what the method uses
    loaded = mine.load_piece("ch2.BaseLoop._run_once")
    assert loaded.__dict__["_run_once"].__code__.co_filename == str(saved)
    assert exercise("ch2.BaseLoop._run_once").run(loaded).passed
    yours = mine.your_loop_class()
    assert which_are(yours) == ["ch2.BaseLoop._run_once"]
    assert "_run_once: yours; _process_events: toyloop's" in describe(yours)
    with asyncio.Runner(loop_factory=mine.your_loop) as runner:
        assert runner.run(asyncio.sleep(0.01, "ran on your loop")) == "ran on your loop"
    mine.reset_mine()
    assert not saved.exists()
    assert which_are(mine.your_loop_class()) == []


def test_a_saved_piece_that_breaks_a_showcase_is_named(tmp_path: Path) -> None:
    mine.save_piece("ch5._SelectorSocketTransport.write",
                    piece_from("ch5._SelectorSocketTransport.write", DROPPING_WRITE))
    mine.save_piece("ch2.BaseLoop._run_once", PIECES["ch2.BaseLoop._run_once"].reference())
    import toyloop.exercises.showcase as showcase

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.MonkeyPatch.context() as mp:
        mp.setattr(showcase, "TIME_LIMIT", 10.0)
        assert run_showcase(5) is None
    text = out.getvalue()
    assert "transport write path: yours" in text and "_run_once: yours" in text
    assert "The chapter 5 showcase failed on your loop" in text
    assert "Your transport write path (ch5._SelectorSocketTransport.write) breaks it" in text
    assert "toyloop.exercises.forget('ch5._SelectorSocketTransport.write')" in text
    assert mine.forget("ch5._SelectorSocketTransport.write")
    with contextlib.redirect_stdout(io.StringIO()):
        assert run_showcase(5)["streams echo"][0] == b"HELLO\n"


def test_a_learner_who_writes_every_piece_runs_chapter_5_on_their_own_loop() -> None:
    """Every build exercise answered with the reference: all saved, all "yours", and
    the chapter 5 programs (streams echo server, websockets) run on that loop."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for name in PIECES:
            assert exercise(name).check(PIECES[name].reference()), name
    assert sorted(mine.saved_pieces()) == sorted(PIECES)
    yours = mine.your_loop_class()
    assert sorted(which_are(yours)) == sorted(n for n, p in PIECES.items()
                                              if p.target != "scheduler")
    assert "toyloop's" not in describe(yours)
    assert "yours" in describe(mine.your_scheduler())
    with contextlib.redirect_stdout(out):
        result = run_showcase(5)
    assert result is not None, out.getvalue()
    assert result["streams echo"] == [b"HELLO\n", b"EVENT LOOP\n", (60001, b"XXX"), b"", 6]
    assert result["websockets"][-1] == ("closed with code", 1000)
    assert "Your loop: Future: yours; Task.__step: yours; _run_once: yours" in out.getvalue()
    for chapter in (2, 3, 4):
        with contextlib.redirect_stdout(io.StringIO()):
            assert run_showcase(chapter) is not None, chapter


def test_the_tracer_sees_a_learners_run_once() -> None:
    """The tools observe the loop object, not toyloop's _run_once: a learner's
    _run_once is traced like toyloop's (instance-level instruments, toyloop/observe.py)."""
    from toyloop.exercises.showcase import two_consumers
    from toyloop.tools.tracer import run_traced

    mine_loop = loop_with("ch2.BaseLoop._run_once", piece_from("ch2.BaseLoop._run_once", CELL))
    result, tracer = run_traced(two_consumers, loop_factory=mine_loop)
    _, reference = run_traced(two_consumers)
    assert result == ["c1 got data", "c2 got data"]
    assert tracer.iterations, "the tracer saw nothing of a loop with a learner's _run_once"
    assert len(tracer.iterations) == len(reference.iterations)
    assert tracer.text(compact=True) == reference.text(compact=True)


@pytest.mark.parametrize("corpus_file", ["ch2_Future", "ch2_Task___step"])
def test_the_tracer_sees_a_learners_future_and_task(corpus_file: str) -> None:
    """Task steps and future completions written by a learner are traced as toyloop's."""
    import importlib
    import sys

    from toyloop.exercises.showcase import two_consumers
    from toyloop.tools.tracer import run_traced

    sys.path.insert(0, str(Path(__file__).parent / "corpus_build"))
    try:
        corpus = importlib.import_module(corpus_file)
    finally:
        sys.path.pop(0)
    learner_loop = loop_with(corpus.PIECE, piece_from(corpus.PIECE, corpus.BASE))
    _, tracer = run_traced(two_consumers, loop_factory=learner_loop)
    _, reference = run_traced(two_consumers)
    assert tracer.text(compact=True) == reference.text(compact=True)
