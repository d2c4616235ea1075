"""Chapter 7 exercise checkers: the references pass, the notebook's stubs are "not attempted".

The wrong answers (at least 15 per exercise) and more correct variants live in
``tests/corpus/lines_exercise.py``, ``starttls_exercise.py``,
``tls_engine_exercise.py`` and ``watch_exercise.py``; ``tests/test_corpus.py`` runs them
through these checkers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.corpus import load
from toyloop.ch7_tls import MiniTLSProtocol
from toyloop.ch7_unix import EventLoop
from toyloop.exercises import ch7
from toyloop.tools.checker import CORRECT, NOT_ATTEMPTED

pytest.importorskip("trustme")


@pytest.mark.parametrize(("exercise", "solution"), [
    (ch7.lines_exercise, ch7.read_lines),
    (ch7.starttls_exercise, ch7.starttls_client),
    (ch7.tls_engine_exercise, ch7.SolutionTLSProtocol),
    (ch7.watch_exercise, ch7.SolutionWatchLoop),
])
def test_reference_solutions_pass(exercise, solution):
    result = exercise.run(solution)
    assert result.status == CORRECT, result.message
    assert len(result.passed_cases) == len(exercise.cases)


async def _lines_stub(argv, timeout):
    raise NotImplementedError


async def _starttls_stub(port, context):
    raise NotImplementedError


class _EngineStub(MiniTLSProtocol):
    def data_received(self, data):
        raise NotImplementedError

    def _do_handshake(self):
        raise NotImplementedError


class _WatchStub(EventLoop):
    def _watch_child(self, pid, transp):
        raise NotImplementedError

    def _pidfd_ready(self, pidfd, pid, transp):
        raise NotImplementedError


@pytest.mark.parametrize(("exercise", "stub"), [
    (ch7.lines_exercise, _lines_stub),
    (ch7.starttls_exercise, _starttls_stub),
    (ch7.tls_engine_exercise, _EngineStub),
    (ch7.watch_exercise, _WatchStub),
])
def test_stubs_are_not_attempted(exercise, stub):
    assert exercise.run(stub).status == NOT_ATTEMPTED


EXERCISES = ["lines_exercise", "starttls_exercise", "tls_engine_exercise", "watch_exercise"]


@pytest.mark.parametrize("name", EXERCISES)
def test_corpus_size(name):
    answers = load(name)
    assert sum(a["kind"] == "wrong" for a in answers) >= 15
    assert sum(a["kind"] == "correct" for a in answers) >= 3


def test_build_exercise_half_written_is_incorrect():
    """Only data_received written: still "not attempted", since connection_made runs the stub."""
    class Half(MiniTLSProtocol):
        def data_received(self, data):
            self._incoming.write(data)
            if self._state == "handshake":
                self._do_handshake()
            if self._state == "open":
                self._read_app_data()

        def _do_handshake(self):
            raise NotImplementedError

    assert ch7.tls_engine_exercise.run(Half).status == NOT_ATTEMPTED


def test_notebook_is_committed_with_its_stubs_not_attempted():
    """Chapter 7's notebook is committed as a learner first sees it: four checks, stubs."""
    path = Path(__file__).resolve().parent.parent / "notebooks" / "07_tls_subprocesses_unix.ipynb"
    nb = json.loads(path.read_text())
    checks = {}
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        for name in EXERCISES:
            if cell["cell_type"] == "code" and f"ch7.{name}.check(" in source:
                checks[name] = "".join(
                    "".join(out.get("text", ""))
                    + "".join(out.get("data", {}).get("text/plain", ""))
                    for out in cell.get("outputs", []))
    assert set(checks) == set(EXERCISES)
    for name, text in checks.items():
        assert "not attempted yet" in text, f"{name}: committed output is {text!r}"


def _compiled(name: str):
    """The corpus answer ``name`` of lines_exercise, compiled."""
    answer = next(a for a in load("lines_exercise") if a["name"] == name)
    namespace: dict = {}
    exec(compile(answer["source"], f"<corpus {name}>", "exec"), namespace)  # noqa: S102
    return namespace["read_lines"]


def test_hang_up_verdict_does_not_depend_on_how_jupyter_was_started():
    """Under `nohup` every child inherits an ignored SIGHUP; the checker's child resets it,
    so an answer that hangs up instead of killing is still told about SIGKILL (-9)."""
    import signal

    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        result = ch7.lines_exercise.run(_compiled("sighup"))
    finally:
        signal.signal(signal.SIGHUP, old)
    assert result.status != CORRECT
    assert "-9" in result.message, result.message


def test_leftover_subprocess_transport_is_closed_while_the_loop_runs(recwarn):
    """An answer that never reaps its child leaves a subprocess transport behind.  The
    checker's cleanup closes it before closing the loop; left to the garbage collector,
    its __del__ would call close() on a closed loop ("Event loop is closed") at some
    unrelated later moment -- once, in the middle of pytest's own ast.parse."""
    import gc

    unraisable: list = []
    import sys
    old_hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        result = ch7.lines_exercise.run(_compiled("no_kill"))
        gc.collect()
    finally:
        sys.unraisablehook = old_hook
    assert result.status != CORRECT
    assert not [u for u in unraisable if "closed" in str(u.exc_value)], unraisable
