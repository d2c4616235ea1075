"""Static fallbacks of the widgets: what a notebook shows without a kernel.

nbconvert's HTML export and GitHub's viewer cannot run ipywidgets; they show a display's
text/html.  The explorer and the live monitor put their panes there (explorer.py,
"The static view").  These tests check that HTML's content, that it is the same on every
run (nbval compares it), and that nbconvert really picks it when the notebook carries no
widget state (which the notebook builds drop).
"""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

import nbformat  # noqa: E402

import toyloop  # noqa: E402
from toyloop.tools.explorer import PANES, Explorer, LiveMonitor, static_view  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


async def child(delay):
    await toyloop.sleep(delay)
    return delay


async def program():
    loop = asyncio.get_running_loop()
    other = loop.create_task(child(1.0))
    return await child(0.5) + await other


def test_explorer_bundle_has_widget_and_static_panes():
    ex = Explorer(program)
    bundle = ex._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    page = bundle["text/html"]
    positions = re.findall(r'data-position="(\d+)"', page)
    assert positions == [str(i) for i in range(ex.last + 1)]
    for name in PANES:  # every pane, once per position
        assert page.count(f'data-pane="{name}"') == ex.last + 1, name
    # The displayed position is the open one; its panes are the model's text.
    assert '<details class="toyloop-static-position" data-position="0" open>' in page
    assert html.escape(ex.pane_text("ready", 0)) in page
    assert html.escape(ex.pane_text("tasks", 3)) in page
    assert html.escape(ex.status(ex.last)) in page


def test_static_view_is_the_same_on_every_run():
    assert Explorer(program).static_html() == Explorer(program).static_html()


def test_static_view_opens_the_current_position_and_caps_its_length():
    ex = Explorer(program)
    ex.goto(3)
    page = ex.static_html()
    assert page.count(" open>") == 1 and 'data-position="3" open>' in page
    short = static_view(ex, max_positions=3)
    # The first positions, the last one (where the program ended) and the current one.
    assert re.findall(r'data-position="(\d+)"', short) == ["0", "1", "3", str(ex.last)]
    assert "more positions not shown" in short


def test_nbconvert_html_shows_the_explorer_panes_without_widget_state():
    from nbconvert import HTMLExporter

    ex = Explorer(program)
    ex.goto(2)
    bundle = ex._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("Explorer(program)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.cells = [cell]
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert "toyloop-static" in body
    for name in PANES:
        assert f'data-pane="{name}"' in body
    assert html.escape(ex.pane_text("iteration", 2)) in body


def _serve(stats, rounds=6):
    async def run():
        for _ in range(rounds):
            stats["open"] += 1
            stats["bytes"] += 10
            await asyncio.sleep(0.1)
        stats["open"] = 0
    return run()


def test_live_monitor_ends_showing_peaks_not_zeros():
    stats = {"open": 0, "bytes": 0}
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    try:
        gauges = {"connections open": lambda: stats["open"], "bytes": lambda: stats["bytes"]}
        with LiveMonitor(loop, interval=0.1, gauges=gauges) as mon:
            loop.run_until_complete(_serve(stats))
    finally:
        loop.close()
    assert mon.history[-1]["connections open"] == 0
    assert mon.peaks()["connections open"] == 6 and mon.peaks()["bytes"] == 60
    page = mon._repr_mimebundle_()["text/html"]
    assert "toyloop-live-static" in page and "(stopped)" in page
    row = re.search(r"connections open</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", page)
    assert row is not None and row.groups() == ("0", "6")  # now, peak


class _Displays:
    """Stands in for IPython.display.display: records bundles, hands out handles."""

    def __init__(self):
        self.shown, self.updates = [], []

    def __call__(self, bundle, raw=False, display_id=None):
        assert raw
        self.shown.append(bundle)
        if display_id:
            updates = self.updates

            class Handle:
                def update(self, bundle, raw=False):
                    updates.append(bundle)

            return Handle()
        return None


def test_live_monitor_shows_widget_and_static_copy_then_updates_the_copy(monkeypatch):
    import IPython.display

    displays = _Displays()
    monkeypatch.setattr(IPython.display, "display", displays)
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    try:
        mon = LiveMonitor(loop, interval=0.1)
        mon.display()
        with mon:
            loop.run_until_complete(asyncio.sleep(0.35))
    finally:
        loop.close()
    widget, static = displays.shown
    assert WIDGET_VIEW in widget and widget["text/plain"].startswith("<LiveMonitor")
    assert "toyloop-live-static" in static["text/html"] and "(not started)" in static["text/html"]
    assert len(displays.updates) == 1 and "(stopped)" in displays.updates[0]["text/html"]
    assert "{display:none}" in static["text/html"]  # hidden next to a live widget


def test_explorer_displays_widget_then_static_copy(monkeypatch):
    import IPython.display

    displays = _Displays()
    monkeypatch.setattr(IPython.display, "display", displays)
    ex = Explorer(program)
    ex._ipython_display_()
    widget, static = displays.shown
    assert WIDGET_VIEW in widget and "text/html" not in widget
    assert widget["text/plain"] == repr(ex)
    assert static["text/html"].endswith(ex.static_html())
    assert ".jp-OutputArea:has(.toyloop-explorer) .toyloop-static" in static["text/html"]


# ---------------------------------------------------------------------------
# The committed notebooks, exported as a reader without a kernel would see them
# ---------------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _export(name: str) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(NOTEBOOKS / name))
    return body


def test_chapter_2_export_shows_the_explorer_panes():
    body = _export("02_futures_and_tasks.ipynb")
    assert 'class="toyloop-static"' in body
    for name in PANES:
        assert f'data-pane="{name}"' in body, name
    assert "Task-2 wakeup -&gt; consumer()" in body  # iteration 3's ready queue, as text


def test_chapter_3_export_shows_the_monitors_peaks():
    body = _export("03_selectors_sockets_timers.ipynb")
    copy = body[body.index('toyloop-live-static"'):]
    assert "(stopped)" in copy[:400]
    row = re.search(r"connections open</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", copy)
    assert row is not None and row.groups() == ("0", "1000")  # now, peak
