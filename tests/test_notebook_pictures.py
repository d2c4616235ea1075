"""Every notebook shows pictures (issue 15), and every picture it points at exists.

Diagrams are markdown images of the committed SVGs in notebooks/figures/ (rendered
from docs/diagrams/, see test_figures.py); plots are image outputs of the cells that
draw them.  Plot cells may be tagged so nbval ignores their output (their data comes from
a real run); this test is what checks that they rendered when the notebook last ran.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIGURES = ROOT / "notebooks" / "figures"
MD_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
IMAGE_TYPES = ("image/png", "image/svg+xml")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _markdown_images(path: Path) -> list[str]:
    return [m for c in _cells(path) if c["cell_type"] == "markdown"
            for m in MD_IMAGE.findall("".join(c["source"]))]


def _drawing_cells(path: Path) -> list[dict]:
    """Code cells that draw a figure (they end a plot with plt.show())."""
    return [c for c in _cells(path)
            if c["cell_type"] == "code" and "plt.show()" in "".join(c["source"])]


def _has_image(cell: dict) -> bool:
    return any(kind in out.get("data", {}) for out in cell.get("outputs", [])
               for kind in IMAGE_TYPES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_a_picture(path: Path) -> None:
    assert _markdown_images(path) or _drawing_cells(path), f"{path.name} has no picture"


def test_at_least_ten_pictures_in_all() -> None:
    total = sum(len(_markdown_images(p)) + len(_drawing_cells(p)) for p in NOTEBOOKS)
    assert total >= 10, total


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_images_point_at_committed_figures(path: Path) -> None:
    for target in _markdown_images(path):
        assert target.startswith("figures/"), f"{path.name}: {target} is not in figures/"
        assert (path.parent / target).is_file(), f"{path.name}: {target} is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_plot_cells_rendered_an_image(path: Path) -> None:
    for cell in _drawing_cells(path):
        assert _has_image(cell), (f"{path.name}: a plot cell has no image output "
                                  f"(re-execute the notebook): {''.join(cell['source'])[:80]}")


def test_every_diagram_is_shown_somewhere() -> None:
    used = {Path(t).name for p in NOTEBOOKS for t in _markdown_images(p)}
    unused = sorted(svg.name for svg in FIGURES.glob("*.svg") if svg.name not in used)
    assert not unused, f"diagrams no notebook shows: {unused}"
