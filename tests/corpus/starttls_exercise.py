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
