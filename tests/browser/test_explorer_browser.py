"""The explorer in a real browser: JupyterLab + headless Chromium (Playwright).

What it checks, as a person would: open chapter 2 (notebooks/02_futures_and_tasks.ipynb),
run all cells, see the explorer's widgets, press Step, and see the iteration
number and the panes change.  It saves a screenshot to build/screenshots/explorer.png
(git-ignored; `make screenshots` copies it to docs/explorer.png, the README's
picture, so a test run never writes into the tracked tree).  Then, in the
same JupyterLab, it runs chapter 3 and sees its LiveMonitor panel count the echo
server's connections and stop.

Needs Debian's chromium and the playwright Python package (no browser
download: Playwright drives the system chromium through ``executable_path``)::

    apt-get install chromium        # or set TOYLOOP_CHROMIUM=/path/to/chromium
    pip install playwright          # the `browser` extra: pip install -e .[browser]

Without them the test is skipped and says so.  Everything is bounded: the
server gets 45 s to come up, every page wait has a timeout, and JupyterLab
(started in its own process group) is always terminated, then killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The notebook the test opens, as a reader would: chapter 2 ends with an explorer on its
# closing program; the test drives the last explorer on the page.
NOTEBOOK = ROOT / "notebooks" / "02_futures_and_tasks.ipynb"
# Then, in the same JupyterLab, chapter 3's live mode: an echo server under a LiveMonitor.
LIVE_NOTEBOOK = ROOT / "notebooks" / "03_selectors_sockets_timers.ipynb"
# Build output, never the tracked tree: `make screenshots` copies it over docs/explorer.png.
SCREENSHOT_DIR = Path(os.environ.get("TOYLOOP_SCREENSHOT_DIR") or ROOT / "build" / "screenshots")
SCREENSHOT = SCREENSHOT_DIR / "explorer.png"
PAGE_TIMEOUT_MS = 30_000  # each page wait (conftest.py's rig uses the same)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]


def test_explorer_in_jupyterlab(tmp_path: Path, lab_in_chromium, runnable_copy) -> None:
    work = tmp_path / "nb"
    work.mkdir()
    runnable_copy(NOTEBOOK, work / "explorer.ipynb")
    runnable_copy(LIVE_NOTEBOOK, work / "live.ipynb")
    with lab_in_chromium(work, tmp_path) as lab:
        page = lab.browser.new_page(viewport={"width": 1500, "height": 1400})
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            _drive(page, lab.port, lab.token)
            _drive_live(page, lab.port, lab.token)
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            sys.stderr.write(f"screenshot of the failure: {tmp_path / 'failure.png'}\n")
            raise


def _open_and_run_all(page, port: int, token: str, name: str) -> None:
    # One workspace per notebook: JupyterLab restores a workspace's open tabs, and a
    # second notebook opened in the first one's workspace shares the page with it (Run All
    # can then land in the wrong tab, or before the new kernel is connected).
    workspace = Path(name).stem
    page.goto(f"http://127.0.0.1:{port}/lab/workspaces/{workspace}/tree/{name}?token={token}")
    # The kernel is up when the status bar says Idle.
    page.wait_for_selector(".jp-Notebook", state="visible")
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(state="visible")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _wait_for_change(page, locator, old: str, timeout: float = 10.0) -> None:
    """Until ``locator``'s HTML differs from ``old`` (Playwright's expect has no
    "changed" assertion); fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while locator.inner_html() == old:
        assert time.monotonic() < deadline, "the pane did not change after the step"
        page.wait_for_timeout(50)


def _drive(page, port: int, token: str) -> None:
    from playwright.sync_api import expect

    _open_and_run_all(page, port, token, "explorer.ipynb")

    explorer = page.locator(".toyloop-explorer").last
    explorer.wait_for(state="visible")
    status = explorer.locator(".toyloop-status")
    pane = {name: explorer.locator(f".toyloop-pane-{name}")
            for name in ("iteration", "ready", "timers", "selector", "tasks", "timeline")}
    expect(status).to_contain_text("before iteration 1")
    for name, locator in pane.items():
        assert locator.is_visible(), f"pane {name} is not shown"
    # Each pane is its own widget, updated by its own message: wait for its content
    # rather than reading it once the status line has changed.
    expect(pane["selector"]).to_contain_text("self-pipe", timeout=10_000)
    seen = {name: {locator.inner_html()} for name, locator in pane.items()}

    step = explorer.locator("button.toyloop-step")
    for n in (1, 2, 3):
        timeline = pane["timeline"].inner_html()
        step.click()
        expect(status).to_contain_text(f"after iteration {n} of", timeout=10_000)
        expect(pane["iteration"]).to_contain_text(f"iteration {n}: clock t=", timeout=10_000)
        _wait_for_change(page, pane["timeline"], timeline)
        for name, locator in pane.items():
            seen[name].add(locator.inner_html())
    # Stepping changed what the panes show, not just the counter (the timeline shades
    # the current iteration's column).
    assert len(seen["iteration"]) == 4
    assert len(seen["ready"]) >= 2 and len(seen["timeline"]) == 4
    # Chapter 2's program on its VirtualClock: iteration 3 is the one its prose points at,
    # where the 1 s timer sets the shared future and both consumers' wakeups get ready.
    expect(status).to_contain_text("after iteration 3 of 7 · clock t=1.000")
    for name, text in [("iteration", "iteration 3: clock t=1.000, select(timeout=1)"),
                       ("iteration", "timer fired: Future.set_result('data')"),
                       ("iteration", "wakes Task-2, Task-3"),
                       ("ready", "Task-2 wakeup -> consumer()"),
                       ("ready", "Task-3 wakeup -> consumer()"),
                       ("tasks", "Task-2 consumer()  [ready]"),
                       ("timers", "(no timers)")]:
        expect(pane[name]).to_contain_text(text, timeout=10_000)

    explorer.locator("button.toyloop-back").click()
    expect(status).to_contain_text("after iteration 2 of", timeout=10_000)
    step.click()
    expect(status).to_contain_text("after iteration 3 of", timeout=10_000)

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


def _drive_live(page, port: int, token: str) -> None:
    """Chapter 3's live cell: the panel refreshes while the server runs, then stops."""
    from playwright.sync_api import expect

    _open_and_run_all(page, port, token, "live.ipynb")
    live = page.locator(".toyloop-live").last
    live.wait_for(state="visible", timeout=60_000)
    expect(live).to_contain_text("(stopped)", timeout=30_000)
    for label in ("iterations/s", "connections open", "bytes echoed"):
        expect(live).to_contain_text(label)
    expect(page.get_by_text("1000/1000 clients got their echo")).to_be_visible()
