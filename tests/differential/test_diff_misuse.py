"""Bad input raises asyncio's exception type with asyncio's message (issue 2).

The table is tests/differential/misuse_table.py (shared with tests/reliability).
"""

from __future__ import annotations

import pytest
from differential.harness import (
    PY_REFERENCE,
    REFERENCE,
    TOYLOOP_VARIANTS,
    closing_loop,
    make_loop,
)
from differential.misuse_table import MISUSES, Misuse, normalise, outcome, params

TOYLOOP = TOYLOOP_VARIANTS[0]


def _run(variant, case: Misuse, debug: bool):
    with closing_loop(variant) as loop:
        loop.set_debug(debug)
        return normalise(outcome(loop, case, lambda: make_loop(variant)), case.reprs)


def expected_outcomes(case: Misuse) -> set:
    """What asyncio raises: with its C Future/Task and with its pure-Python ones."""
    expected = {_run(REFERENCE, case, case.debug), _run(PY_REFERENCE, case, case.debug)}
    if case.asyncio_raises():
        assert None not in expected, f"asyncio did not raise for {case.id}"
        return expected
    # asyncio accepts this input on this Python; toyloop rejects it with the wording
    # of the asyncio version that checks (or, for toyloop's own extra checks, its own).
    assert expected == {None}, f"asyncio now raises for {case.id}: {expected}"
    return {case.expected}


@pytest.mark.parametrize("case", params(MISUSES))
def test_misuse_matches_asyncio(case: Misuse) -> None:
    expected = expected_outcomes(case)
    assert _run(TOYLOOP, case, case.debug) in expected
    if case.toyloop_always and case.debug:
        # toyloop checks this without debug mode as well
        assert _run(TOYLOOP, case, False) in expected


def test_table_is_not_trivial() -> None:
    # Every row must make asyncio (or, for toyloop-only checks, toyloop) raise: a row
    # that asyncio accepts needs an ``expected`` error, else "toyloop raised nothing
    # either" would pass.
    assert len(MISUSES) >= 40
    assert len({c.id for c in MISUSES}) == len(MISUSES)
    assert [c.id for c in MISUSES if c.since is not None and c.expected is None] == []
