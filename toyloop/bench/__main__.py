"""``python -m toyloop.bench``: toyloop, asyncio and uvloop side by side.

Examples::

    python -m toyloop.bench                      # everything, 5 repetitions
    python -m toyloop.bench --quick              # small sizes, 2 repetitions
    python -m toyloop.bench --only callbacks,timers --reps 9
    python -m toyloop.bench --json benchmarks/results.json
"""

from __future__ import annotations

import argparse
import json
import sys

from .harness import child_main, run_suite, save_json, summarize
from .report import markdown_table, print_report
from .workloads import WORKLOADS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toyloop.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated workloads: " + ", ".join(WORKLOADS))
    parser.add_argument("--reps", type=int, help="repetitions per loop (default 5; 2 quick)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a fast smoke run")
    parser.add_argument("--json", metavar="PATH", help="write raw runs and summary here")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--from-json", metavar="PATH", help="only print a saved run's table")
    parser.add_argument("--metric", choices=["cpu", "wall"], default="cpu",
                        help="time to compare: the child's CPU time (default: steadier on "
                             "a shared machine) or wall-clock time")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--child", nargs=3, metavar=("WORKLOAD", "LOOP", "SIZE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        workload, loop, size = args.child
        return child_main(workload, loop, int(size))
    if args.from_json:
        with open(args.from_json) as f:
            data = json.load(f)
        summary = summarize(data, args.metric)
    else:
        names = args.only.split(",") if args.only else list(WORKLOADS)
        unknown = [n for n in names if n not in WORKLOADS]
        if unknown:
            parser.error(f"unknown workload(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(WORKLOADS)}")
        reps = args.reps or (2 if args.quick else 5)
        progress = None if args.quiet else (lambda line: print(line, file=sys.stderr,
                                                               flush=True))
        data = run_suite(names, reps=reps, quick=args.quick, progress=progress)
        if args.json:
            save_json(data, args.json, args.metric)
        summary = summarize(data, args.metric)
    print_report(summary)
    if args.markdown:
        print(markdown_table(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
