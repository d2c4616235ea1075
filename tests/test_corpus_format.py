"""The learner corpus (tests/corpus) is well formed: enough answers, each compiles.

Whether the checkers reject the wrong answers and accept the correct ones is tested
elsewhere; this only guards the corpus's own shape, so a typo fails here first.
"""

from __future__ import annotations

import pytest

from tests.corpus import ENTRY, EXERCISES, load


@pytest.mark.parametrize("exercise", EXERCISES)
def test_corpus_shape(exercise: str) -> None:
    answers = load(exercise)
    names = [a["name"] for a in answers]
    assert len(names) == len(set(names)), f"duplicate names in {exercise}"
    assert sum(a["kind"] == "wrong" for a in answers) >= 15
    assert sum(a["kind"] == "correct" for a in answers) >= 3
    for answer in answers:
        code = compile(answer["source"], f"<{exercise}:{answer['name']}>", "exec")
        entry = ENTRY[exercise]
        assert entry in code.co_names, f"{answer['name']} never defines {entry}"
        for word in answer["expect"]:
            assert word == word.lower() and word.strip(), f"{answer['name']}: expect {word!r}"
        if answer["kind"] == "wrong":
            assert 1 <= len(answer["expect"]) <= 3
