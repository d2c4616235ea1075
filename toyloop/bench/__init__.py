"""Benchmarks for chapter 6: toyloop against asyncio's loop and uvloop.

Run ``python -m toyloop.bench --help``.  The pieces:

* ``workloads``  -- the workloads, one plain function each, and the loop factories;
* ``harness``    -- runs them in fresh processes, interleaved; medians, ratios, targets;
* ``report``     -- the rich table, a Markdown table for the README, and figures.

This package is a tool, not part of the loop: the core modules never import it.
"""

from .harness import run_suite, summarize
from .workloads import LOOPS, WORKLOADS, Result, Skip, run_workload

__all__ = ["LOOPS", "WORKLOADS", "Result", "Skip", "run_suite", "run_workload", "summarize"]
