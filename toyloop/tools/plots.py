"""Plots the notebooks draw from a run they just made (matplotlib, imported lazily).

Each helper takes numbers a cell recorded and draws them; nothing here runs the
experiment, so the picture is always of the run in the cell above it.

* :func:`timed_call` wraps a job so a thread or process pool reports who ran it and
  when; :func:`plot_timeline` draws those spans, one lane per worker (chapter 4:
  threads take turns under the GIL, processes run side by side).
* :func:`plot_write_buffer` draws a transport's write buffer against time between its
  low and high water marks, with the protocol's ``pause_writing``/``resume_writing``
  calls marked (chapter 5).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Span", "plot_timeline", "plot_write_buffer", "timed_call"]

# (pid, thread id, start, end) with start/end from time.time(): one clock that every
# process on the machine shares, unlike perf_counter, whose zero is per process.
Span = tuple[int, int, float, float]

_COLORS = ["#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#e6ab02"]


def timed_call(func: Callable[..., Any], *args: Any) -> tuple[Span, Any]:
    """Run ``func(*args)``; return ((pid, thread id, start, end), its result).

    Module level, so a process pool can pickle it (with ``func`` importable too).
    """
    start = time.time()
    result = func(*args)
    return (os.getpid(), threading.get_ident(), start, time.time()), result


def _lanes(spans: Sequence[Span]) -> dict[tuple[int, int], int]:
    """Worker (pid, thread) -> lane number, in order of each worker's first job."""
    lanes: dict[tuple[int, int], int] = {}
    for pid, tid, _start, _end in sorted(spans, key=lambda s: s[2]):
        lanes.setdefault((pid, tid), len(lanes))
    return lanes


def plot_timeline(runs: dict[str, Sequence[Span]], ax: Any = None,
                  title: str = "Who ran when") -> Any:
    """One row of bars per worker, grouped by run; x is seconds since that run began.

    ``runs`` maps a label ("2 threads") to the spans :func:`timed_call` reported.
    Each bar is one job, from its start to its end.
    """
    import matplotlib.pyplot as plt

    rows = sum(len(_lanes(spans)) for spans in runs.values())
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.45 * rows + 1.3), layout="constrained")
    labels: list[str] = []
    for color, (label, spans) in zip(_COLORS, runs.items(), strict=False):
        lanes = _lanes(spans)
        origin = min(s[2] for s in spans)
        base = len(labels)
        for (pid, tid), lane in lanes.items():
            labels.append(f"{label}: worker {lane + 1}")
            mine = [(s - origin, e - s) for p, t, s, e in spans if (p, t) == (pid, tid)]
            ax.broken_barh(mine, (base + lane - 0.35, 0.7), facecolors=color,
                           edgecolors="white", linewidth=1)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel("seconds since the run started (each bar: one job)")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_write_buffer(samples: Sequence[tuple[float, int]], low: int, high: int,
                      events: Sequence[tuple[float, str]] = (), ax: Any = None,
                      title: str = "The write buffer between its water marks") -> Any:
    """Buffer size (KiB) against time (ms), the two marks, and pause/resume calls.

    ``samples`` are (seconds, bytes buffered); ``events`` are (seconds, method name),
    e.g. (0.012, "pause_writing").  Times are relative to the first sample.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    t0 = samples[0][0] if samples else 0.0
    ax.step([1e3 * (t - t0) for t, _ in samples], [n / 1024 for _, n in samples],
            where="post", color="#0969da", lw=1.5, label="get_write_buffer_size()")
    ax.axhline(high / 1024, color="#cf222e", ls="--", lw=1,
               label=f"high-water mark ({high // 1024} KiB)")
    ax.axhline(low / 1024, color="#1a7f37", ls="--", lw=1,
               label=f"low-water mark ({low // 1024} KiB)")
    styles = {"pause_writing": ("#cf222e", "v"), "resume_writing": ("#1a7f37", "^")}
    seen: set[str] = set()
    for t, name in events:
        color, marker = styles.get(name, ("black", "o"))
        # Mark the call at the buffer size it saw: the last sample taken at or before it.
        before = [n for t_s, n in samples if t_s <= t]
        y = (before[-1] if before else 0) / 1024
        ax.plot([1e3 * (t - t0)], [y], marker=marker, color=color, ms=9, ls="none",
                label=f"{name}()" if name not in seen else None)
        seen.add(name)
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.set_xlabel("milliseconds")
    ax.set_ylabel("bytes buffered (KiB)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    return ax
