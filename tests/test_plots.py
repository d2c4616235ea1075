"""toyloop/tools/plots.py draws what it is given (matplotlib's Agg backend, no display)."""

from __future__ import annotations

import concurrent.futures
import os
import threading

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from toyloop.tools.plots import plot_timeline, plot_write_buffer, timed_call  # noqa: E402


def test_timed_call_reports_who_and_when():
    (pid, tid, start, end), result = timed_call(sum, [1, 2, 3])
    assert result == 6 and pid == os.getpid() and tid == threading.get_ident()
    assert start <= end


def test_timeline_has_one_lane_per_worker():
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        barrier = threading.Barrier(2)  # both workers take a job: two lanes for certain
        spans = [f.result()[0] for f in [pool.submit(timed_call, barrier.wait)
                                         for _ in range(2)]]
    one_worker = [(1, 1, 0.0, 1.0), (1, 1, 1.0, 2.0)]
    ax = plot_timeline({"2 threads": spans, "1 process": one_worker})
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["2 threads: worker 1", "2 threads: worker 2", "1 process: worker 1"]
    assert len(ax.collections) == 3  # one broken_barh per lane
    assert len(ax.collections[2].get_paths()) == 2  # two jobs in the last lane


def test_write_buffer_marks_and_calls():
    samples = [(0.0, 0), (0.001, 70_000), (0.002, 10_000), (0.003, 0)]
    events = [(0.001, "pause_writing"), (0.002, "resume_writing")]
    ax = plot_write_buffer(samples, 16_384, 65_536, events)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["get_write_buffer_size()", "high-water mark (64 KiB)",
                      "low-water mark (16 KiB)", "pause_writing()", "resume_writing()"]
    marks = {line.get_label(): line.get_ydata()[0] for line in ax.get_lines()
             if line.get_label().endswith("()") and line.get_marker() in ("v", "^")}
    # Each call is drawn at the buffer size it saw.
    assert marks == {"pause_writing()": 70_000 / 1024, "resume_writing()": 10_000 / 1024}
