"""The committed diagram SVGs match their Graphviz sources (toyloop/tools/diagrams.py).

Without Graphviz: each SVG records the SHA-256 of the source it was rendered from, and
that must be the source's current digest.  With ``dot`` installed (the version that drew
the SVGs, and the DejaVu fonts): re-rendering gives the committed bytes exactly, so
rendering is deterministic and nobody edited an SVG by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toyloop.tools import diagrams

SOURCES = sorted(diagrams.SOURCES.glob("*.dot"))


def test_enough_diagrams_for_every_chapter() -> None:
    chapters = {path.name.split("_")[0] for path in SOURCES}
    assert {f"ch{n}" for n in range(7)} <= chapters, chapters
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_svg_rendered_from_current_source(source: Path) -> None:
    svg = diagrams.target_for(source)
    assert svg.exists(), f"{svg.name} missing: run `make figures`"
    assert diagrams.recorded_digest(svg) == diagrams.source_digest(source), (
        f"{svg.name} is stale: run `make figures` after editing {source.name}")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_svg_bytes_match_a_fresh_render(source: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    svg = diagrams.target_for(source)
    if diagrams.recorded_graphviz(svg) != diagrams.graphviz_version():
        pytest.skip(f"{svg.name} was drawn by Graphviz {diagrams.recorded_graphviz(svg)}, "
                    f"this is {diagrams.graphviz_version()}: layouts differ")
    if not diagrams.fonts_available():
        pytest.skip("the DejaVu fonts are missing (apt-get install fonts-dejavu-core)")
    assert diagrams.render(source) == diagrams.target_for(source).read_bytes(), (
        f"re-rendering {source.name} changed the SVG: run `make figures`")


def test_stale_detects_an_edited_source(tmp_path: Path) -> None:
    sources, figures = tmp_path / "src", tmp_path / "fig"
    sources.mkdir()
    figures.mkdir()
    src = sources / "ch9_x.dot"
    src.write_text("digraph x { a -> b }\n")
    assert diagrams.stale(sources, figures) == ["ch9_x.dot"]  # missing
    svg = figures / "ch9_x.svg"
    svg.write_bytes(b"<!-- toyloop diagram source sha256: "
                    + diagrams.source_digest(src).encode() + b" -->\n<svg/>")
    assert diagrams.stale(sources, figures) == []
    src.write_text("digraph x { a -> c }\n")
    assert diagrams.stale(sources, figures) == ["ch9_x.dot"]
