"""Say why the browser test was skipped, even without ``pytest -rs``.

``make test`` runs plain ``pytest tests``, which shows a skip as one ``s``; a
reader then cannot tell that installing chromium would enable the browser test.

``TOYLOOP_SKIP_BROWSER=1`` skips the browser tests on purpose: CI drives chromium
once, under its default Python, since what the browser shows does not depend on
the kernel's Python and each run costs a minute and a half.

Both browser suites drive the same rig, provided here as fixtures:
``runnable_copy(source, target)`` copies a notebook for Run All, and
``lab_in_chromium(work, tmp)`` is a context manager that starts a private
JupyterLab on 127.0.0.1 serving ``work`` and a headless chromium, yields a
:class:`Lab` (port, token, browser), and always stops both.  Either skips the
test, saying what to install, when chromium, playwright or jupyterlab is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Cells that must not run top to bottom in a browser (Run All stops at the first error).
SKIP_TAGS = {"raises-exception", "skip-execution", "nbval-skip"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT = 45.0  # seconds
PAGE_TIMEOUT_MS = 30_000

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "tests/browser/" in report.nodeid.replace("\\", "/"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIPPED.append(reason.removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter):
    for reason in dict.fromkeys(_SKIPPED):  # once each, in order
        terminalreporter.write_line(f"NOTE: browser test skipped: {reason}", yellow=True)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TOYLOOP_SKIP_BROWSER", "") not in ("", "0"):
        skip = pytest.mark.skip(reason="TOYLOOP_SKIP_BROWSER is set (CI runs them once)")
        for item in items:
            if "tests/browser/" in item.nodeid.replace("\\", "/"):
                item.add_marker(skip)


# ---------------------------------------------------------------------------
# The rig: a private JupyterLab on 127.0.0.1 and a headless chromium
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lab:
    port: int
    token: str
    browser: Any  # playwright's Browser


def _chromium() -> str:
    path = os.environ.get("TOYLOOP_CHROMIUM") or "/usr/bin/chromium"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.skip(f"no chromium at {path}: run `apt-get install chromium` "
                    "(or set TOYLOOP_CHROMIUM to a chromium binary) to enable this test")
    return path


def _sync_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: run `pip install playwright` "
                    "(or `pip install -e .[browser]`) to enable this test")
    return sync_playwright


def _copy_to_run(source: Path, target: Path) -> None:
    """A copy without outputs and without cells tagged to fail or to be skipped."""
    nb = json.loads(source.read_text())
    cells = []
    for cell in nb["cells"]:
        if SKIP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    nb["cells"] = cells
    nb.get("metadata", {}).pop("widgets", None)
    target.write_text(json.dumps(nb))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jupyter_env(tmp: Path, draw_all_cells: bool) -> dict[str, str]:
    """A private Jupyter setup in ``tmp``: a kernel on this Python, no user config."""
    kernel_dir = tmp / "jupyter-data" / "kernels" / "python3"
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python",
        "env": {"PYTHONPATH": str(ROOT)},
    }))
    settings = tmp / "lab-settings"
    apputils = settings / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    # No news pop-up, no update checks: nothing leaves loopback.
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    if draw_all_cells:
        # JupyterLab 4 draws only the cells near the viewport by default; draw them all
        # so every image and output exists in the page.
        notebook = settings / "@jupyterlab" / "notebook-extension"
        notebook.mkdir(parents=True)
        (notebook / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
    env = dict(os.environ)
    env.update({
        "JUPYTER_PATH": str(tmp / "jupyter-data"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces"),
        "JUPYTER_PREFER_ENV_PATH": "0",
        "PYTHONPATH": str(ROOT),
    })
    return env


def _wait_for_server(proc: subprocess.Popen, port: int, token: str) -> None:
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)  # polling a server we started; bounded by the deadline
    raise TimeoutError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s")


def _stop(proc: subprocess.Popen) -> None:
    """Terminate JupyterLab's process group (it started kernels), then kill it."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


@contextlib.contextmanager
def _lab_in_chromium(work: Path, tmp: Path, *, draw_all_cells: bool = False) -> Iterator[Lab]:
    """JupyterLab serving ``work`` (its settings and log in ``tmp``) and chromium.

    JupyterLab runs in its own process group and is always terminated, then
    killed; on an error the end of its log goes to stderr.
    """
    chromium = _chromium()
    sync_playwright = _sync_playwright()
    if shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("jupyterlab is not installed in this Python: pip install -e .[lab]")
    port, token = _free_port(), uuid.uuid4().hex
    log_path = tmp / "jupyterlab.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", "--allow-root",
         f"--ServerApp.root_dir={work}", "--ServerApp.port_retries=0",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=_jupyter_env(tmp, draw_all_cells), stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_server(proc, port, token)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                        headless=True, timeout=PAGE_TIMEOUT_MS)
            try:
                yield Lab(port, token, browser)
            finally:
                browser.close()
    except Exception:
        log.flush()
        sys.stderr.write(log_path.read_text(errors="replace")[-3000:])
        raise
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="session")
def runnable_copy() -> Callable[[Path, Path], None]:
    """``runnable_copy(source, target)``: the notebook without outputs or skipped cells."""
    return _copy_to_run


@pytest.fixture(scope="session")
def lab_in_chromium() -> Callable[..., contextlib.AbstractContextManager[Lab]]:
    """``with lab_in_chromium(work, tmp, draw_all_cells=False) as lab:`` (see above)."""
    return _lab_in_chromium
