"""Every picture of every notebook, in a real browser: JupyterLab, then nbconvert's HTML.

Issue 15: pictures must render alike in JupyterLab, in nbconvert's HTML export and on
GitHub, and every widget needs a static copy for viewers without a kernel.  This test
looks at the notebooks as a reader would, with Debian's chromium driven by Playwright:

1. JupyterLab, each notebook opened with its stored outputs (not run): every image
   (the diagrams' SVGs, matplotlib's plots) has loaded (``naturalWidth > 0``), no
   Mermaid error box shows, and where the notebook holds an explorer or a live monitor
   its static copy is visible (before running, JupyterLab cannot draw the widget).
2. JupyterLab, each notebook with a widget run top to bottom: the live widget is drawn
   and its static copy is hidden next to it.
3. ``jupyter nbconvert --to html`` of every notebook, written to a temporary folder
   with the figures beside it and opened from disk: every image loads, and the
   explorer's six panes and the monitor's figures are there.

It saves one screenshot per picture (and per widget and static copy) into
``build/screenshots/pictures/`` (git-ignored); it never writes to the tracked tree.  Copy the
README's screenshots from there with::

    python tests/browser/test_pictures_browser.py --update-docs

Needs chromium (TOYLOOP_CHROMIUM, default /usr/bin/chromium), playwright and
jupyterlab; skipped, saying which is missing, otherwise.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIGURES = NOTEBOOKS / "figures"
# A folder of its own under build/screenshots/: `make screenshots` copies that folder's
# top-level *.png to docs/, and these are too many for that.
SHOTS = ROOT / "build" / "screenshots" / "pictures"
# Screenshots the README shows: name in SHOTS -> name in docs/ (see --update-docs).
# (.gitignore ignores screenshot-*.png anywhere, hence the picture- names.)
README_SHOTS = {
    "02_futures_and_tasks-lab-picture-03.png": "picture-run-once.png",
    "03_selectors_sockets_timers-lab-monitor.png": "picture-live-monitor.png",
    "02_futures_and_tasks-export-explorer-static.png": "picture-explorer-static.png",
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PAGE_TIMEOUT_MS = 30_000    # each page wait (conftest.py's rig uses the same)
RUN_TIMEOUT_MS = 120_000     # Run All of a notebook with a widget (chapter 3: ~20 s)

pytestmark = [pytest.mark.browser]

# What a notebook's stored outputs say it shows: image outputs and widget classes.
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _inventory(path: Path) -> dict:
    """Pictures in the markdown, image outputs, and which widgets the outputs hold."""
    nb = json.loads(path.read_text())
    md_images = code_images = 0
    widgets: set[str] = set()
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            md_images += source.count("![") + source.count("<img ")
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            code_images += any(kind in data for kind in IMAGE_TYPES)
            html = "".join(data.get("text/html", ""))
            # Class attributes, not the hiding style rule every static copy carries.
            if 'class="toyloop-static"' in html:
                widgets.add("explorer")
            if 'toyloop-live-static"' in html:
                widgets.add("monitor")
            if WIDGET_VIEW in data and "LiveMonitor" in "".join(data.get("text/plain", "")):
                widgets.add("monitor")
            if WIDGET_VIEW in data and "Explorer" in "".join(data.get("text/plain", "")):
                widgets.add("explorer")
    return {"markdown_images": md_images, "image_outputs": code_images, "widgets": widgets,
            "mermaid": any("```mermaid" in "".join(c["source"]) for c in nb["cells"])}


# ---------------------------------------------------------------------------
# JupyterLab and chromium: the rig in conftest.py, shared with test_explorer_browser.py
# ---------------------------------------------------------------------------


def _copy_for_lab(work: Path) -> None:
    """The notebooks with their outputs, and the figures their markdown points at."""
    for path in _notebooks():
        shutil.copy(path, work / path.name)
    if FIGURES.is_dir():
        shutil.copytree(FIGURES, work / "figures")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, lab_in_chromium, runnable_copy) -> Iterator[dict]:
    """A JupyterLab on 127.0.0.1 serving copies of the notebooks, and a chromium page
    (``copy_to_run`` copies a notebook into its folder for Run All)."""
    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "nb"
    work.mkdir()
    _copy_for_lab(work)
    with lab_in_chromium(work, tmp, draw_all_cells=True) as server:
        context = server.browser.new_context(viewport={"width": 1400, "height": 1100})
        # Loopback and local files only: nbconvert's page asks CDNs for require.js
        # and MathJax, and a blocking <script> that waits on the network would
        # hold the page (and break the rule that nothing leaves loopback).
        context.route("**/*", _loopback_only)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        yield {"page": page, "port": server.port, "token": server.token, "work": work,
               "tmp": tmp, "browser": server.browser, "copy_to_run": runnable_copy}


def _loopback_only(route) -> None:
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "file://", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def _open(lab: dict, name: str, workspace: str) -> None:
    page = lab["page"]
    page.goto(f"http://127.0.0.1:{lab['port']}/lab/workspaces/{workspace}/tree/{name}"
              f"?token={lab['token']}")
    page.wait_for_selector(".jp-Notebook", state="visible")


def _check_images(page, scope: str, stem: str, where: str) -> int:
    """Every <img> under ``scope`` loaded; a screenshot of each; returns how many."""
    images = page.locator(f"{scope} img")
    count = images.count()
    for i in range(count):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        # Wait for the load to finish, then judge it: a broken image is complete too.
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        width = image.evaluate("img => img.naturalWidth")
        src = (image.get_attribute("src") or "")[:80]
        assert width > 0, f"{stem} ({where}): image {i + 1} did not load: {src}"
        image.screenshot(path=str(SHOTS / f"{stem}-{where}-picture-{i + 1:02d}.png"))
    return count


# ---------------------------------------------------------------------------
# 1 and 2: JupyterLab
# ---------------------------------------------------------------------------


@pytest.mark.timeout(240)
@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_notebook_pictures_in_jupyterlab(lab: dict, path: Path) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page, stem, want = lab["page"], path.stem, _inventory(path)
    _open(lab, path.name, f"{stem}-stored")
    cells = page.locator(".jp-Notebook .jp-Cell")
    expect(cells).to_have_count(len(json.loads(path.read_text())["cells"]))
    page.wait_for_load_state("networkidle")
    # Markdown images are <img> in rendered markdown; image outputs are <img> too.  Cells
    # render after the network is idle (markdown is rendered asynchronously): wait until
    # every picture the notebook holds has its <img>, or 60 s, then judge each.
    expected = want["markdown_images"] + want["image_outputs"]
    with contextlib.suppress(Exception):  # the assertion below says what was missing
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-Notebook img').length >= n",
            arg=expected, timeout=60_000)
    shown = _check_images(page, ".jp-Notebook", stem, "lab")
    assert shown >= expected, (
        f"{stem}: {shown} images drawn, the notebook holds {want['markdown_images']} in "
        f"markdown and {want['image_outputs']} image outputs")
    # A Mermaid diagram that failed to parse shows an error box instead of an SVG.
    assert page.locator(".jp-RenderedMermaid .jp-mod-warning, .mermaid-error, "
                        "[id^='dmermaid']").count() == 0, f"{stem}: a Mermaid error box"
    if want["mermaid"]:
        assert page.locator(".jp-RenderedMermaid svg").count() > 0
    # Not run yet: no widget can be drawn, so the static copies must show.
    for widget, static in (("explorer", ".toyloop-static"), ("monitor", ".toyloop-live-static")):
        if widget in want["widgets"]:
            copy = page.locator(static).last
            copy.scroll_into_view_if_needed()
            expect(copy).to_be_visible()
            copy.screenshot(path=str(SHOTS / f"{stem}-lab-{widget}-static.png"))
    if want["widgets"]:
        _run_and_check_widgets(lab, path, want["widgets"])


def _run_and_check_widgets(lab: dict, path: Path, widgets: set[str]) -> None:
    """Run the notebook in JupyterLab: live widgets drawn, their static copies hidden."""
    from playwright.sync_api import expect

    page, stem = lab["page"], path.stem
    name = f"run-{path.name}"
    lab["copy_to_run"](path, lab["work"] / name)
    _open(lab, name, f"{stem}-run")
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(state="visible")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    if "explorer" in widgets:
        explorer = page.locator(".toyloop-explorer").last
        explorer.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
        for pane in ("iteration", "ready", "timers", "selector", "tasks", "timeline"):
            expect(explorer.locator(f".toyloop-pane-{pane}")).to_be_visible()
        # `has` is matched inside each output area: chapter 2 has two explorers (its
        # program, then the same program on the learner's loop), so take the last area.
        area = page.locator(".jp-OutputArea", has=explorer).last
        expect(area.locator(".toyloop-static")).to_be_hidden()
        explorer.scroll_into_view_if_needed()
        explorer.screenshot(path=str(SHOTS / f"{stem}-lab-explorer.png"))
    if "monitor" in widgets:
        live = page.locator(".toyloop-live").last
        live.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
        expect(live).to_contain_text("(stopped", timeout=RUN_TIMEOUT_MS)
        expect(live).to_contain_text("peak")
        area = page.locator(".jp-OutputArea", has=live)
        expect(area.locator(".toyloop-live-static")).to_be_hidden()
        live.scroll_into_view_if_needed()
        live.screenshot(path=str(SHOTS / f"{stem}-lab-monitor.png"))
    # Stop the kernel before the next notebook: shut down every session.
    page.evaluate("""async token => {
        const r = await fetch(`/api/sessions?token=${token}`);
        for (const s of await r.json())
            await fetch(`/api/sessions/${s.id}?token=${token}`, {method: 'DELETE'});
    }""", lab["token"])


# ---------------------------------------------------------------------------
# 3: nbconvert's HTML export, opened from disk
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports(lab: dict) -> Path:
    """Every notebook exported by `jupyter nbconvert --to html` into a temporary folder."""
    out = lab["tmp"] / "html"
    out.mkdir()
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir",
         str(out), *map(str, _notebooks())],
        check=True, capture_output=True, timeout=180, cwd=lab["tmp"])
    if FIGURES.is_dir():  # the export keeps the markdown's relative links: figures/...
        shutil.copytree(FIGURES, out / "figures")
    return out


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_notebook_pictures_in_nbconvert_html(lab: dict, exports: Path, path: Path) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page, stem, want = lab["page"], path.stem, _inventory(path)
    html = exports / f"{stem}.html"
    # No network: the page's CDN scripts (MathJax, require.js) fail fast; ours need none.
    page.goto(html.as_uri(), wait_until="domcontentloaded")
    shown = _check_images(page, "body", stem, "export")
    assert shown >= want["markdown_images"] + want["image_outputs"], (stem, shown, want)
    if "explorer" in want["widgets"]:
        static = page.locator(".toyloop-static").last
        expect(static).to_be_visible()
        for pane in ("iteration", "ready", "timers", "selector", "tasks", "timeline"):
            expect(static.locator(f'details[open] [data-pane="{pane}"]').first).to_be_visible()
        static.scroll_into_view_if_needed()
        static.screenshot(path=str(SHOTS / f"{stem}-export-explorer-static.png"))
    if "monitor" in want["widgets"]:
        static = page.locator(".toyloop-live-static").last
        expect(static).to_be_visible()
        expect(static).to_contain_text("(stopped")
        expect(static).to_contain_text("peak")
        static.screenshot(path=str(SHOTS / f"{stem}-export-monitor-static.png"))


def _update_docs() -> int:
    """Copy the README's screenshots from build/screenshots/pictures/ into docs/."""
    missing = [name for name in README_SHOTS if not (SHOTS / name).exists()]
    if missing:
        print(f"missing in {SHOTS}: {', '.join(missing)}; run the browser test first:\n"
              f"  pytest tests/browser/test_pictures_browser.py")
        return 1
    for name, target in README_SHOTS.items():
        shutil.copy(SHOTS / name, ROOT / "docs" / target)
        print(f"docs/{target} <- {SHOTS.relative_to(ROOT) / name}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--update-docs"]:
        sys.exit(_update_docs())
    print(__doc__)
    sys.exit(2)
