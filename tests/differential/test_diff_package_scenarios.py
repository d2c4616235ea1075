"""The scenarios shipped in ``toyloop.scenarios`` (the build exercises' checkers), run as
differential tests: asyncio's loop against toyloop's own EventLoop and chapter 1's
Scheduler.  The build exercises compare a learner's loop with the same logs."""

from __future__ import annotations

import pytest

import toyloop
from toyloop.ch1_generators import Scheduler
from toyloop.scenarios import SCENARIOS, compare, expected, load_all

load_all()
CH1 = "ch1.Scheduler._run_once"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_toyloop_logs_what_asyncio_logs(name: str) -> None:
    want = expected(name)
    assert len(want) >= 2, f"{name}: asyncio logged too little to compare: {want}"
    problem = compare(name, toyloop.EventLoop)
    assert problem is None, problem


@pytest.mark.parametrize("name", sorted(n for n, s in SCENARIOS.items() if CH1 in s.tags))
def test_chapter_1_scheduler_logs_what_asyncio_logs(name: str) -> None:
    problem = compare(name, Scheduler)
    assert problem is None, problem


def test_every_piece_has_scenarios() -> None:
    from toyloop.exercises.pieces import PIECES

    for piece in PIECES:
        tagged = [n for n, s in SCENARIOS.items() if piece in s.tags]
        assert len(tagged) >= 3, f"{piece}: only {tagged}"
