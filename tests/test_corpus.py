"""Every learner answer in tests/corpus through its exercise's checker.

Each wrong answer must be rejected with a message containing its ``expect`` words
(the words that name its mistake); each correct variant must be accepted.  The
answers run as a notebook cell would run them: compiled from source into a fresh
``__main__`` namespace, with their lines registered in ``linecache`` so that the
checker can quote the learner's line, as it does for a notebook cell.

Kept fast: blocking answers block for about a second (the watchdog's budget is a
quarter of a second), and answers marked ``hangs`` get a short time limit.
``python -m tests.test_corpus`` prints the rejected/accepted counts per exercise.
"""

from __future__ import annotations

import copy
import linecache
import sys
from collections import Counter
from typing import Any

import pytest

from tests.corpus import ENTRY, EXERCISES, load
from toyloop.exercises import ch0, ch1, ch2, ch3, ch4, ch5, ch6, ch7
from toyloop.tools import watchdog
from toyloop.tools.checker import CORRECT, CheckResult, Exercise

_MODULES = (ch0, ch1, ch2, ch3, ch4, ch5, ch6, ch7)
HANG_LIMIT = 3.0  # seconds for an answer that never gives the loop back


def exercise_object(name: str) -> Exercise:
    for module in _MODULES:
        found = getattr(module, name, None)
        if isinstance(found, Exercise):
            return found
    raise LookupError(f"no exercise named {name!r} in toyloop.exercises")


def compile_cell(exercise: str, answer: dict) -> Any:
    """The answer's entry point, defined as a notebook cell would define it."""
    filename = f"<corpus {exercise}:{answer['name']}>"
    source = answer["source"]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our corpus
    return namespace[ENTRY[exercise]]


def run_answer(exercise: str, answer: dict) -> CheckResult:
    checker = exercise_object(exercise)
    if answer["hangs"]:
        checker = copy.copy(checker)
        checker.timeout = min(checker.timeout, HANG_LIMIT)
    saved = watchdog.HOG_LIMIT
    watchdog.HOG_LIMIT = 1.0  # a handle that blocks a whole second is interrupted
    try:
        return checker.run(compile_cell(exercise, answer))
    finally:
        watchdog.HOG_LIMIT = saved


def missing_words(answer: dict, result: CheckResult) -> list[str]:
    text = str(result).lower()
    return [word for word in answer["expect"] if word not in text]


CASES = [(exercise, answer) for exercise in EXERCISES for answer in load(exercise)]

# Wrong answers the checkers do not yet reject with the named mistake: each says why.
# They are marked xfail without running, so `make test` stays green while the gap is open.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(("exercise", "answer"), CASES,
                         ids=[f"{e}-{a['kind']}-{a['name']}" for e, a in CASES])
def test_corpus_answer(exercise: str, answer: dict) -> None:
    gap = KNOWN_GAPS.get((exercise, answer["name"]))
    if gap:
        pytest.xfail(gap)
    result = run_answer(exercise, answer)
    if answer["kind"] == "correct":
        assert result.status == CORRECT, f"a correct variant was rejected:\n{result}"
        return
    assert result.status != CORRECT, (
        f"a wrong answer was accepted ({answer['mistake']}):\n{result}")
    missing = missing_words(answer, result)
    assert not missing, (
        f"rejected, but the message does not name the mistake ({answer['mistake']}): "
        f"missing {missing}\n{result}")


def tally() -> dict[str, Counter]:
    """{exercise: Counter(rejected=, named=, wrong=, accepted=, correct=)}."""
    counts: dict[str, Counter] = {}
    for exercise, answer in CASES:
        result = run_answer(exercise, answer)
        c = counts.setdefault(exercise, Counter())
        if answer["kind"] == "correct":
            c["correct"] += 1
            c["accepted"] += result.status == CORRECT
        else:
            c["wrong"] += 1
            c["rejected"] += result.status != CORRECT
            c["named"] += result.status != CORRECT and not missing_words(answer, result)
    return counts


if __name__ == "__main__":  # pragma: no cover - the closing note's table
    for name, c in tally().items():
        print(f"{name:22} wrong rejected {c['rejected']:2}/{c['wrong']:2} "
              f"(named {c['named']:2})  correct accepted {c['accepted']}/{c['correct']}",
              file=sys.stdout)
