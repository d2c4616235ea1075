"""The explorer: step through a program's loop iterations with ipywidgets.

Record, then replay.  ``Explorer(main)`` runs ``main()`` to the end on a fresh
toyloop ``EventLoop`` (a ``VirtualClock`` unless you pass a clock) with a
:class:`~toyloop.tools.recorder.Recorder` attached that copies the loop's
state after every iteration.  Then Step, Back, Play and the slider move
through those copies; nothing runs again, so you can go backwards::

    ex = Explorer(main)          # main: a coroutine function (or a coroutine)
    ex                           # in a notebook: the widgets
    ex.step(); ex.back()         # the same from code
    print(ex.pane_text("ready")) # any pane as plain text

Position 0 is the state before the first iteration; position ``k`` is the
state after iteration ``k``, next to what iteration ``k`` did.

The panes: this iteration (clock, timeout, I/O, timers fired, callbacks run),
the ready queue (``loop._ready``), the timer heap (``loop._scheduled``), the
selector's registrations (``loop._selector.get_map()``, the self-pipe
labelled), the tasks with their await chains (walking ``cr_await``), and a
timeline of which task ran in which iteration.

Everything but the widgets lives in :class:`ExplorerModel`, which needs no
browser: tests drive ``step()`` and ``back()`` and read ``pane_text``.

:class:`LiveMonitor` is the other half: it watches a loop that is *running*
(an echo server, say) and refreshes a small table -- iterations per second,
callbacks, tasks, open connections, your own counters -- from a periodic
``loop.call_later`` callback, until ``stop()`` or the end of its ``with`` block.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable, Coroutine
from typing import Any

from .recorder import Iteration, Recorder, Snapshot, run_program

__all__ = ["PANES", "Explorer", "ExplorerModel", "LiveMonitor", "static_view"]

# Pane name -> title shown above it.
PANES = {
    "iteration": "This iteration",
    "ready": "Ready queue (loop._ready)",
    "timers": "Timer heap (loop._scheduled)",
    "selector": "Selector registrations",
    "tasks": "Tasks and await chains",
    "timeline": "Timeline: which task ran in which iteration",
}

_MONO = ("font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12.5px;"
         "line-height:1.45")


def _fmt_timeout(timeout: float | None) -> str:
    return "None (wait forever)" if timeout is None else f"{timeout:g}"


# ---------------------------------------------------------------------------
# The model: recording, position, pane text
# ---------------------------------------------------------------------------


class ExplorerModel:
    """A recorded program and a position in it; every pane as text.  No widgets."""

    def __init__(self, program: Coroutine | Callable[[], Coroutine], *, clock: Any = None,
                 max_iterations: int = 2000, stable_names: bool = True,
                 loop_factory: Callable[..., Any] | None = None) -> None:
        self.title = _program_name(program)
        self.recorder = Recorder(stable_names=stable_names, snapshots=True,
                                 max_iterations=max_iterations)
        self.result: Any = None
        self.exception: BaseException | None = None
        try:
            self.result = run_program(program, self.recorder, clock, loop_factory)
        except Exception as exc:  # show it in the header; the recording is still good
            self.exception = exc
        self.position = 0

    # -- Recorded data ----------------------------------------------------------

    @property
    def iterations(self) -> list[Iteration]:
        return self.recorder.iterations

    @property
    def snapshots(self) -> list[Snapshot]:
        return self.recorder.snapshots

    @property
    def last(self) -> int:
        """The last position (the number of recorded iterations)."""
        return len(self.snapshots) - 1

    def iteration(self, position: int | None = None) -> Iteration | None:
        position = self.position if position is None else position
        return self.iterations[position - 1] if position >= 1 else None

    def snapshot(self, position: int | None = None) -> Snapshot:
        return self.snapshots[self.position if position is None else position]

    # -- Moving -----------------------------------------------------------------

    def goto(self, position: int) -> int:
        self.position = max(0, min(int(position), self.last))
        return self.position

    def step(self) -> int:
        """One iteration forward (stays at the end)."""
        return self.goto(self.position + 1)

    def back(self) -> int:
        """One iteration back (stays at 0)."""
        return self.goto(self.position - 1)

    # -- Text of each pane ------------------------------------------------------

    def status(self, position: int | None = None) -> str:
        position = self.position if position is None else position
        snap = self.snapshot(position)
        if position == 0:
            where = f"before iteration 1 (of {self.last})"
        else:
            where = f"after iteration {position} of {self.last}"
        text = f"{where} · clock t={snap.clock:.3f}"
        if position == self.last:
            if self.recorder.truncated:
                text += " · stopped: max_iterations reached"
            elif self.exception is not None:
                text += f" · program raised {type(self.exception).__name__}: {self.exception}"
            else:
                text += f" · result={self.recorder.namer.value(self.result)}"
        return text

    def pane_text(self, name: str, position: int | None = None) -> str:
        """Plain text of pane ``name`` (one of :data:`PANES`) at ``position``."""
        position = self.position if position is None else position
        method = getattr(self, f"_pane_{name}", None)
        if method is None:
            raise KeyError(f"no pane {name!r}; the panes are {', '.join(PANES)}")
        return method(position)

    def _pane_iteration(self, position: int) -> str:
        it = self.iteration(position)
        if it is None:
            lines = ["Nothing has run yet."]
            lines += [f"  {note}" for note in self.recorder.preamble]
            return "\n".join(lines)
        lines = [f"iteration {it.index}: clock t={it.clock:.3f}, "
                 f"select(timeout={_fmt_timeout(it.timeout)})"]
        if it.events:
            lines.append("I/O events: " + ", ".join(f"{fd} {ev}" for fd, ev in it.events))
        for timer in it.timers:
            lines.append(f"timer fired: {timer}")
        for cb in it.callbacks:
            lines.append(f"ran {cb.label}")
            if cb.outcome:
                lines.append(f"    => {cb.outcome}")
            lines.extend(f"    * {note}" for note in cb.notes)
        lines.extend(f"* {note}" for note in it.notes)
        if len(lines) == 1:
            lines.append("(nothing ran)")
        return "\n".join(lines)

    def _pane_ready(self, position: int) -> str:
        ready = self.snapshot(position).ready
        if not ready:
            return "(empty)"
        return "\n".join(f"{i}. {label}" for i, label in enumerate(ready, 1))

    def _pane_timers(self, position: int) -> str:
        timers = self.snapshot(position).timers
        if not timers:
            return "(no timers)"
        return "\n".join(f"at t={when:.3f}  {label}" for when, label in timers)

    def _pane_selector(self, position: int) -> str:
        rows = self.snapshot(position).selector
        if not rows:
            return "(nothing registered)"
        width = max(len(fd) for fd, _, _ in rows)
        lines = [f"{fd:<{width}}  {ev:<10} {cbs}" for fd, ev, cbs in rows]
        if any(fd == "self-pipe" for fd, _, _ in rows):
            lines.append("\n(self-pipe: the loop's wake-up socket, chapter 4)")
        return "\n".join(lines)

    def _pane_tasks(self, position: int) -> str:
        tasks = self.snapshot(position).tasks
        if not tasks:
            return "(no tasks)"
        lines = []
        for info in tasks:
            lines.append(f"{info.name} {info.coro}  [{info.state}]")
            if info.detail:
                lines.append(f"    {info.detail}")
            for depth, link in enumerate(info.chain):
                lines.append("    " + "  " * depth + ("awaits " if depth else "") + link)
        return "\n".join(lines)

    def timeline_rows(self) -> tuple[list[str], list[set[int]]]:
        """Task names (first-run order) and, for each, the iterations it ran in."""
        names: list[str] = [info.name for info in self.snapshot(self.last).tasks]
        ran: dict[str, set[int]] = {name: set() for name in names}
        for it in self.iterations:
            for name in it.tasks_run:
                if name not in ran:
                    names.append(name)
                    ran[name] = set()
                ran[name].add(it.index)
        return names, [ran[name] for name in names]

    def _pane_timeline(self, position: int) -> str:
        names, runs = self.timeline_rows()
        if not names:
            return "(no task ran)"
        width = max(len(n) for n in names)
        marks = "".join("v" if i == position else " " for i in range(1, self.last + 1))
        lines = [" " * (width + 1) + marks]
        for name, iters in zip(names, runs, strict=True):
            row = "".join("#" if i in iters else "." for i in range(1, self.last + 1))
            lines.append(f"{name:<{width}} {row}")
        return "\n".join(lines)


def _program_name(program: Any) -> str:
    name = getattr(program, "__qualname__", None) or type(program).__name__
    return f"{name}()"


# ---------------------------------------------------------------------------
# The widgets
# ---------------------------------------------------------------------------


def _pre(text: str) -> str:
    return (f'<pre style="{_MONO};margin:0;white-space:pre-wrap;word-break:break-word;'
            f'text-align:left;background:none;padding:0">{html.escape(text)}</pre>')


def _card(title: str, body: str, name: str) -> str:
    return (f'<div class="toyloop-card" data-pane="{name}" style="border:1px solid #d0d7de;'
            'border-radius:6px;padding:6px 10px 8px;background:#fff;height:100%;'
            'box-sizing:border-box">'
            f'<div style="font-weight:600;font-size:13px;color:#24292f;margin-bottom:4px">'
            f"{html.escape(title)}</div>{body}</div>")


class Explorer(ExplorerModel):
    """The model plus ipywidgets: Back, Step, Play, a slider and six panes.

    ``Explorer(main)`` records ``main()``; display it (last expression of a
    cell, or ``display(ex)``) to get the widgets.  ``step()``, ``back()`` and
    ``goto()`` move the widgets too once they exist.
    """

    def __init__(self, program: Coroutine | Callable[[], Coroutine], *, clock: Any = None,
                 max_iterations: int = 2000, stable_names: bool = True,
                 play_interval_ms: int = 700,
                 loop_factory: Callable[..., Any] | None = None) -> None:
        super().__init__(program, clock=clock, max_iterations=max_iterations,
                         stable_names=stable_names, loop_factory=loop_factory)
        self.play_interval_ms = play_interval_ms
        self._widget: Any = None
        self.panes: dict[str, Any] = {}

    # -- building -----------------------------------------------------------------

    @property
    def widget(self) -> Any:
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
            self._render()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as w

        self.back_button = w.Button(description="◀ Back", tooltip="one iteration back",
                                    layout=w.Layout(width="90px"))
        self.step_button = w.Button(description="Step ▶", tooltip="one iteration forward",
                                    button_style="primary", layout=w.Layout(width="90px"))
        self.play = w.Play(value=0, min=0, max=self.last, step=1,
                           interval=self.play_interval_ms, description="Play",
                           show_repeat=False)
        self.slider = w.IntSlider(value=0, min=0, max=self.last, step=1,
                                  description="iteration", continuous_update=True,
                                  layout=w.Layout(width="420px"))
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.back_button.on_click(lambda _b: self.back())
        self.step_button.on_click(lambda _b: self.step())
        self.slider.observe(self._on_slider, names="value")
        for button, name in ((self.back_button, "back"), (self.step_button, "step")):
            button.add_class(f"toyloop-{name}")
        self.slider.add_class("toyloop-slider")

        self.header = w.HTML()
        self.header.add_class("toyloop-header")
        for name in PANES:
            pane = w.HTML(layout=w.Layout(width="auto", margin="0"))
            pane.add_class(f"toyloop-pane-{name}")
            self.panes[name] = pane
        cell = {"width": "auto", "min_height": "110px", "margin": "0"}
        self.panes["iteration"].layout = w.Layout(width="auto", margin="4px 0 8px 0")
        self.panes["timeline"].layout = w.Layout(width="auto", margin="8px 0 0 0")
        for name in ("ready", "timers", "selector", "tasks"):
            self.panes[name].layout = w.Layout(**cell)
        controls = w.HBox([self.back_button, self.step_button, self.play, self.slider],
                          layout=w.Layout(align_items="center", margin="6px 0 0 0"))
        grid = w.GridBox(
            [self.panes["ready"], self.panes["timers"], self.panes["selector"],
             self.panes["tasks"]],
            layout=w.Layout(grid_template_columns="minmax(0, 1fr) minmax(0, 1fr)",
                            grid_gap="8px 10px", width="auto"))
        box = w.VBox([self.header, controls, self.panes["iteration"], grid,
                      self.panes["timeline"]],
                     layout=w.Layout(width="auto", max_width="1100px",
                                     padding="4px 8px 8px 4px"))
        box.add_class("toyloop-explorer")
        return box

    # -- moving (keeps the widgets in step) --------------------------------------

    def goto(self, position: int) -> int:
        super().goto(position)
        if self._widget is not None:
            if self.slider.value != self.position:
                self.slider.value = self.position  # _on_slider renders
            else:
                self._render()
        return self.position

    def _on_slider(self, change: dict) -> None:
        ExplorerModel.goto(self, change["new"])
        self._render()

    def _render(self) -> None:
        if self._widget is None:
            return
        status = html.escape(self.status())
        self.header.value = (
            f'<div style="font-size:15px;font-weight:600;color:#24292f">toyloop explorer: '
            f'<code>{html.escape(self.title)}</code></div>'
            f'<div class="toyloop-status" style="{_MONO};color:#57606a">{status}</div>')
        for name, title in PANES.items():
            if name == "timeline":
                body = self.timeline_html()
            else:
                body = _pre(self.pane_text(name))
            self.panes[name].value = _card(title, body, name)
        self.back_button.disabled = self.position == 0
        self.step_button.disabled = self.position == self.last

    def timeline_html(self, position: int | None = None) -> str:
        """The timeline as a small HTML grid; the current iteration's column is shaded."""
        return _timeline_html(self, self.position if position is None else position)

    # -- display --------------------------------------------------------------------

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        # The stored text/plain stays the same on every run (nbval compares it).
        bundle["text/plain"] = repr(self)
        # A viewer without a kernel (nbconvert's HTML, GitHub) cannot draw the widget and
        # falls back to this: the same panes, every recorded position, as plain HTML.
        bundle["text/html"] = self.static_html()
        return bundle

    def _ipython_display_(self) -> None:
        """In IPython: the widget, then the static copy as an output of its own.

        JupyterLab never falls back from a widget view to its text/html: before the
        notebook runs it shows "Error displaying widget: model not found".  So the static
        copy is a second output, which a style rule hides once the live widget is drawn
        next to it (see :data:`_HIDE_STATIC`).
        """
        from IPython.display import display

        bundle = self.widget._repr_mimebundle_() or {}
        bundle["text/plain"] = repr(self)
        display(bundle, raw=True)
        display(_static_bundle(self.static_html(), repr(self)), raw=True)

    def static_html(self, max_positions: int = 40) -> str:
        """The explorer as static HTML (no kernel, no JavaScript): see :func:`static_view`."""
        return static_view(self, max_positions=max_positions)

    def __repr__(self) -> str:
        return f"<Explorer {self.title}: {self.last} iterations recorded>"


def _timeline_html(model: ExplorerModel, position: int) -> str:
    """The timeline grid of ``model`` with ``position``'s column shaded."""
    names, runs = model.timeline_rows()
    if not names:
        return _pre("(no task ran)")
    cell = "width:14px;height:14px;padding:0;border:1px solid #eaeef2"
    head = ['<th style="text-align:left;padding-right:8px">task</th>']
    for i in range(1, model.last + 1):
        shade = "background:#ffe8a3;" if i == position else ""
        label = str(i) if i % 5 == 0 or i in (1, position) else ""
        head.append(f'<th style="{shade}font-weight:normal;font-size:10px;'
                    f'min-width:14px">{label}</th>')
    rows = ["<tr>" + "".join(head) + "</tr>"]
    for name, iters in zip(names, runs, strict=True):
        tds = [f'<td style="padding-right:8px;white-space:nowrap">{html.escape(name)}</td>']
        for i in range(1, model.last + 1):
            if i in iters:
                color = "#2da44e" if i != position else "#1a7f37"
                style = f"{cell};background:{color}"
                mark = "#"  # visible where styles are stripped (GitHub's viewer)
            elif i == position:
                style, mark = f"{cell};background:#fff3c4", ""
            else:
                style, mark = cell, ""
            tds.append(f'<td title="{html.escape(name)}, iteration {i}" style="{style};'
                       f'color:transparent;font-size:1px">{mark}</td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return (f'<div style="overflow-x:auto"><table style="{_MONO};border-collapse:collapse;'
            f'font-size:11.5px">{"".join(rows)}</table></div>')


# ---------------------------------------------------------------------------
# The static view: what the widget shows, for viewers without a kernel
# ---------------------------------------------------------------------------
#
# nbconvert's HTML export (which nbviewer and static sites use) and GitHub's notebook
# viewer cannot run ipywidgets; they show a display's text/html instead.  So the
# explorer also renders itself as plain HTML: a table of panes per recorded position,
# the displayed position open, the others folded in <details> to click through.  The
# layout is tables, not CSS grid, because GitHub strips style attributes; the content
# comes from the recording only, so it is the same on every run (nbval compares it).


# Hide a static copy when its live widget is drawn in the same output area (JupyterLab,
# after running).  Before running, or in nbconvert's HTML and on GitHub (which drop the
# rule), no live widget exists and the static copy shows.
_HIDE_STATIC = ("<style>.jp-OutputArea:has(.toyloop-explorer) .toyloop-static,"
                ".jp-OutputArea:has(.toyloop-live) .toyloop-live-static"
                "{display:none}</style>")


def _static_bundle(page: str, plain: str) -> dict[str, str]:
    """A display bundle for a static copy; text/plain says what it is."""
    return {"text/html": _HIDE_STATIC + page,
            "text/plain": f"(static copy of {plain} for viewers without widgets)"}


def _static_position(model: ExplorerModel, position: int) -> str:
    """One position's panes: the iteration, a 2x2 table of state panes, the timeline."""
    def pane(name: str) -> str:
        body = (_timeline_html(model, position) if name == "timeline"
                else _pre(model.pane_text(name, position)))
        return (f'<div class="toyloop-static-pane" data-pane="{name}"><b>'
                f"{html.escape(PANES[name])}</b>{body}</div>")

    # text-align and the pre's background are set here because nbconvert's page style
    # right-aligns table cells and shades <pre>.
    cell = ('style="vertical-align:top;text-align:left;padding:4px 8px;'
            'border:1px solid #d0d7de;width:50%"')
    grid = "".join(
        f"<tr><td {cell}>{pane(a)}</td><td {cell}>{pane(b)}</td></tr>"
        for a, b in (("ready", "timers"), ("selector", "tasks")))
    return (f"{pane('iteration')}"
            f'<table style="border-collapse:collapse;width:100%;margin:6px 0">{grid}</table>'
            f"{pane('timeline')}")


def static_view(model: ExplorerModel, max_positions: int = 40) -> str:
    """``model`` as static HTML: header, then every position (up to ``max_positions``).

    The model's current position is shown open; the others are folded ``<details>``,
    so a reader without a kernel can still "step" by opening them in turn.
    """
    current = model.position
    parts = [
        '<div class="toyloop-static" style="max-width:1100px">',
        f"<p><b>toyloop explorer: <code>{html.escape(model.title)}</code></b> "
        f"({model.last} iterations recorded; a static copy of the widget: run the "
        "notebook to step through it)</p>",
    ]
    shown = list(range(min(model.last, max_positions - 1) + 1))
    if model.last not in shown:
        shown[-1] = model.last  # always show where the program ended
    if current not in shown:
        shown.append(current)
    for position in sorted(shown):
        state = " open" if position == current else ""
        parts.append(
            f'<details class="toyloop-static-position" data-position="{position}"{state}>'
            f"<summary><code>{html.escape(model.status(position))}</code></summary>"
            f"{_static_position(model, position)}</details>")
    if len(shown) <= model.last:
        parts.append(f"<p>({model.last + 1 - len(shown)} more positions not shown: "
                     "run the notebook to see them all)</p>")
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------------------
# Live mode: watch a running loop
# ---------------------------------------------------------------------------


class LiveMonitor:
    """Counts what a running loop does and refreshes a widget every ``interval`` s.

    ``gauges`` maps a label to a function returning a number (bytes echoed,
    say); they are read at each refresh.  Use it as a context manager around
    the code that runs the loop, or call ``start()`` and ``stop()``::

        with LiveMonitor(loop, gauges={"bytes": lambda: stats["bytes"]}) as mon:
            display(mon.widget)
            loop.run_until_complete(serve_for(5.0))

    ``stop()`` cancels the periodic callback and removes the instrument; after
    it the loop holds nothing of the monitor.  The refresh runs *on the loop*
    (``call_later``), so ``start()`` must be called from the loop's thread or
    before the loop runs.
    """

    def __init__(self, loop: Any, interval: float = 0.5,
                 gauges: dict[str, Callable[[], Any]] | None = None,
                 widget: bool = True) -> None:
        self.loop = loop
        self.interval = interval
        self.gauges = dict(gauges or {})
        self.iterations = 0
        self.callbacks = 0
        self.refreshes = 0
        self.history: list[dict[str, Any]] = []
        self._timer: Any = None
        self._running = False
        self._peak_fds = 0  # registrations besides the self-pipe, highest seen at a refresh
        self._last = (0, time.perf_counter())
        self._display: Any = None  # IPython DisplayHandle, when shown with display()
        self.widget: Any = None
        if widget:
            import ipywidgets as w

            self.widget = w.HTML(value=self._html(self.stats()))
            self.widget.add_class("toyloop-live")

    # -- instrument hooks (one integer add each) --------------------------------

    def after_run_once(self) -> None:
        self.iterations += 1

    def before_handle(self, handle: Any) -> None:
        self.callbacks += 1

    # -- start / refresh / stop ---------------------------------------------------

    def start(self) -> LiveMonitor:
        if self._running:
            return self
        self._running = True
        self._last = (self.iterations, time.perf_counter())
        self.loop.add_instrument(self)
        self._timer = self.loop.call_later(self.interval, self._tick)
        return self

    def _tick(self) -> None:
        self._timer = None
        if not self._running:
            return
        self.refresh()
        if self._running and not self.loop.is_closed():
            self._timer = self.loop.call_later(self.interval, self._tick)

    def stop(self) -> None:
        """Cancel the periodic refresh, remove the instrument, show final numbers."""
        if not self._running:
            return
        self._running = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self in self.loop._hooks.instruments:
            self.loop.remove_instrument(self)
        self.refresh()
        if self._display is not None:
            # Re-send the display: the stored output's text/html (what a viewer without
            # a kernel shows) becomes the final figures and peaks, not the first zeros.
            self._display.update(self._repr_mimebundle_(), raw=True)

    @property
    def running(self) -> bool:
        return self._running

    def __enter__(self) -> LiveMonitor:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        """The numbers shown: iterations, rate, callbacks, tasks, connections, gauges."""
        loop = self.loop
        count, then = self._last
        now = time.perf_counter()
        rate = (self.iterations - count) / (now - then) if now > then else 0.0
        internal = 0
        sel = getattr(loop, "_selector", None)
        fds = 0
        if sel is not None and not loop.is_closed():
            fds = len(sel.get_map())
            internal = getattr(loop, "_wakeup_fds", 0)
        try:
            tasks = len(asyncio.all_tasks(loop)) if not loop.is_closed() else 0
        except RuntimeError:
            tasks = 0
        stats: dict[str, Any] = {
            "iterations": self.iterations,
            "iterations/s": round(rate, 1),
            "callbacks run": self.callbacks,
            "tasks alive": tasks,
            "sockets watched now": fds - internal,
            "sockets watched (peak)": max(self._peak_fds, fds - internal),
            "ready now": len(loop._ready),
            "timers pending": sum(1 for e in loop._scheduled if not e[2].cancelled()),
        }
        for label, gauge in self.gauges.items():
            stats[label] = gauge()
        return stats

    def refresh(self) -> dict[str, Any]:
        stats = self.stats()
        self._peak_fds = stats["sockets watched (peak)"]
        self._last = (self.iterations, time.perf_counter())
        self.refreshes += 1
        self.history.append(stats)
        if self.widget is not None:
            self.widget.value = self._html(stats)
        return stats

    def peaks(self) -> dict[str, Any]:
        """The highest value of each numeric figure over every refresh so far."""
        peaks: dict[str, Any] = {}
        for stats in self.history:
            for label, value in stats.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    peaks[label] = max(peaks.get(label, value), value)
        return peaks

    def _state(self) -> str:
        return "running" if self._running else "stopped" if self.history else "not started"

    def _html(self, stats: dict[str, Any]) -> str:
        state = self._state()
        peaks = self.peaks()
        td = 'style="text-align:right;padding-left:16px"'
        head = (f'<tr><th style="text-align:left">figure</th><th {td}>now</th>'
                f"<th {td}>peak</th></tr>")
        rows = "".join(f'<tr><td style="text-align:left;padding-right:16px">{html.escape(k)}</td>'
                       f"<td {td}>{html.escape(str(v))}</td>"
                       f"<td {td}>{html.escape(str(peaks.get(k, '')))}</td></tr>"
                       for k, v in stats.items())
        return _card(f"toyloop live monitor ({state}) · {self.refreshes} refreshes",
                     f'<table style="{_MONO}">{head}{rows}</table>', "live")

    # -- display: the widget, and static HTML for viewers without a kernel ----------

    def display(self) -> Any:
        """Show the monitor in the notebook; ``stop()`` updates this display at the end.

        Use this rather than ``display(mon.widget)``: it shows the widget, then a static
        HTML copy as a second output, which ``stop()`` updates, so the saved notebook
        shows the final figures and peaks in viewers that cannot run widgets.
        """
        from IPython.display import display

        if self.widget is not None:
            bundle = self.widget._repr_mimebundle_() or {}
            bundle["text/plain"] = repr(self)
            display(bundle, raw=True)
        self._display = display(self._repr_mimebundle_(), raw=True, display_id=True)
        return self._display

    def _ipython_display_(self) -> None:
        self.display()

    def static_html(self) -> str:
        """The last refresh's figures and the peaks, as static HTML."""
        stats = self.history[-1] if self.history else self.stats()
        return self._html(stats).replace('class="toyloop-card"',
                                         'class="toyloop-card toyloop-live-static"', 1)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """The static copy (the widget itself is displayed separately by ``display()``)."""
        return _static_bundle(self.static_html(), "the live monitor")

    def __repr__(self) -> str:
        return f"<LiveMonitor {self._state()}: {self.refreshes} refreshes>"
