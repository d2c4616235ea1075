"""Chapter 7 exercise checkers: the references pass, the notebook's stubs are "not attempted".

The wrong answers (at least 15 per exercise) and more correct variants live in
``tests/corpus/lines_exercise.py``, ``starttls_exercise.py`` and
``tls_engine_exercise.py``; ``tests/test_corpus.py`` runs them through these checkers.
"""

from __future__ import annotations

import pytest

from tests.corpus import load
from toyloop.ch7_tls import MiniTLSProtocol
from toyloop.exercises import ch7
from toyloop.tools.checker import CORRECT, NOT_ATTEMPTED

pytest.importorskip("trustme")


@pytest.mark.parametrize(("exercise", "solution"), [
    (ch7.lines_exercise, ch7.read_lines),
    (ch7.starttls_exercise, ch7.starttls_client),
    (ch7.tls_engine_exercise, ch7.SolutionTLSProtocol),
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


@pytest.mark.parametrize(("exercise", "stub"), [
    (ch7.lines_exercise, _lines_stub),
    (ch7.starttls_exercise, _starttls_stub),
    (ch7.tls_engine_exercise, _EngineStub),
])
def test_stubs_are_not_attempted(exercise, stub):
    assert exercise.run(stub).status == NOT_ATTEMPTED


@pytest.mark.parametrize("name", ["lines_exercise", "starttls_exercise", "tls_engine_exercise"])
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
