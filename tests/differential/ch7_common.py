"""Shared by chapter 7's differential tests: one program, asyncio's loop and toyloop's.

``both(main)`` runs ``main()`` under ``asyncio.Runner`` on asyncio's default loop,
then on ``toyloop.EventLoop``, asserts that each really ran on the loop it was
meant to, and that the two results are equal; it returns asyncio's result so a
test can also pin down what asyncio did (an empty result would otherwise pass).

``outcome(awaitable)`` turns "it raised" into data, ``(type name, message)``,
so bad-input scenarios compare exception types and wording across loops.

``tls_contexts(*names)`` makes the TLS suites' certificates at test time with
trustme: a fresh CA, a server context whose certificate covers ``names``, and a
client context that trusts that CA.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import toyloop


def run_on(kind: str, main: Any, timeout: float = 20.0) -> tuple[Any, str]:
    """Run ``main()`` on one loop; return its result and the loop's class name."""
    factory = toyloop.EventLoop if kind == "toyloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        result = runner.run(asyncio.wait_for(main(), timeout))
        loop_name = type(runner.get_loop()).__name__
    return result, loop_name


def both(main: Any) -> Any:
    expected, asyncio_loop = run_on("asyncio", main)
    actual, toy_loop = run_on("toyloop", main)
    assert asyncio_loop != "EventLoop" and toy_loop == "EventLoop"
    assert expected, "the scenario recorded nothing"
    assert actual == expected
    return expected


async def outcome(awaitable: Any) -> tuple[str, Any]:
    """``("ok", result)`` or ``(exception type name, str(exception))``."""
    try:
        return "ok", await awaitable
    except Exception as exc:  # noqa: BLE001 - the point is to record it
        return type(exc).__name__, str(exc)


def outcome_sync(call: Any, *args: Any, **kwargs: Any) -> tuple[str, Any]:
    try:
        return "ok", call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)


def running_loop_is_toyloop() -> bool:
    return isinstance(asyncio.get_running_loop(), toyloop.EventLoop)


def tls_contexts(*names: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """``(server_ctx, client_ctx)``: a certificate for ``names`` from a fresh test CA,
    and a client that trusts that CA (and nothing else).  Needs trustme: call it
    from a fixture in a module that did ``pytest.importorskip("trustme")``."""
    import trustme  # only the TLS suites need it

    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    return server_ctx, client_ctx
