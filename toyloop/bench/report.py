"""Show a summary: a rich table (plain text if rich is not installed), the same
table in Markdown for the README, and matplotlib figures."""

from __future__ import annotations

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


def print_report(summary: dict[str, Any], title: str = "toyloop benchmarks") -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(title)
        print(" | ".join(HEADERS))
        for row in rows(summary):
            print(" | ".join(row))
        print("\n".join(notes(summary)))
        return
    meta = summary.get("meta") or {}
    caption = (f"medians of {summary.get('metric', 'wall')} time; ratios to asyncio's loop "
               "measured in the same run")
    if meta:
        caption += (f"\nPython {meta.get('python')}, {meta.get('cpus')} CPUs, "
                    f"uvloop {meta.get('uvloop')}, {meta.get('reps')} reps, load average "
                    f"at start {meta.get('load_average', [0])[0]:.1f}")
    table = Table(title=title, caption=caption)
    for header in HEADERS:
        table.add_column(header, justify="left" if header in ("workload", "unit") else "right")
    for row in rows(summary):
        style = {"PASS": "green", "MISS": "red"}.get(row[-1])
        row[-1] = f"[{style}]{row[-1]}[/]" if style else row[-1]
        table.add_row(*row)
    console = Console(width=max(Console().width, 150))
    console.print(table)
    for line in notes(summary):
        console.print(line, highlight=False, markup=False)


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
    """Grouped bars: each loop's throughput relative to asyncio's, per workload (log y)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    names = [n for n in summary["workloads"] if not n.startswith("idle_conns")]
    width = 0.27
    for i, loop in enumerate(MAIN_LOOPS):
        values = [summary["workloads"][n].get(loop, {}).get("ratio", 0) for n in names]
        xs = [k + (i - 1) * width for k in range(len(names))]
        ax.bar(xs, values, width, label=loop, color=COLORS[loop])
    for k, name in enumerate(names):
        if name in RATIO_TARGETS:
            ax.plot([k - 1.5 * width, k - 0.5 * width], [RATIO_TARGETS[name]] * 2, "k-", lw=2)
    ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)), names, rotation=20)
    ax.set_ylabel("throughput / asyncio's")
    ax.set_title(title or "Throughput relative to asyncio (black bar: toyloop's target)")
    ax.legend()
    return ax


def plot_timer_scaling(summary: dict[str, Any], ax: Any = None) -> Any:
    """Seconds against number of timers, log-log, with the linear-growth slope for scale."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    for loop in MAIN_LOOPS:
        points = timer_scaling(summary["workloads"], loop)
        if points:
            ax.plot(*zip(*points, strict=True), "o-", label=loop, color=COLORS[loop])
    points = timer_scaling(summary["workloads"], "toyloop")
    if points:
        n0, t0 = points[0]
        ax.plot([n0, points[-1][0]], [t0, t0 * points[-1][0] / n0], "k:", label="linear")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("timers (half cancelled)")
    ax.set_ylabel("seconds")
    ax.set_title("Cost of timers as they grow")
    ax.legend()
    return ax
