"""Prose that agrees with its outputs: a figure the text quotes must be one a cell printed.

The convention (CONTRIBUTING.md, "Figures in prose"):

* A **figure** in a markdown cell is a ratio (``1.7x``, ``x1.08``), a percentage
  (``+4.2%``, ``3-6%``) or a size in bytes (``229 bytes``, ``-112 B``).  (Durations
  are left out: most are settings, a 50 ms heartbeat, not measurements.)
  Each one must appear in the output of a code cell of the same section (the cells
  between two headings) whose output nbval checks, that is, a cell *not* tagged
  ``nbval-ignore-output``: an output nbval ignores changes on every run, so prose that
  quotes it is wrong the next time the notebook runs.
* A figure measured elsewhere (the benchmark run saved in ``benchmarks/results.json``,
  the notes in ``benchmarks/FINDINGS.md``) may be quoted when the markdown cell names
  the file in a comment, ``<!-- figures: benchmarks/FINDINGS.md -->``, and the figure
  is in that file.
* **Vague measurements** ("about half the time", "a few percent", "about a third",
  "next to nothing") are not allowed at all: no cell can print them, and they are
  exactly the phrases that drifted from the outputs beside them (issue 13).  Say what
  the cell shows ("compare the speedup column") or print the figure.

A comment in ``toyloop/`` that says what a chapter measures follows the same rule: its
figure must be one that chapter's checked outputs print.

The synthetic notebooks at the end prove the test fails on the issue's examples.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORE_TAG = "nbval-ignore-output"

_NUM = r"\d+(?:\.\d+)?"
FIGURE = re.compile(
    rf"(?<![\w.])[+\-−]?{_NUM}(?:-{_NUM})?\s?%"                # +4.2%, 3-6%, 10 %
    rf"|(?<![\w.]){_NUM}x(?!\w)"                                # 1.7x
    rf"|(?<![\w.])x{_NUM}(?![\w.])"                             # x1.08
    rf"|(?<![\w.])[+\-−]?{_NUM}\s?(?:bytes|B)(?![\w/])"         # 229 bytes, -112 B
)
VAGUE = re.compile(
    r"\b(?:about|roughly|nearly|almost|around) (?:half|a third|a quarter|twice|double)\b"
    r"|\bhalf the time\b|\ba few percent\b|\bnext to nothing\b|\bnothing measurable\b"
    r"|\btwice as (?:fast|slow)\b",
    re.IGNORECASE,
)
CITE = re.compile(r"<!--\s*figures:\s*(.*?)\s*-->")
HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)
CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def _checked(cell: dict) -> bool:
    """A code cell whose output nbval compares (not tagged nbval-ignore-output)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return cell["cell_type"] == "code" and IGNORE_TAG not in tags


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def output_text(cell: dict) -> str:
    """Everything a code cell printed, as a reader sees it (ANSI colours removed)."""
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(_text(out["text"]))
        for key in ("text/plain", "text/markdown", "text/html"):
            if key in out.get("data", {}):
                parts.append(_text(out["data"][key]))
        if out.get("output_type") == "error":
            parts.append(" ".join(out.get("traceback", [])))
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(parts))


def variants(figure: str) -> set[str]:
    """The spellings of one figure that count as printing it."""
    f = figure.replace("−", "-").replace(" ", "")
    if f.endswith("%"):
        core = f.lstrip("+")
        return {core, "+" + core} if not core.startswith("-") else {core}
    if f.startswith("x") or f.endswith("x"):
        n = f.strip("x")
        return {n + "x", "x" + n, n}
    number = re.match(r"[+\-]?\d+(?:\.\d+)?", f).group()
    return {number.lstrip("+"), number}


def printed(figure: str, text: str) -> bool:
    """True when ``text`` prints ``figure`` as a whole token (``1.7`` is not in ``11.75``)."""
    flat = text.replace(",", "").replace(" %", "%")
    for v in variants(figure):
        if re.search(rf"(?<![\w.]){re.escape(v)}(?![\d])", flat):
            return True
    return False


def sections(cells: list[dict]) -> list[list[dict]]:
    """Cells grouped by heading: a markdown cell with a heading starts a new group."""
    groups: list[list[dict]] = [[]]
    for cell in cells:
        if cell["cell_type"] == "markdown" and HEADING.search(_text(cell["source"])):
            groups.append([])
        groups[-1].append(cell)
    return [g for g in groups if g]


def problems(nb: dict, root: Path = ROOT) -> list[str]:
    """Each figure the notebook's prose quotes that no checked output or cited file backs."""
    found = []
    for group in sections(nb["cells"]):
        checked = "\n".join(
            output_text(c) for c in group
            if _checked(c))
        for cell in group:
            if cell["cell_type"] != "markdown":
                continue
            source = _text(cell["source"])
            where = cell.get("id", "?")
            cited = ""
            for names in CITE.findall(source):
                for name in names.split(","):
                    path = root / name.strip()
                    if not path.is_file():
                        found.append(f"{where}: cites {name.strip()!r}, which does not exist")
                        continue
                    cited += path.read_text()
            prose = CODE_SPAN.sub(" ", CITE.sub(" ", source))
            for m in VAGUE.finditer(prose):
                found.append(f"{where}: vague measurement {m.group()!r} ({_around(prose, m)}): "
                             "print the figure in a cell or say what the cell shows")
            for m in FIGURE.finditer(prose):
                if printed(m.group(), checked) or printed(m.group(), cited):
                    continue
                found.append(f"{where}: {m.group()!r} ({_around(prose, m)}) is printed by no "
                             "checked cell of this section and no file the cell cites")
    return found


def _around(text: str, m: re.Match) -> str:
    return " ".join(text[max(0, m.start() - 40):m.end() + 20].split())


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_quotes_only_printed_figures(notebook: Path) -> None:
    found = problems(_load(notebook))
    assert not found, f"{notebook.name}:\n" + "\n".join(found)


CHAPTER_COMMENT = re.compile(r"#.*\bchapter (\d)\b.*", re.IGNORECASE)


def test_package_comments_quote_only_what_the_chapter_prints() -> None:
    """``# chapter 6 measures this: about 1.5x`` must match what chapter 6 prints."""
    checked = {}
    for nb_path in NOTEBOOKS:
        cells = _load(nb_path)["cells"]
        checked[int(nb_path.name[:2])] = "\n".join(
            output_text(c) for c in cells
            if _checked(c))
    found = []
    for module in sorted((ROOT / "toyloop").rglob("*.py")):
        lines = module.read_text().splitlines()
        for i, line in enumerate(lines):
            m = CHAPTER_COMMENT.search(line)
            if not m:
                continue
            # a comment may run on: look at it and the next comment line
            text = line + " " + (lines[i + 1] if i + 1 < len(lines) and
                                 lines[i + 1].lstrip().startswith("#") else "")
            for fig in FIGURE.finditer(text[text.index("#"):]):
                if not printed(fig.group(), checked.get(int(m.group(1)), "")):
                    found.append(f"{module.relative_to(ROOT)}:{i + 1}: {fig.group()!r} is "
                                 f"not printed by chapter {m.group(1)}'s checked outputs")
    assert not found, "\n".join(found)


# ---------------------------------------------------------------------------
# The test can fail: synthetic notebooks with the examples
# ---------------------------------------------------------------------------


def _md(text: str, cid: str = "m") -> dict:
    return {"cell_type": "markdown", "id": cid, "metadata": {}, "source": text}


def _code(out: str, *, ignored: bool = False, cid: str = "c") -> dict:
    tags = [IGNORE_TAG] if ignored else []
    return {"cell_type": "code", "id": cid, "metadata": {"tags": tags}, "source": "print()",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": out}]}


def _nb(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_catches_about_half_next_to_x108() -> None:
    nb = _nb(_md("## Processes\n"), _code("2 processes 1.20 s   speedup x1.08\n", ignored=True),
             _md("They finish in about half the time.\n", "ch4-prose"))
    found = problems(nb)
    assert any("ch4-prose" in p and "about half" in p for p in found), found


def test_catches_a_percentage_the_output_contradicts() -> None:
    nb = _nb(_md("## Hooks\n"), _code("difference: +9.5%\n"),
             _md("Tracing off costs +4.2%.\n", "hooks"))
    found = problems(nb)
    assert any("'+4.2%'" in p for p in found), found


def test_catches_a_figure_quoted_from_an_ignored_output() -> None:
    """The figure matches today's output, but nbval ignores that output: it will drift."""
    nb = _nb(_md("## Poll\n"), _code("50,000  99.7 ms  57.0 ms   1.7x\n", ignored=True),
             _md("Skipping the poll is 1.7x faster.\n", "poll"))
    assert any("'1.7x'" in p for p in problems(nb))


def test_catches_a_figure_from_another_section() -> None:
    nb = _nb(_md("## A\n"), _code("ratio 1.7x\n"), _md("## B\nIt was 1.7x.\n", "b"))
    assert any("b:" in p for p in problems(nb))


def test_catches_a_few_percent_and_a_third() -> None:
    nb = _nb(_md("## P\nIt costs a few percent at most; `_run_once` takes about a third.\n"))
    found = " ".join(problems(nb))
    assert "a few percent" in found and "about a third" in found


def test_accepts_figures_a_checked_cell_prints() -> None:
    nb = _nb(_md("## Ratios\n"), _code("speedup x1.08, difference +9.5%, 229 bytes each\n"),
             _md("Here x1.08, that is 1.08x; +9.5% and 229 bytes.\n"))
    assert problems(nb) == []


def test_a_cited_file_backs_figures(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("| `tasks` | 3-6% |\n")
    good = _nb(_md("## T\n<!-- figures: notes.md -->\nA gain of 3-6%.\n"))
    bad = _nb(_md("## T\n<!-- figures: notes.md -->\nA gain of 7%.\n"))
    missing = _nb(_md("## T\n<!-- figures: nowhere.md -->\nA gain of 3-6%.\n"))
    assert problems(good, tmp_path) == []
    assert any("'7%'" in p for p in problems(bad, tmp_path))
    assert any("does not exist" in p for p in problems(missing, tmp_path))


def test_code_spans_and_non_figures_are_not_figures() -> None:
    nb = _nb(_md("## C\nO(n**2), `sleep(0.5)` and `a % b`, 10,000 tasks, Python 3.11.\n"))
    assert problems(nb) == []
