"""Shared by the corpus files: answers as small edits of a correct BASE source."""

from __future__ import annotations


def mutate(base: str, *pairs: tuple[str, str]) -> str:
    """``base`` with each ``old`` replaced by ``new`` (each must occur exactly once)."""
    source = base
    for old, new in pairs:
        assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
        source = source.replace(old, new)
    return source


def maker(base: str):
    """``wrong(name, mistake, expect, *pairs)`` and ``right(name, source)`` for ``base``."""

    def wrong(name: str, mistake: str, expect: list[str], *pairs: tuple[str, str]) -> dict:
        return {"name": name, "kind": "wrong", "mistake": mistake, "expect": expect,
                "source": mutate(base, *pairs)}

    def right(name: str, source: str) -> dict:
        return {"name": name, "kind": "correct", "mistake": "", "expect": [],
                "source": source}

    return wrong, right


def whole(kind: str, name: str, source: str, mistake: str = "",
          expect: list[str] | None = None) -> dict:
    """An answer written as a whole piece (not an edit of BASE): ``kind`` is
    ``"wrong"`` (with ``mistake`` and ``expect``) or ``"correct"``."""
    return {"name": name, "kind": kind, "mistake": mistake, "expect": expect or [],
            "source": source}


def named(answers: list[dict], name: str) -> str:
    """The source of the answer called ``name`` (to derive probes from a right answer)."""
    (source,) = [a["source"] for a in answers if a["name"] == name]
    return source
