"""Learner answers to chapter 7's ``starttls_client(port, context)``:
a plain-text connection upgraded to TLS."""

ANSWERS = [
    {"name": 'secret_first', "kind": 'wrong',
     "mistake": 'I send the secret first, then STARTTLS.',
     "expect": ['plain text'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"SECRET\\n")
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'secret_with_starttls', "kind": 'wrong',
     "mistake": 'I send STARTTLS and the secret in one write, before the upgrade.',
     "expect": ['plain text'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\nSECRET\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'closes_before_answer', "kind": 'wrong',
     "mistake": ('I close the connection right after sending the secret, then read the '
                 'answer.'),
     "expect": ["you returned b''"],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    writer.close()
    await writer.wait_closed()
    answer = await reader.readline()
    return answer
'''},
    {"name": 'default_context', "kind": 'wrong',
     "mistake": 'I make my own default context instead of using the one I was given.',
     "expect": ['context you were given'],
     "source": '''
import asyncio
import ssl

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(ssl.create_default_context(), server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'ip_as_hostname', "kind": 'wrong',
     "mistake": ('I give the IP address as server_hostname; the certificate is for '
                 'localhost.'),
     "expect": ["server_hostname='localhost'"],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="127.0.0.1")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'no_wait_for_220', "kind": 'wrong',
     "mistake": ('I start TLS right after sending STARTTLS, without reading the 220 '
                 'answer.'),
     "expect": ['220'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'skips_greeting', "kind": 'wrong',
     "mistake": 'I do not read the greeting, so I take it for the answer to STARTTLS.',
     "expect": ['220'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'read_chunks', "kind": 'wrong',
     "mistake": ('I read with read(100) instead of readline(), so a greeting in two '
                 'pieces confuses me.'),
     "expect": ['readline'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.read(100)
    writer.write(b"STARTTLS\\n")
    await reader.read(100)
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.read(100)
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'tls_from_start', "kind": 'wrong',
     "mistake": 'I connect with ssl=context, so TLS starts before STARTTLS.',
     "expect": ['ssl='],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context,
                                                   server_hostname="localhost")
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'returns_str', "kind": 'wrong',
     "mistake": 'I return the answer decoded to str.',
     "expect": ['bytes'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer.decode()
'''},
    {"name": 'never_closes', "kind": 'wrong',
     "mistake": 'I never close the connection.',
     "expect": ['close'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    return answer
'''},
    {"name": 'no_newline_starttls', "kind": 'wrong',
     "mistake": 'I send STARTTLS without its newline.',
     "expect": ['whole line'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'no_newline_secret', "kind": 'wrong',
     "mistake": 'I send SECRET without its newline.',
     "expect": ['whole line'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'lowercase_command', "kind": 'wrong',
     "mistake": 'I send the command in lower case.',
     "expect": ['starttls'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"starttls\\n")
    await reader.readline()
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'start_tls_not_awaited', "kind": 'wrong',
     "mistake": 'I forgot to await start_tls, so nothing is upgraded.',
     "expect": ['await writer.start_tls'],
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\\n")
    await reader.readline()
    writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'blocking_ssl_socket', "kind": 'wrong',
     "mistake": 'I used a blocking socket and ssl.wrap_socket inside the coroutine.',
     "expect": ['blocked the loop'],
     "source": '''
import socket

async def starttls_client(port, context):
    sock = socket.create_connection(("127.0.0.1", port), timeout=1)
    try:
        sock.recv(100)
        sock.sendall(b"STARTTLS\\n")
        sock.recv(100)
        with context.wrap_socket(sock, server_hostname="localhost") as tls:
            tls.sendall(b"SECRET\\n")
            return tls.recv(100)
    finally:
        sock.close()
'''},
    {"name": 'reference_like', "kind": 'correct',
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\\n")
        if not (await reader.readline()).startswith(b"220"):
            raise ConnectionError("no STARTTLS")
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'readuntil_drain', "kind": 'correct',
     "source": '''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    greeting = await reader.readuntil(b"\\n")
    writer.write(b"STARTTLS\\n")
    await writer.drain()
    go = await reader.readuntil(b"\\n")
    assert go.startswith(b"220"), (greeting, go)
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\\n")
    await writer.drain()
    answer = await reader.readuntil(b"\\n")
    writer.close()
    await writer.wait_closed()
    return answer
'''},
    {"name": 'helper_and_checks', "kind": 'correct',
     "source": '''
import asyncio

async def ask(reader, writer, command):
    writer.write(command + b"\\n")
    await writer.drain()
    return await reader.readline()


async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        greeting = await reader.readline()
        if not greeting:
            raise ConnectionError("no greeting")
        reply = await ask(reader, writer, b"STARTTLS")
        if reply[:3] != b"220":
            raise ConnectionError(reply)
        await writer.start_tls(context, server_hostname="localhost")
        return await ask(reader, writer, b"SECRET")
    finally:
        writer.close()
        await writer.wait_closed()
'''},
]


# Written cold (session 3): from the notebook's prose, the exercise statement, the stub,
# the hints and toyloop/ch7_tls.py only, without reading the checker, the reference
# solution or the entries above.
ANSWERS += [
    {"name": 'cold3_no_server_hostname', "kind": 'wrong',
     "mistake": 'I pass the context to start_tls and nothing else: the context knows the CA.',
     "expect": ['server_hostname'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        await reader.readline()
        await writer.start_tls(context)
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_blocking_wrap_socket', "kind": 'wrong',
     "mistake": ('I use a plain socket and context.wrap_socket, the ssl module way I know; '
                 'with a timeout of a second so it cannot hang.'),
     "expect": ['blocked the loop'],
     "source": r'''
import socket

async def starttls_client(port, context):
    sock = socket.create_connection(("127.0.0.1", port), timeout=1)
    with sock:
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(b"STARTTLS\n")
        reader.readline()
        with context.wrap_socket(sock, server_hostname="localhost") as tls:
            tls.sendall(b"SECRET\n")
            return tls.makefile("rb").readline()
'''},
    {"name": 'cold3_no_wait_for_220', "kind": 'wrong',
     "mistake": ('I send STARTTLS and start the handshake straight away; the 220 is only a '
                 'courtesy.'),
     "expect": ['220'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        await writer.drain()
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_skips_greeting', "kind": 'wrong',
     "mistake": ('I send STARTTLS first and read one line for the answer; I did not read the '
                 'greeting.'),
     "expect": ['greeting'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"STARTTLS\n")
        answer = await reader.readline()
        if not answer.startswith(b"220"):
            raise ConnectionError(f"no STARTTLS: {answer!r}")
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_never_closes', "kind": 'wrong',
     "mistake": 'I return the answer; the connection goes away with the function.',
     "expect": ['close'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await reader.readline()
    writer.write(b"STARTTLS\n")
    if not (await reader.readline()).startswith(b"220"):
        raise RuntimeError("server refused STARTTLS")
    await writer.start_tls(context, server_hostname="localhost")
    writer.write(b"SECRET\n")
    return await reader.readline()
'''},
    {"name": 'cold3_close_no_wait_closed', "kind": 'wrong',
     "mistake": 'I call writer.close() and return; waiting for it to finish seemed optional.',
     "expect": ['wait_closed'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        if not (await reader.readline()).startswith(b"220"):
            raise RuntimeError("server refused STARTTLS")
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
'''},
    {"name": 'cold3_plain_fallback', "kind": 'wrong',
     "mistake": ('If the server does not answer 220 I still send the secret, in plain text: '
                 'better than failing.'),
     "expect": ['plain text'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        if (await reader.readline()).startswith(b"220"):
            await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_tls_from_the_start', "kind": 'wrong',
     "mistake": 'I connect with ssl=context from the start, so everything is encrypted.',
     "expect": ['starttls'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context,
                                                   server_hostname="localhost")
    try:
        await reader.readline()
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_loop_start_tls_old_writer', "kind": 'wrong',
     "mistake": ('I upgrade with loop.start_tls on the writer\'s transport and keep using my '
                 'writer and reader.'),
     "expect": ['plain text'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        if not (await reader.readline()).startswith(b"220"):
            raise RuntimeError("server refused STARTTLS")
        transport = writer.transport
        await loop.start_tls(transport, transport.get_protocol(), context,
                             server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_swallows_errors', "kind": 'wrong',
     "mistake": ('A client should not crash, so if anything goes wrong (the handshake, say) '
                 'I return None.'),
     "expect": ['raise an error'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    writer = None
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await reader.readline()
        writer.write(b"STARTTLS\n")
        await reader.readline()
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    except Exception:
        return None
    finally:
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except Exception:
                pass
'''},
    {"name": 'cold3_verification_off', "kind": 'wrong',
     "mistake": ('The handshake failed on the certificate once, so I turn checking off on the '
                 'context before upgrading.'),
     "expect": ['verif'],
     "source": r'''
import asyncio
import ssl

async def starttls_client(port, context):
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        await reader.readline()
        await writer.start_tls(context)
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_sleep_for_server', "kind": 'wrong',
     "mistake": ('I give the server half a second to switch to TLS before my handshake, with '
                 'time.sleep.'),
     "expect": ['blocked the loop'],
     "source": r'''
import asyncio
import time

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        if not (await reader.readline()).startswith(b"220"):
            raise RuntimeError("server refused STARTTLS")
        time.sleep(0.5)
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    {"name": 'cold3_answer_as_str', "kind": 'wrong',
     "mistake": 'I decode the answer and strip it, a string is nicer to print.',
     "expect": ['bytes'],
     "source": r'''
import asyncio

async def starttls_client(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reader.readline()
        writer.write(b"STARTTLS\n")
        if not (await reader.readline()).startswith(b"220"):
            raise RuntimeError("server refused STARTTLS")
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        return (await reader.readline()).decode().strip()
    finally:
        writer.close()
        await writer.wait_closed()
'''},
    # -- correct, written differently from the chapter's code ------------------------
    {"name": 'cold3_protocol_and_loop_start_tls', "kind": 'correct',
     "source": r'''
import asyncio


class LineClient(asyncio.Protocol):
    """Splits whatever arrives (plain or decrypted) into lines on a queue."""

    def __init__(self, loop):
        self.lines = asyncio.Queue()
        self.buffer = b""
        self.closed = loop.create_future()

    def data_received(self, data):
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            self.lines.put_nowait(line + b"\n")

    def eof_received(self):
        return False

    def connection_lost(self, exc):
        if not self.closed.done():
            self.closed.set_result(exc)


async def starttls_client(port, context):
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_connection(lambda: LineClient(loop),
                                                    "127.0.0.1", port)
    try:
        await proto.lines.get()                     # greeting
        transport.write(b"STARTTLS\n")
        reply = await proto.lines.get()
        if not reply.startswith(b"220"):
            raise ConnectionError(f"server refused STARTTLS: {reply!r}")
        transport = await loop.start_tls(transport, proto, context,
                                         server_hostname="localhost")
        transport.write(b"SECRET\n")
        return await proto.lines.get()
    finally:
        transport.close()
        await proto.closed
'''},
    {"name": 'cold3_exit_stack_readuntil', "kind": 'correct',
     "source": r'''
import asyncio
import contextlib


async def _closed(writer):
    writer.close()
    await writer.wait_closed()


async def starttls_client(port, context):
    async with contextlib.AsyncExitStack() as stack:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        stack.push_async_callback(_closed, writer)
        greeting = await reader.readuntil(b"\n")
        assert greeting
        writer.write(b"STARTTLS\n")
        await writer.drain()
        reply = await reader.readuntil(b"\n")
        if reply[:3] != b"220":
            raise ConnectionError(f"no TLS on offer: {reply!r}")
        await writer.start_tls(context, server_hostname="localhost")
        writer.write(b"SECRET\n")
        await writer.drain()
        return await reader.readuntil(b"\n")
'''},
]
