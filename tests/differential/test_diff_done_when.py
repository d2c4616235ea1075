"""Issue 2's "done when": an unchanged asyncio program prints the same on both loops.

tests/programs/unchanged_asyncio.py uses asyncio.sleep, gather, wait_for, Queue and
TaskGroup; it runs under asyncio.run() or asyncio.Runner(loop_factory=toyloop.EventLoop)
depending on its argument, and reports the loop's module on stderr.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "tests" / "programs" / "unchanged_asyncio.py"


def _run_subprocess(choice: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-X", "dev", str(PROGRAM), choice], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_program_output_is_the_same_in_subprocesses() -> None:
    on_asyncio = _run_subprocess("asyncio")
    on_toyloop = _run_subprocess("toyloop")
    assert on_asyncio.returncode == 0, on_asyncio.stderr
    assert on_toyloop.returncode == 0, on_toyloop.stderr
    assert on_toyloop.stdout == on_asyncio.stdout
    assert on_asyncio.stdout.splitlines()[0] == "start"
    assert on_asyncio.stdout.splitlines()[-1] == "result: done"
    # each really ran on the loop it claims (and -X dev printed no warnings)
    assert on_asyncio.stderr.strip() == "loop: asyncio.unix_events"
    assert on_toyloop.stderr.strip() == "loop: toyloop.ch7_unix"


@pytest.fixture(scope="module")
def program():
    spec = importlib.util.spec_from_file_location("unchanged_asyncio", PROGRAM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_program_output_is_the_same_in_process(program, capsys) -> None:
    assert program.run("asyncio") == "done"
    on_asyncio = capsys.readouterr()
    assert program.run("toyloop") == "done"
    on_toyloop = capsys.readouterr()
    assert on_toyloop.out == on_asyncio.out
    assert "loop: toyloop.ch7_unix" in on_toyloop.err
    assert asyncio.events._get_running_loop() is None  # nothing left behind
