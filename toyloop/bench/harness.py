"""Run the workloads, each repetition in a fresh process, and summarise them.

Why a fresh process per (workload, loop, repetition): the three loops must not
share a heap.  Garbage left by one run (a million timer handles, 10,000
sockets) would make the next run's GC pauses and RSS figures depend on what ran
before; uvloop and asyncio would also share the already-imported modules and
warmed caches.  A child ``python -m toyloop.bench --child`` starts clean, runs
one workload once and prints one JSON line.  Interpreter start-up is outside
the timed section.  The loops are interleaved (toyloop, asyncio, uvloop,
toyloop, ...) so that a slow minute on this shared machine hurts all of them.

Which time: each run records wall-clock time (``perf_counter``) and the
child's CPU time (``process_time``: user + system, all threads).  The summary
compares CPU time by default.  On a machine shared with other jobs wall time
also measures how often the scheduler lets us run (we saw wall = 3 x CPU at a
load average of 3.7 on 2 cores); CPU time does not.  Blocking waits (the
executor's worker threads, the idle client process) are not CPU time of the
loop, which is what we want to compare.  ``--metric wall`` shows wall time.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from .workloads import LOOPS, WORKLOADS, Skip, run_workload, uvloop_available

MAIN_LOOPS = ("toyloop", "asyncio", "uvloop")
# Extra columns for the workloads where they teach something.
EXTRA_LOOPS = {
    "callbacks": ("toyloop-nohooks",),   # does tracing-off cost anything?
    "tasks": ("asyncio-pytask",),        # what asyncio's C Future and Task buy
    "pingpong": ("asyncio-pytask",),
}

# Targets: toyloop's throughput divided by asyncio's, measured in the same run.
RATIO_TARGETS = {
    "callbacks": 1.1,
    "timers": 1.0,
    "tasks": 0.85,
    "pingpong": 0.75,
    "sock_echo": 0.9,
    "stream_echo": 0.9,
}
TIMER_SCALING_TARGET = 12.0   # time(1,000,000 timers) / time(100,000 timers)
RESULT_PREFIX = "RESULT "


# ---------------------------------------------------------------------------
# The child side
# ---------------------------------------------------------------------------


def child_main(workload: str, loop: str, size: int) -> int:
    """Run one workload once and print its result as one JSON line."""
    try:
        result = run_workload(workload, loop, size)
    except Skip as exc:
        payload: dict[str, Any] = {"skipped": str(exc)}
    else:
        payload = asdict(result)
    print(RESULT_PREFIX + json.dumps(payload), flush=True)
    return 0


# ---------------------------------------------------------------------------
# The parent side
# ---------------------------------------------------------------------------


def run_in_child(workload: str, loop: str, size: int, timeout: float = 600) -> dict[str, Any]:
    """One run in a fresh interpreter; a crash or a hang becomes an ``error`` entry."""
    cmd = [sys.executable, "-m", "toyloop.bench", "--child", workload, loop, str(size)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {proc.returncode}: {tail}"}


def loops_for(workload: str, loops: Iterable[str]) -> list[str]:
    chosen = [name for name in loops if name != "uvloop" or uvloop_available()]
    extras = [x for x in EXTRA_LOOPS.get(workload, ()) if "toyloop" in chosen]
    return chosen + extras


def run_suite(names: Iterable[str], *, reps: int = 5, quick: bool = False,
              loops: Iterable[str] = MAIN_LOOPS, in_process: bool = False,
              progress: Callable[[str], None] | None = None,
              sizes: dict[str, int] | None = None) -> dict[str, Any]:
    """Run every workload ``reps`` times on every loop, interleaved; return raw runs.

    ``sizes`` overrides the size of some workloads.
    ``in_process=True`` skips the child processes (the notebook uses it for its
    small, fast runs; the figures are then less independent of each other).
    """
    runs: list[dict[str, Any]] = []
    meta = _meta(reps, quick)  # now: the load average and date of the start
    loops = tuple(loops)
    for name in names:
        workload = WORKLOADS[name]
        size = workload.quick if quick else workload.size
        size = (sizes or {}).get(name, size)
        for rep in range(reps):
            for loop in loops_for(name, loops):
                if in_process:
                    try:
                        entry: dict[str, Any] = asdict(run_workload(name, loop, size))
                    except Skip as exc:
                        entry = {"skipped": str(exc)}
                else:
                    entry = run_in_child(name, loop, size)
                entry.update(workload=name, loop=loop, rep=rep, size=size)
                runs.append(entry)
                if progress is not None:
                    progress(_describe(entry))
    return {"meta": meta, "runs": runs}


def _describe(entry: dict[str, Any]) -> str:
    head = f"{entry['workload']:<12} {entry['loop']:<16} rep {entry['rep']}"
    if "skipped" in entry:
        return f"{head}  skipped: {entry['skipped']}"
    if "error" in entry:
        return f"{head}  ERROR: {entry['error']}"
    return f"{head}  {entry['elapsed']:.4f} s{'' if entry['ok'] else '  WRONG RESULT'}"


def _meta(reps: int, quick: bool) -> dict[str, Any]:
    try:
        import uvloop
        uv_version = uvloop.__version__
    except ImportError:
        uv_version = None
    try:  # which toyloop was measured (None outside a git checkout)
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10,
                                cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "toyloop_commit": commit or None,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "uvloop": uv_version,
        "reps": reps,
        "quick": quick,
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "command": "python -m toyloop.bench " + " ".join(sys.argv[1:]),
    }


# ---------------------------------------------------------------------------
# Summaries and targets
# ---------------------------------------------------------------------------


def summarize(data: dict[str, Any], metric: str = "cpu") -> dict[str, Any]:
    """Medians per (workload, loop), ratios to asyncio, and the targets met or missed.

    ``metric`` is ``"wall"`` (perf_counter) or ``"cpu"`` (the child's CPU time).
    """
    key = {"wall": "elapsed", "cpu": "cpu"}[metric]
    cells: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in data["runs"]:
        cell = cells.setdefault(entry["workload"], {}).setdefault(
            entry["loop"], {"times": [], "extra": [], "ok": True, "notes": set()})
        if "skipped" in entry:
            cell["notes"].add("skipped: " + entry["skipped"])
        elif "error" in entry:
            cell["notes"].add("error: " + entry["error"])
            cell["ok"] = False
        else:
            cell["times"].append(entry.get(key) or entry["elapsed"])
            cell["ops"] = entry["ops"]
            cell["extra"].append(entry.get("extra") or {})
            cell["ok"] = cell["ok"] and entry["ok"]
    summary: dict[str, Any] = {}
    for name, by_loop in cells.items():
        row: dict[str, Any] = {}
        for loop, cell in by_loop.items():
            info: dict[str, Any] = {"ok": cell["ok"], "notes": sorted(cell["notes"])}
            if cell["times"]:
                median = statistics.median(cell["times"])
                info.update(median_s=median, ops=cell["ops"], ops_per_s=cell["ops"] / median,
                            runs=len(cell["times"]),
                            spread_pct=100 * (max(cell["times"]) - min(cell["times"])) / median)
                for extra in ("bytes_per_conn", "served"):
                    values = [x[extra] for x in cell["extra"] if extra in x]
                    if values:
                        info[extra] = statistics.median_low(values)
            row[loop] = info
        base = row.get("asyncio", {}).get("ops_per_s")
        for info in row.values():
            if base and "ops_per_s" in info:
                info["ratio"] = info["ops_per_s"] / base
        summary[name] = row
    return {"metric": metric, "meta": data.get("meta", {}), "workloads": summary,
            "targets": targets(summary), "tracing_off": tracing_off(summary)}


def _verdict(value: float | None, ok: bool) -> str:
    return "n/a" if value is None else ("PASS" if ok else "MISS")


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per target: what, the target, the measured value, PASS/MISS/n/a."""
    out = []
    for name, goal in RATIO_TARGETS.items():
        ratio = summary.get(name, {}).get("toyloop", {}).get("ratio")
        out.append({"workload": name, "target": f"ratio >= {goal}", "value": ratio,
                    "verdict": _verdict(ratio, ratio is not None and ratio >= goal)})
    for name, kind in (("idle_conns", "RSS"), ("idle_conns_heap", "Python heap")):
        idle = summary.get(name, {})
        toy = idle.get("toyloop", {}).get("bytes_per_conn")
        aio = idle.get("asyncio", {}).get("bytes_per_conn")
        value = None if toy is None or aio is None else toy / aio
        if idle:
            out.append({"workload": name,
                        "target": f"memory/conn ({kind}) <= asyncio's (ratio <= 1)",
                        "value": value,
                        "verdict": _verdict(value, value is not None and value <= 1.0)})
    idle = summary.get("idle_conns", {})
    if idle:
        want = max((info.get("ops", 0) for info in idle.values()), default=0)
        for loop, info in idle.items():
            served = info.get("served")
            out.append({"workload": "idle_conns", "target": f"{loop}: {want:,} served",
                        "value": served, "verdict": _verdict(served, served == want)})
    t100k = summary.get("timers", {}).get("toyloop", {}).get("median_s")
    t1m = summary.get("timers_1m", {}).get("toyloop", {}).get("median_s")
    if t100k and t1m:
        sizes = (summary["timers"]["toyloop"]["ops"], summary["timers_1m"]["toyloop"]["ops"])
        value = t1m / t100k
        verdict = _verdict(value, value <= TIMER_SCALING_TARGET)
        if sizes != (100_000, 1_000_000):
            verdict = "n/a"  # --quick or custom sizes: the target is about 10x more timers
        out.append({"workload": "timers_1m",
                    "target": f"time({sizes[1]:,})/time({sizes[0]:,}) <= "
                              f"{TIMER_SCALING_TARGET:g}",
                    "value": value, "verdict": verdict})
    return out


def tracing_off(summary: dict[str, Any]) -> dict[str, Any] | None:
    """Callbacks on EventLoop (no instrument) vs NoHooksEventLoop, which ignores instruments.

    Since the tools observe from outside (``toyloop/observe.py``) both run the same
    ``_run_once``: the difference is the noise between two runs of one loop.  The keys
    keep their old names for comparison with older results.
    """
    row = summary.get("callbacks", {})
    with_hooks = row.get("toyloop", {}).get("median_s")
    without = row.get("toyloop-nohooks", {}).get("median_s")
    if not with_hooks or not without:
        return None
    return {"with_hook_tests_s": with_hooks, "without_hook_points_s": without,
            "difference_pct": 100 * (with_hooks - without) / without,
            "spread_pct": max(row["toyloop"]["spread_pct"], row["toyloop-nohooks"]["spread_pct"])}


def timer_scaling(summary: dict[str, Any], loop: str = "toyloop") -> list[tuple[int, float]]:
    """(timers, median seconds) for the timer workloads, smallest first."""
    points = []
    for name in ("timers_10k", "timers", "timers_1m"):
        info = summary.get(name, {}).get(loop, {})
        if "median_s" in info:
            points.append((info["ops"], info["median_s"]))
    return sorted(points)


def save_json(data: dict[str, Any], path: str, metric: str = "cpu") -> None:
    data["meta"]["load_average_after"] = os.getloadavg()
    out = dict(data, summary=summarize(data, metric))
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False, default=str)
        f.write("\n")


__all__ = ["LOOPS", "MAIN_LOOPS", "RATIO_TARGETS", "WORKLOADS", "child_main", "run_in_child",
           "run_suite", "save_json", "summarize", "targets", "timer_scaling", "tracing_off"]
