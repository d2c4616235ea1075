"""Learner answers to chapter 3's ``http_get(loop, host, port, path)``."""

_CONNECT = '''
import socket

async def _fetch(loop, host, port, request):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, request)
        chunks = []
        while True:
            chunk = await loop.sock_recv(sock, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        sock.close()
'''


ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "create_connection_blocking", "kind": "wrong",
     "mistake": ("I use socket.create_connection with blocking sendall and recv, which blocks the "
                 "loop's thread for the whole request."),
     "expect": ["blocked the loop"],
     "source": '''
import socket

async def my_http_get(loop, host, port, path):
    with socket.create_connection((host, port), timeout=1) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    lines = head.decode("latin-1").split("\\r\\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return status, headers, body
'''},
    {"name": "urllib", "kind": "wrong",
     "mistake": "I use urllib.request.urlopen, which blocks the loop's thread.",
     "expect": ["blocked the loop"],
     "source": '''
import urllib.error
import urllib.request

async def my_http_get(loop, host, port, path):
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=1) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()
'''},
    {"name": "single_recv", "kind": "wrong",
     "mistake": ("I read the response with a single sock_recv, so a long body arrives cut short; I"
                 " should read until b''."),
     "expect": ["b''"],
     "source": '''
import socket

async def my_http_get(loop, host, port, path):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n"
        await loop.sock_sendall(sock, request.encode())
        data = await loop.sock_recv(sock, 1 << 20)
    finally:
        sock.close()
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    lines = head.decode("latin-1").split("\\r\\n")
    headers = {k: v for k, _, v in (l.partition(": ") for l in lines[1:])}
    return int(lines[0].split()[1]), headers, body
'''},
    {"name": "splits_at_lf_lf", "kind": "wrong",
     "mistake": ("I split the head from the body at b'\\n\\n', but HTTP lines end with \\r\\n, so "
                 "the split is never found."),
     "expect": ["\\r\\n\\r\\n"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    head, _, body = data.partition(b"\\n\\n")
    lines = head.decode("latin-1").splitlines()
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return int(lines[0].split()[1]), headers, body
'''},
    {"name": "no_host_header", "kind": "wrong",
     "mistake": "I send no Host header (HTTP/1.0 allows it, real servers need it).",
     "expect": ["host"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    data = await _fetch(loop, host, port, f"GET {path} HTTP/1.0\\r\\n\\r\\n".encode())
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "raises_on_404", "kind": "wrong",
     "mistake": "I raise an exception for a 404 instead of returning the status.",
     "expect": ["404"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    status = int(status_line.split()[1])
    if status >= 400:
        raise RuntimeError(f"HTTP error {status}")
    return status, dict(h.split(": ", 1) for h in header_lines), body
'''},
    {"name": "status_as_str", "kind": "wrong",
     "mistake": "I return the status as the string '200' instead of an int.",
     "expect": ["int"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    return status_line.split()[1], dict(h.split(": ", 1) for h in header_lines), body
'''},
    {"name": "body_as_str", "kind": "wrong",
     "mistake": "I decode the body to a str, but the exercise wants bytes.",
     "expect": ["bytes"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    text = data.decode("utf-8", "replace")
    head, _, body = text.partition("\\r\\n\\r\\n")
    status_line, *header_lines = head.split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "headers_as_list", "kind": "wrong",
     "mistake": "I return the header lines as a list of strings instead of a dict.",
     "expect": ["dict"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    return int(status_line.split()[1]), header_lines, body
'''},
    {"name": "status_wrong_word", "kind": "wrong",
     "mistake": "I take the third word of the status line ('OK') as the status, off by one.",
     "expect": ["status"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    words = status_line.split()
    status = int(words[2]) if words[2].isdigit() else words[2]
    return status, dict(h.split(": ", 1) for h in header_lines), body
'''},
    {"name": "never_closes", "kind": "wrong",
     "mistake": "I never close my socket.",
     "expect": ["not closed"],
     "source": '''
import socket

async def my_http_get(loop, host, port, path):
    sock = socket.socket()
    sock.setblocking(False)
    await loop.sock_connect(sock, (host, port))
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n"
    await loop.sock_sendall(sock, request.encode())
    data = b""
    while True:
        chunk = await loop.sock_recv(sock, 65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "reads_fixed_amount", "kind": "wrong",
     "mistake": "I stop reading after 64 kB instead of reading until the server closes (b'').",
     "expect": ["b''"],
     "source": '''
import socket

async def my_http_get(loop, host, port, path):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n"
        await loop.sock_sendall(sock, request.encode())
        data = b""
        while len(data) < 65536:
            chunk = await loop.sock_recv(sock, 4096)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "busy_recv", "kind": "wrong",
     "mistake": ("I call sock.recv() myself and retry after sleep(0) on BlockingIOError: a busy "
                 "loop instead of awaiting sock_recv."),
     "expect": ["busy"],
     "source": '''
import asyncio
import socket

async def my_http_get(loop, host, port, path):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n"
        await loop.sock_sendall(sock, request.encode())
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except BlockingIOError:
                await asyncio.sleep(0)
                continue
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "body_keeps_separator", "kind": "wrong",
     "mistake": ("I cut the body at the index of b'\\r\\n\\r\\n' plus 2, so it starts with a stray"
                 " b'\\r\\n'."),
     "expect": ["body"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    end = data.index(b"\\r\\n\\r\\n")
    head, body = data[:end], data[end + 2:]
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "split_without_maxsplit", "kind": "wrong",
     "mistake": ("I split the whole response at every b'\\r\\n\\r\\n' and keep part [1], so a body"
                 " that itself contains a blank line is cut."),
     "expect": ["body"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    parts = data.split(b"\\r\\n\\r\\n")
    head, body = parts[0], parts[1]
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "lf_only_split", "kind": "wrong",
     "mistake": ("I split the response lines at \\n only, so every header value keeps a trailing "
                 "\\r."),
     "expect": ["header"],
     "source": _CONNECT + '''

async def my_http_get(loop, host, port, path):
    request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
    data = await _fetch(loop, host, port, request)
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(": ")
        headers[name] = value
    return int(status_line.split()[1]), headers, body
'''},
    {"name": "blocking_getaddrinfo_and_connect", "kind": "wrong",
     "mistake": ("I connect with a plain blocking sock.connect() before switching to non-blocking,"
                 " which blocks the loop's thread during the connect."),
     "expect": ["blocked the loop"],
     "source": '''
import socket
import time

async def my_http_get(loop, host, port, path):
    sock = socket.socket()
    try:
        sock.connect((host, port))
        time.sleep(0.5)   # give the server a moment
        sock.setblocking(False)
        request = f"GET {path} HTTP/1.0\\r\\nHost: {host}:{port}\\r\\n\\r\\n"
        await loop.sock_sendall(sock, request.encode())
        data = b""
        while chunk := await loop.sock_recv(sock, 65536):
            data += chunk
    finally:
        sock.close()
    head, _, body = data.partition(b"\\r\\n\\r\\n")
    status_line, *header_lines = head.decode("latin-1").split("\\r\\n")
    headers = dict(h.split(": ", 1) for h in header_lines)
    return int(status_line.split()[1]), headers, body
'''},
    # ---------------------------------------------------------------- correct
    {"name": "partition_lowercase", "kind": "correct",
     "source": '''
import socket

async def my_http_get(loop, host, port, path):
    request = (f"GET {path} HTTP/1.0\\r\\n"
               f"Host: {host}:{port}\\r\\n"
               "User-Agent: toyloop-learner\\r\\n\\r\\n").encode("ascii")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, request)
        received = bytearray()
        while chunk := await loop.sock_recv(sock, 1 << 16):
            received += chunk
    head, _sep, body = bytes(received).partition(b"\\r\\n\\r\\n")
    status_line, *lines = head.decode("iso-8859-1").split("\\r\\n")
    _version, code, *_reason = status_line.split(" ")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(code), headers, body
'''},
    {"name": "http_client_parse_headers", "kind": "correct",
     "source": '''
import http.client
import io
import socket

async def my_http_get(loop, host, port, path):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, b"GET %s HTTP/1.0\\r\\nHost: %s:%d\\r\\n\\r\\n"
                                % (path.encode(), host.encode(), port))
        pieces = []
        while True:
            piece = await loop.sock_recv(sock, 8192)
            if piece == b"":
                break
            pieces.append(piece)
    finally:
        sock.close()
    stream = io.BytesIO(b"".join(pieces))
    status = int(stream.readline().split()[1])
    message = http.client.parse_headers(stream)
    return status, dict(message.items()), stream.read()
'''},
    {"name": "recv_into_buffer", "kind": "correct",
     "source": '''
import socket

async def my_http_get(loop, host, port, path):
    s = socket.socket()
    s.setblocking(False)
    try:
        await loop.sock_connect(s, (host, port))
        head = f"GET {path} HTTP/1.0\\r\\nHost: {host}\\r\\nConnection: close\\r\\n\\r\\n"
        await loop.sock_sendall(s, head.encode())
        buf = bytearray(4096)
        response = bytearray()
        while True:
            n = await loop.sock_recv_into(s, buf)
            if n == 0:
                break
            response.extend(buf[:n])
    finally:
        s.close()
    sep = response.find(b"\\r\\n\\r\\n")
    head, body = bytes(response[:sep]), bytes(response[sep + 4:])
    first, *rest = head.split(b"\\r\\n")
    headers = dict((k.decode(), v.decode().strip()) for k, v in (r.split(b":", 1) for r in rest))
    return int(first.split(b" ")[1]), headers, body
'''},
]
