"""Show a summary: a rich table (plain text if rich is not installed), the same
table in Markdown for the README, and matplotlib figures."""

from __future__ import annotations

import textwrap
from typing import Any

from .harness import MAIN_LOOPS, RATIO_TARGETS, TIMER_SCALING_TARGET, timer_scaling
from .workloads import WORKLOADS


def _rate(info: dict[str, Any] | None) -> str:
    if not info:
        return "-"
    if "ops_per_s" not in info:
        return "skipped" if any(n.startswith("skipped") for n in info["notes"]) else "error"
    rate = info["ops_per_s"]
    text = f"{rate / 1e6:.2f}M" if rate >= 1e6 else f"{rate / 1e3:.1f}k" if rate >= 1e3 \
        else f"{rate:.0f}"
    return text + ("" if info["ok"] else " WRONG")


def _ratio(info: dict[str, Any] | None) -> str:
    return f"{info['ratio']:.2f}" if info and "ratio" in info else "-"


def rows(summary: dict[str, Any]) -> list[list[str]]:
    """Table rows: workload, per-loop throughput, ratios, target, verdict."""
    verdicts = {t["workload"]: t for t in summary["targets"] if t["workload"] in RATIO_TARGETS}
    out = []
    for name, row in summary["workloads"].items():
        target = verdicts.get(name)
        out.append([
            name, f"{WORKLOADS[name].unit}/s",
            *(_rate(row.get(loop)) for loop in MAIN_LOOPS),
            _ratio(row.get("toyloop")), _ratio(row.get("uvloop")),
            target["target"].replace("ratio ", "") if target else "",
            target["verdict"] if target else "",
        ])
        for loop, info in row.items():
            if loop not in MAIN_LOOPS:
                out.append([f"  {name} on {loop}", "", _rate(info) if "toyloop" in loop else "",
                            _rate(info) if "asyncio" in loop else "", "", _ratio(info),
                            "", "", ""])
    return out


def notes(summary: dict[str, Any]) -> list[str]:
    """Lines printed under the table: memory, scaling, tracing, targets, skips."""
    lines = []
    for name, what in (("idle_conns", "resident memory (RSS delta)"),
                       ("idle_conns_heap", "Python heap (tracemalloc)")):
        idle = summary["workloads"].get(name, {})
        mem = ", ".join(f"{loop} {info['bytes_per_conn']:,.0f} B" for loop, info in idle.items()
                        if "bytes_per_conn" in info)
        if mem:
            lines.append(f"Idle connections, {what} per connection: {mem}")
    for loop in MAIN_LOOPS:
        points = timer_scaling(summary["workloads"], loop)
        if len(points) >= 2:
            text = ", ".join(f"{n:,}: {t:.3f} s" for n, t in points)
            by_n = dict(points)
            ratio = ""
            if 100_000 in by_n and 1_000_000 in by_n:
                ratio = (f"  -> 1,000,000/100,000 = {by_n[1_000_000] / by_n[100_000]:.1f}x"
                         f" (target <= {TIMER_SCALING_TARGET:g}x for toyloop)")
            lines.append(f"Timer scaling on {loop}: {text}{ratio}")
    off = summary.get("tracing_off")
    if off:
        lines.append(
            f"Tracing off: callbacks on EventLoop, no instrument "
            f"{off['with_hook_tests_s']:.4f} s, "
            f"on NoHooksEventLoop {off['without_hook_points_s']:.4f} s: "
            f"{off['difference_pct']:+.1f}% (run-to-run spread of either: up to "
            f"{off['spread_pct']:.0f}%)")
    for t in summary["targets"]:
        if t["workload"] in RATIO_TARGETS:
            continue
        value = "-" if t["value"] is None else (
            f"{t['value']:,}" if "served" in t["target"] else f"{t['value']:.2f}")
        lines.append(f"Target {t['workload']}: {t['target']}: {value} {t['verdict']}")
    for name, row in summary["workloads"].items():
        for loop, info in row.items():
            for note in info["notes"]:
                lines.append(f"Note {name} on {loop}: {note}")
    return lines


HEADERS = ["workload", "unit", *MAIN_LOOPS, "toyloop/asyncio", "uvloop/asyncio",
           "target", "verdict"]


def print_report(summary: dict[str, Any], title: str = "toyloop benchmarks",
                 width: int = 88) -> None:
    """The table and its notes, within ``width`` columns (a notebook's output area).

    The unit column is left out (each workload's unit is in the README's table and in
    ``benchmarks/README.md``); the ratio headers break over two lines.
    """
    try:
        from rich.console import Console, Group
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        print(title)
        print(" | ".join(HEADERS))
        for row in rows(summary):
            print(" | ".join(row))
        print("\n".join(textwrap.fill(line, width, subsequent_indent="  ")
                        for line in notes(summary)))
        return
    meta = summary.get("meta") or {}
    caption = (f"throughput, medians of {summary.get('metric', 'wall')} time; ratios to "
               "asyncio's loop measured in the same run")
    if meta:
        caption += (f";\nPython {meta.get('python')}, {meta.get('cpus')} CPUs, "
                    f"uvloop {meta.get('uvloop')}, {meta.get('reps')} reps, load average "
                    f"at start {meta.get('load_average', [0])[0]:.1f}")
    # No box: the columns' separators would cost 8 characters of the 88.
    table = Table(title=title, box=None, padding=(0, 1), pad_edge=False,
                  header_style="bold")
    widths = {"workload": 17, "toyloop/asyncio": 8, "uvloop/asyncio": 8, "target": 7}
    for header in HEADERS:
        if header == "unit":
            continue
        table.add_column(header.replace("/", "/\n"), width=widths.get(header, 7),
                         no_wrap=True, justify="left" if header == "workload" else "right")
    for row in rows(summary):
        style = {"PASS": "green", "MISS": "red"}.get(row[-1])
        row[-1] = f"[{style}]{row[-1]}[/]" if style else row[-1]
        if row[0].startswith("  "):  # "  tasks on asyncio-pytask": the variant's loop
            row[0] = "  " + row[0].split(" on ", 1)[1]
        table.add_row(row[0], *row[2:])
    # One print, so that a notebook gets one output rather than one per line.
    lines = [Text(caption, style="italic"), *(Text(line) for line in notes(summary))]
    Console(width=width).print(Group(table, *lines))


def markdown_table(summary: dict[str, Any]) -> str:
    """The same table as Markdown, for the README."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(cell.strip() or " " for cell in row) + " |"
              for row in rows(summary)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Figures (matplotlib is imported only when a figure is asked for)
# ---------------------------------------------------------------------------

COLORS = {"toyloop": "#d95f02", "asyncio": "#7570b3", "uvloop": "#1b9e77"}


def plot_ratios(summary: dict[str, Any], ax: Any = None, title: str = "") -> Any:
    """Grouped bars: each loop's throughput relative to asyncio's, per workload.

    A linear axis, so "1.4x" looks 1.4 times as tall; asyncio's bars all sit on the
    marked 1.0 line, and toyloop's targets are short black bars explained in the legend.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    names = [n for n in summary["workloads"] if not n.startswith("idle_conns")]
    width = 0.27
    for i, loop in enumerate(MAIN_LOOPS):
        values = [summary["workloads"][n].get(loop, {}).get("ratio", 0) for n in names]
        xs = [k + (i - 1) * width for k in range(len(names))]
        bars = ax.bar(xs, values, width, label=loop, color=COLORS[loop])
        if loop == "toyloop":
            ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
    targets = [(k, RATIO_TARGETS[n]) for k, n in enumerate(names) if n in RATIO_TARGETS]
    for j, (k, target) in enumerate(targets):
        ax.plot([k - 1.5 * width, k - 0.5 * width], [target] * 2, color="black", lw=2.5,
                solid_capstyle="butt", label="toyloop's target" if j == 0 else None)
    ax.axhline(1.0, color="#57606a", lw=1, ls="--", label="1.0 = as fast as asyncio")
    ax.set_ylim(0, max(1.2, ax.get_ylim()[1]))
    ax.set_xticks(range(len(names)), names, rotation=25, ha="right")
    ax.set_ylabel("throughput / asyncio's (higher is faster)")
    ax.set_title(title or "Throughput relative to asyncio")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", ncols=2)
    return ax


def plot_timer_scaling(summary: dict[str, Any], ax: Any = None) -> Any:
    """Cost per timer against the number of timers: a flat line is linear growth.

    The x axis is logarithmic (10,000 to 1,000,000) with plain tick labels; the y axis
    (microseconds per timer) is linear and starts at zero.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    sizes: set[int] = set()
    for loop in MAIN_LOOPS:
        points = timer_scaling(summary["workloads"], loop)
        if points:
            ns = [n for n, _ in points]
            sizes.update(ns)
            ax.plot(ns, [1e6 * t / n for n, t in points], "o-", label=loop,
                    color=COLORS[loop])
    ax.set_xscale("log")
    ax.set_xticks(sorted(sizes))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda n, _pos: f"{n:,.0f}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda _n, _pos: ""))
    ax.set_ylim(0, max(1.0, ax.get_ylim()[1]))
    ax.set_xlabel("timers (half cancelled)")
    ax.set_ylabel("microseconds per timer")
    ax.set_title(f"Cost of a timer as they grow\n(target: 1,000,000 within "
                 f"{TIMER_SCALING_TARGET:g}x the time of 100,000)", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def profile_rows(stats: dict, top: int = 12) -> list[tuple[str, int, float]]:
    """(function, calls, percent of own time) for the ``top`` functions of a pstats dict."""
    from pathlib import Path

    total = sum(row[2] for row in stats.values()) or 1.0
    out = []
    for (filename, line, name), row in sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]:
        where = f" ({Path(filename).name}:{line})" if filename != "~" else ""
        out.append((f"{name}{where}", row[1], 100 * row[2] / total))
    return out


def plot_profile(rows: list[tuple[str, int, float]], ax: Any = None, title: str = "") -> Any:
    """A profile as horizontal bars: each function's share of own time, largest on top."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.2), layout="constrained")
    labels = [label for label, _, _ in rows][::-1]
    shares = [share for _, _, share in rows][::-1]
    bars = ax.barh(labels, shares, color=COLORS["toyloop"])
    ax.bar_label(bars, labels=[f"{s:.1f}%  ({c:,} calls)" for _, c, s in rows][::-1],
                 fontsize=8, padding=3)
    ax.set_xlim(0, max(shares, default=1) * 1.35)
    ax.set_xlabel("share of own time (%)")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(title or "Where the time goes (cProfile, own time)")
    return ax
