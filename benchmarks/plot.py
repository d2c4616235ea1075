"""Draw the figures of a saved benchmark run.

    python benchmarks/plot.py benchmarks/results.json            # -> benchmarks/results.png
    python benchmarks/plot.py benchmarks/results.json --metric wall
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from toyloop.bench import harness, report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", type=Path)
    parser.add_argument("--metric", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--out", type=Path, help="PNG path (default: next to the JSON)")
    args = parser.parse_args()
    summary = harness.summarize(json.loads(args.json.read_text()), args.metric)
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4.5), width_ratios=[2.2, 1])
    report.plot_ratios(summary, ax=left)
    report.plot_timer_scaling(summary, ax=right)
    fig.tight_layout()
    out = args.out or args.json.with_suffix(".png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
