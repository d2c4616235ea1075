"""The checker in a real Jupyter kernel: a blocking call, a leak and a swallowed timeout.

A small notebook is generated in a temporary folder and run by nbclient in a fresh
kernel of the Python running the tests, as a learner's notebook would be: the
answers are defined in cells (so the checker must quote cell lines), ``check()``
shows its report, and a last cell proves the kernel is still usable after a
``bare except:`` swallowed the checker's interrupt.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from current_env_kernel import current_env_kernel_manager

ROOT = Path(__file__).resolve().parent.parent

CELLS = [
    # 1. a blocking call in a coroutine
    '''
    import asyncio, socket, time
    from toyloop.exercises.ch0 import warm_up

    async def double_later(x):
        time.sleep(1)  # blocks the loop's thread
        return 2 * x

    warm_up.check(double_later)
    ''',
    # 2. a leak: a socket opened by the learner's code and never closed
    '''
    from toyloop.tools.checker import Exercise, run_in_loop

    kept = []

    def case_opens(fn):
        """the answer runs"""
        run_in_loop(fn)

    async def leaky():
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        kept.append(sock)

    leak_exercise = Exercise("leak demo", [case_opens], timeout=5)
    leak_exercise.check(leaky)
    for sock in kept:
        sock.close()
    ''',
    # 3. a bare except around a spin swallows the checker's interrupt
    '''
    async def double_later(x):
        while True:
            try:
                for _ in range(10_000):
                    pass
            except:
                pass

    warm_up.check(double_later)
    ''',
    # 4. the kernel is still usable
    '''
    print("kernel still answers:", 6 * 7)
    ''',
]


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
    text = re.sub(r"\x1b\[[0-9;]*m", "", " ".join(parts)).replace("│", " ")
    return " ".join(text.split())  # rich draws a box and wraps lines: compare words


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_blocking_leak_and_swallowed_timeout_are_named_in_a_kernel(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c).strip()) for c in CELLS]
    path = tmp_path / "checker_demo.ipynb"
    nbformat.write(nb, path)
    client = nbclient.NotebookClient(nb, km=current_env_kernel_manager(), timeout=60,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    blocking, leak, swallowed, alive = (_text(c) for c in nb.cells)
    assert "blocked the loop for 1.0 s at line 5" in blocking, blocking
    assert "`time.sleep(1)" in blocking and "time.sleep(...)" in blocking, blocking
    assert "is still open (it was not closed)" in leak, leak
    assert "created at line 10 (in leaky)" in leak, leak
    assert "swallowed the checker's interrupt with a bare `except:`" in swallowed, swallowed
    assert "a loop at line 3" in swallowed, swallowed
    assert "kernel still answers: 42" in alive, alive
