"""The tracer: print what the loop did, iteration by iteration, with rich.

Three ways in::

    result, t = run_traced(main())          # fresh EventLoop, VirtualClock
    t.print(compact=True)                   # one line per iteration

    with trace(loop) as t:                  # any toyloop loop you already have
        loop.run_until_complete(main())
    t.print()                               # a tree per iteration

    t = Tracer(); loop.add_instrument(t)    # by hand; loop.remove_instrument(t)

A :class:`Tracer` is a :class:`~toyloop.tools.recorder.Recorder` (an
instrument: the loop calls it at each hook point) that knows how to render
itself.  Curio's ``Activation`` and trio's ``Instrument`` play the same role;
asyncio has no instrument hooks -- its nearest tool is debug mode
(``loop.set_debug(True)``, ``base_events.py``), which logs slow callbacks.

Free when off: the loop's pieces carry no hooks; attaching an instrument
wraps them from outside (``toyloop/observe.py``) and detaching unwraps them,
and this module is never imported by the core.

Output is plain text in a terminal and in a notebook (where rich sends
``text/plain`` plus ``text/html``); the console is always 100 columns wide, so
what a notebook stores does not depend on the window.  Under a
``VirtualClock`` the text is the same on every run: see ``recorder.py`` for
how task names and file descriptors are kept stable.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .recorder import CallbackRun, Iteration, Recorder, run_program

__all__ = ["Tracer", "WIDTH", "run_traced", "trace"]

WIDTH = 100  # columns: fixed, so notebook outputs do not depend on the window


def _fmt_time(t: float) -> str:
    return f"{t:.3f}"


def _fmt_timeout(timeout: float | None) -> str:
    if timeout is None:
        return "None"
    return f"{timeout:g}"


class Tracer(Recorder):
    """A recorder that prints itself: ``print()``, ``print(compact=True)``, ``text()``."""

    def __init__(self, loop: Any = None, *, stable_names: bool = True,
                 max_iterations: int | None = None) -> None:
        super().__init__(loop, stable_names=stable_names, max_iterations=max_iterations)

    # -- Data for tests and prose ----------------------------------------------

    def callback_sequence(self) -> list[list[str]]:
        """Per iteration, the labels of the callbacks it ran."""
        return [[cb.label for cb in it.callbacks] for it in self.iterations]

    def task_sequence(self) -> list[list[str]]:
        """Per iteration, the tasks it stepped (empty lists kept, to keep positions)."""
        return [it.tasks_run for it in self.iterations]

    # -- Rich renderables ------------------------------------------------------

    def _header(self, it: Iteration) -> Text:
        head = Text()
        head.append(f"iteration {it.index}", style="bold")
        head.append(f"  t={_fmt_time(it.clock)}", style="cyan")
        head.append(f"  select(timeout={_fmt_timeout(it.timeout)})", style="dim")
        if it.events:
            head.append("  I/O: " + ", ".join(f"{fd} {ev}" for fd, ev in it.events),
                        style="magenta")
        return head

    def _callback_node(self, tree: Tree, cb: CallbackRun) -> None:
        label = Text()
        label.append("ran ", style="dim")
        label.append(cb.label, style="green" if cb.task else "")
        if cb.outcome:
            label.append(f"  => {cb.outcome}", style="dim")
        node = tree.add(label)
        for note in cb.notes:
            node.add(Text(note, style="yellow"))

    def iteration_tree(self, it: Iteration) -> Tree:
        """One iteration as a tree: timers fired, callbacks run, what they caused."""
        tree = Tree(self._header(it), guide_style="dim")
        for timer in it.timers:
            tree.add(Text.assemble(("timer fired: ", "dim"), (timer, "blue")))
        for cb in it.callbacks:
            self._callback_node(tree, cb)
        for note in it.notes:
            tree.add(Text(note, style="yellow"))
        return tree

    def tree(self, first: int = 1, last: int | None = None) -> Group:
        """Iterations ``first``..``last`` (numbered from 1) as trees."""
        parts: list[Any] = []
        if self.preamble and first <= 1:
            pre = Tree(Text("before the first iteration", style="bold"), guide_style="dim")
            for note in self.preamble:
                pre.add(Text(note, style="yellow"))
            parts.append(pre)
        parts.extend(self.iteration_tree(it) for it in self._slice(first, last))
        if self.truncated:
            parts.append(Text(f"... stopped after {len(self.iterations)} iterations "
                              "(max_iterations)", style="red"))
        return Group(*parts)

    def _short(self, cb: CallbackRun) -> str:
        if cb.task is not None:
            where = "start" if cb.line is None else str(cb.line)
            return f"{cb.task} {cb.coro}:{where}"
        return cb.label.split("(", 1)[0] + "()"

    def compact(self, first: int = 1, last: int | None = None) -> Table:
        """One line per iteration: clock, timeout, I/O, timers, callbacks run."""
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold",
                      padding=(0, 1))
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("clock", justify="right", style="cyan", no_wrap=True)
        table.add_column("timeout", justify="right", style="dim", no_wrap=True)
        table.add_column("I/O", no_wrap=True, style="magenta")
        table.add_column("timers", justify="right", no_wrap=True, style="blue")
        table.add_column("ran", no_wrap=True, overflow="ellipsis", ratio=1)
        for it in self._slice(first, last):
            io_text = ", ".join(f"{fd} {ev[0]}" for fd, ev in it.events) or "-"
            ran = " · ".join(self._short(cb) for cb in it.callbacks) or "-"
            table.add_row(str(it.index), _fmt_time(it.clock), _fmt_timeout(it.timeout),
                          io_text, str(len(it.timers)) if it.timers else "-", Text(ran))
        return table

    def _slice(self, first: int, last: int | None) -> list[Iteration]:
        return self.iterations[max(first, 1) - 1:last]

    def renderable(self, compact: bool = False, first: int = 1,
                   last: int | None = None) -> Any:
        return self.compact(first, last) if compact else self.tree(first, last)

    # -- Output ---------------------------------------------------------------

    def print(self, compact: bool = False, first: int = 1, last: int | None = None,
              console: Console | None = None) -> None:
        """Print the trace: coloured in a terminal, text plus HTML in a notebook.

        In a notebook the output carries ``text/plain`` without colour codes and
        a coloured ``text/html``, both 100 columns wide, so a stored notebook
        reads well in a diff and nbval compares the same text on every run.
        """
        renderable = self.renderable(compact, first, last)
        if console is None and Console().is_jupyter:
            _display_in_notebook(renderable)
            return
        (console or Console(width=WIDTH)).print(renderable)

    def text(self, compact: bool = False, first: int = 1, last: int | None = None) -> str:
        """The trace as plain text (no colours): what tests and doctests compare."""
        buffer = io.StringIO()
        console = Console(file=buffer, width=WIDTH, color_system=None, force_terminal=False,
                          force_jupyter=False, legacy_windows=False)
        console.print(self.renderable(compact, first, last))
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"<Tracer: {len(self.iterations)} iterations>"


def _display_in_notebook(renderable: Any) -> None:
    from IPython.display import display

    console = Console(file=io.StringIO(), record=True, width=WIDTH, force_terminal=True,
                      force_jupyter=False, color_system="standard", legacy_windows=False)
    console.print(renderable)
    text = console.export_text(clear=False)
    page = console.export_html(inline_styles=True, code_format=_HTML_FORMAT)
    display({"text/plain": text.rstrip("\n"), "text/html": page}, raw=True)


_HTML_FORMAT = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
    "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">"
    "<code>{code}</code></pre>")


@contextlib.contextmanager
def trace(loop: Any, *, stable_names: bool = True,
          max_iterations: int | None = None) -> Iterator[Tracer]:
    """Attach a fresh :class:`Tracer` to ``loop`` for the ``with`` block."""
    tracer = Tracer(loop, stable_names=stable_names, max_iterations=max_iterations)
    tracer.attach(loop)
    try:
        yield tracer
    finally:
        tracer.detach()


def run_traced(program: Coroutine | Callable[[], Coroutine], *, clock: Any = None,
               stable_names: bool = True, max_iterations: int | None = 10_000,
               loop_factory: Callable[..., Any] | None = None) -> tuple[Any, Tracer]:
    """Run ``program`` on a fresh toyloop EventLoop, traced; return ``(result, tracer)``.

    ``clock`` defaults to a new ``VirtualClock``, so sleeps are instant and the
    trace is the same on every run.  If the program raises, the exception
    propagates and the tracer is attached to it as ``exc.tracer``.
    ``loop_factory`` runs it on another loop class (your own, say).
    """
    tracer = Tracer(stable_names=stable_names, max_iterations=max_iterations)
    try:
        result = run_program(program, tracer, clock, loop_factory)
    except BaseException as exc:
        exc.tracer = tracer  # type: ignore[attr-defined]
        raise
    return result, tracer
