"""Build tests/browser/explorer_fixture.ipynb: the notebook the browser test opens.

Run from the repository root; it writes the notebook and executes it in place (with
nbclient, like ``jupyter nbconvert --execute``, but without storing the widgets' state,
whose model ids change on every run)::

    python tests/browser/build_fixture.py

It also shows, in the smallest form, what a chapter cell using the tracer and
the explorer looks like.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

ECHO = '''\
import socket

import toyloop
from toyloop.tools.explorer import LiveMonitor


async def echo_session(stats, messages=50):
    loop = asyncio.get_running_loop()
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    client = socket.socket()
    client.setblocking(False)
    connecting = loop.create_task(loop.sock_connect(client, server.getsockname()))
    conn, _ = await loop.sock_accept(server)
    await connecting
    for i in range(messages):
        await loop.sock_sendall(client, b"ping %d" % i)
        data = await loop.sock_recv(conn, 1024)
        stats["bytes"] += len(data)
        await loop.sock_sendall(conn, data)
        await loop.sock_recv(client, 1024)
        await asyncio.sleep(0.02)
    for sock in (client, conn, server):
        sock.close()'''

LIVE = '''\
stats = {"bytes": 0}
loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
try:
    with LiveMonitor(loop, interval=0.1, gauges={"bytes echoed": lambda: stats["bytes"]}) as mon:
        display(mon.widget)
        loop.run_until_complete(echo_session(stats))
finally:
    loop.close()
print(mon.running, mon.history[-1]["bytes echoed"])'''

CELLS = [
    new_markdown_cell("# Explorer fixture\n\nA tiny program, traced and then explored "
                      "(used by `tests/browser/test_explorer_browser.py`)."),
    new_code_cell('''\
import asyncio

from toyloop.tools.explorer import Explorer
from toyloop.tools.tracer import run_traced


async def worker(name, delay):
    await asyncio.sleep(delay)
    return name


async def main():
    slow = asyncio.get_running_loop().create_task(worker("slow", 1.0))
    return await asyncio.gather(worker("fast", 0.5), slow)'''),
    new_code_cell('''\
result, tracer = run_traced(main)
tracer.print(compact=True)'''),
    new_code_cell("tracer.print(first=3, last=4)"),
    new_code_cell('''\
explorer = Explorer(main)
explorer'''),
    new_markdown_cell("Live mode: an echo server and a client on one loop, watched while "
                      "it runs (the numbers vary, so the cell's output is not compared)."),
    new_code_cell(ECHO, metadata={"tags": ["nbval-ignore-output"]}),
    new_code_cell(LIVE, metadata={"tags": ["nbval-ignore-output"]}),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def execute(nb: nbformat.NotebookNode) -> None:
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    nb.metadata.pop("widgets", None)


if __name__ == "__main__":
    path = HERE / "explorer_fixture.ipynb"
    notebook = build()
    execute(notebook)
    nbformat.write(notebook, path)
    print(f"wrote {path}")
