"""Learner answers to chapter 5's ``handle_kv(reader, writer, store)`` stream handler."""

_ANSWER = '''

def answer(line, store):
    command, _, rest = line.partition(" ")
    if command == "SET":
        key, _, value = rest.partition(" ")
        store[key] = value
        return "OK"
    if command == "GET":
        return store.get(rest, "NOT_FOUND")
    if command == "DEL":
        return "DELETED" if store.pop(rest, None) is not None else "NOT_FOUND"
    return "ERROR unknown command"
'''

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "no_drain", "kind": "wrong",
     "mistake": ("I write the answers but never await writer.drain(), so a slow client makes me "
                 "buffer without end."),
     "expect": ["drain"],
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
    writer.close()
'''},
    {"name": "never_closes", "kind": "wrong",
     "mistake": "When the client closes its side I leave the loop but never close the writer.",
     "expect": ["not closed"],
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            return
        writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
        await writer.drain()
'''},
    {"name": "read_per_command", "kind": "wrong",
     "mistake": ("I treat each reader.read(1024) as exactly one command, so several commands in "
                 "one write (or one command in several) go wrong."),
     "expect": ["several commands"],
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        data = await reader.read(1024)
        if not data:
            break
        writer.write(answer(data.decode().strip(), store).encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "split_value", "kind": "wrong",
     "mistake": "I use split() and keep only the third word, so a value with spaces is cut.",
     "expect": ["spaces"],
     "source": '''
async def handle_kv(reader, writer, store):
    while line := await reader.readline():
        words = line.decode().split()
        if words and words[0] == "SET" and len(words) >= 3:
            store[words[1]] = words[2]
            reply = "OK"
        elif words and words[0] == "GET" and len(words) == 2:
            reply = store.get(words[1], "NOT_FOUND")
        elif words and words[0] == "DEL" and len(words) == 2:
            reply = "DELETED" if store.pop(words[1], None) is not None else "NOT_FOUND"
        else:
            reply = "ERROR unknown command"
        writer.write((reply + "\\n").encode())
        await writer.drain()
    writer.close()
'''},
    {"name": "own_store", "kind": "wrong",
     "mistake": "I keep the data in my own module-level dict instead of the store I was given.",
     "expect": ["store"],
     "source": '''
DATA = {}

async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd, _, rest = line.decode().strip().partition(" ")
        if cmd == "SET":
            key, _, value = rest.partition(" ")
            DATA[key] = value
            reply = "OK"
        elif cmd == "GET":
            reply = DATA.get(rest, "NOT_FOUND")
        elif cmd == "DEL":
            reply = "DELETED" if DATA.pop(rest, None) is not None else "NOT_FOUND"
        else:
            reply = "ERROR unknown command"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "del_answers_ok", "kind": "wrong",
     "mistake": "DEL answers OK instead of DELETED (and never NOT_FOUND).",
     "expect": ["deleted"],
     "source": '''
async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd, _, rest = line.decode().strip().partition(" ")
        if cmd == "SET":
            key, _, value = rest.partition(" ")
            store[key] = value
            reply = "OK"
        elif cmd == "GET":
            reply = store.get(rest, "NOT_FOUND")
        elif cmd == "DEL":
            store.pop(rest, None)
            reply = "OK"
        else:
            reply = "ERROR unknown command"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "short_error", "kind": "wrong",
     "mistake": "For an unknown command I answer just ERROR instead of 'ERROR unknown command'.",
     "expect": ["unknown command"],
     "source": '''
async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd, _, rest = line.decode().strip().partition(" ")
        if cmd == "SET":
            key, _, value = rest.partition(" ")
            store[key] = value
            reply = "OK"
        elif cmd == "GET":
            reply = store.get(rest, "NOT_FOUND")
        elif cmd == "DEL":
            reply = "DELETED" if store.pop(rest, None) is not None else "NOT_FOUND"
        else:
            reply = "ERROR"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "keyerror_on_missing", "kind": "wrong",
     "mistake": ("GET of a missing key does store[key], which raises KeyError and kills the "
                 "connection instead of answering NOT_FOUND."),
     "expect": ["not_found"],
     "source": '''
async def handle_kv(reader, writer, store):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd, _, rest = line.decode().strip().partition(" ")
            if cmd == "SET":
                key, _, value = rest.partition(" ")
                store[key] = value
                reply = "OK"
            elif cmd == "GET":
                reply = store[rest]
            elif cmd == "DEL":
                del store[rest]
                reply = "DELETED"
            else:
                reply = "ERROR unknown command"
            writer.write(reply.encode() + b"\\n")
            await writer.drain()
    finally:
        writer.close()
'''},
    {"name": "ignores_eof", "kind": "wrong",
     "mistake": ("I never check for b'' from readline, so after the client closes I keep answering"
                 " empty lines forever."),
     "expect": ["eof"], "hangs": True,
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        try:
            writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
            await writer.drain()
        except ConnectionError:
            pass
'''},
    {"name": "lowercases_everything", "kind": "wrong",
     "mistake": ("I lower-case the whole line to accept any command case, which also changes the "
                 "keys and values."),
     "expect": ["value"],
     "source": '''
async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd, _, rest = line.decode().strip().lower().partition(" ")
        if cmd == "set":
            key, _, value = rest.partition(" ")
            store[key] = value
            reply = "OK"
        elif cmd == "get":
            reply = store.get(rest, "NOT_FOUND")
        elif cmd == "del":
            reply = "DELETED" if store.pop(rest, None) is not None else "NOT_FOUND"
        else:
            reply = "ERROR unknown command"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "no_newline", "kind": "wrong",
     "mistake": ("I forget the b'\\n' after each answer, so the client waiting for an answer line "
                 "never gets one."),
     "expect": ["\\n"], "hangs": True,
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(answer(line.decode().strip(), store).encode())
        await writer.drain()
    writer.close()
'''},
    {"name": "closes_after_first", "kind": "wrong",
     "mistake": "I answer one command and then close the connection.",
     "expect": ["closed"],
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    line = await reader.readline()
    if line:
        writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "joins_with_single_space", "kind": "wrong",
     "mistake": ("I split the value on whitespace and join it back with single spaces, so runs of "
                 "spaces in a value are squeezed."),
     "expect": ["spaces"],
     "source": '''
async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readline()
        if not line:
            break
        parts = line.decode().split()
        if not parts:
            reply = "ERROR unknown command"
        elif parts[0] == "SET" and len(parts) >= 3:
            store[parts[1]] = " ".join(parts[2:])
            reply = "OK"
        elif parts[0] == "GET" and len(parts) == 2:
            reply = store.get(parts[1], "NOT_FOUND")
        elif parts[0] == "DEL" and len(parts) == 2:
            reply = "DELETED" if store.pop(parts[1], None) is not None else "NOT_FOUND"
        else:
            reply = "ERROR unknown command"
        writer.write(reply.encode() + b"\\n")
        await writer.drain()
    writer.close()
'''},
    {"name": "bare_except_continue", "kind": "wrong",
     "mistake": ("I wrapped each round in a bare except: continue so one bad command cannot kill "
                 "the connection, which also swallows the cancel that stops the server."),
     "expect": ["cancel"], "hangs": True,
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        try:
            line = await reader.readline()
            if not line:
                break
            writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
            await writer.drain()
        except:
            continue
    writer.close()
'''},
    {"name": "readuntil_at_eof", "kind": "wrong",
     "mistake": ("I read with readuntil(b'\\n'), which raises IncompleteReadError when the client "
                 "closes, so my handler dies instead of closing cleanly."),
     "expect": ["incompletereaderror"],
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    while True:
        line = await reader.readuntil(b"\\n")
        writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
        await writer.drain()
'''},
    {"name": "blocking_socket_read", "kind": "wrong",
     "mistake": ("I read commands from the raw socket with a blocking recv, which blocks the "
                 "loop's thread."),
     "expect": ["blocked the loop"],
     "source": _ANSWER + '''

async def handle_kv(reader, writer, store):
    sock = writer.get_extra_info("socket")
    raw = sock.dup()
    raw.setblocking(True)
    raw.settimeout(1)
    buffer = b""
    try:
        while True:
            try:
                data = raw.recv(4096)
            except OSError:
                break
            if not data:
                break
            buffer += data
            while b"\\n" in buffer:
                line, buffer = buffer.split(b"\\n", 1)
                writer.write(answer(line.decode().strip(), store).encode() + b"\\n")
                await writer.drain()
    finally:
        raw.close()
        writer.close()
'''},
    # ---------------------------------------------------------------- correct
    {"name": "dispatch_table", "kind": "correct",
     "source": '''
def _set(store, args):
    key, _, value = args.partition(" ")
    store[key] = value
    return "OK"

def _get(store, key):
    return store[key] if key in store else "NOT_FOUND"

def _delete(store, key):
    if key in store:
        del store[key]
        return "DELETED"
    return "NOT_FOUND"

COMMANDS = {"SET": _set, "GET": _get, "DEL": _delete}

async def handle_kv(reader, writer, store):
    try:
        while True:
            raw = await reader.readline()
            if raw == b"":
                break
            name, _, args = raw.decode().rstrip("\\r\\n").partition(" ")
            handler = COMMANDS.get(name)
            reply = handler(store, args) if handler else "ERROR unknown command"
            writer.write(f"{reply}\\n".encode())
            await writer.drain()
    finally:
        writer.close()
'''},
    {"name": "match_statement", "kind": "correct",
     "source": '''
async def handle_kv(reader, writer, store):
    async for raw in reader:   # one line at a time, until EOF
        cmd, _, rest = raw.decode().strip().partition(" ")
        match cmd:
            case "SET":
                key, _, value = rest.partition(" ")
                store[key] = value
                out = "OK"
            case "GET":
                out = store.get(rest, "NOT_FOUND")
            case "DEL":
                out = "DELETED" if rest in store else "NOT_FOUND"
                store.pop(rest, None)
            case _:
                out = "ERROR unknown command"
        writer.write(out.encode() + b"\\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()
'''},
    {"name": "collect_then_writelines", "kind": "correct",
     "source": '''
import asyncio

async def handle_kv(reader, writer, store):
    try:
        while line := await reader.readline():
            text = line.decode()
            if text.endswith("\\n"):
                text = text[:-1]
            verb, _sep, tail = text.strip().partition(" ")
            if verb == "SET":
                k, _s, v = tail.partition(" ")
                store[k] = v
                writer.writelines([b"OK", b"\\n"])
            elif verb == "GET":
                writer.writelines([str(store.get(tail, "NOT_FOUND")).encode(), b"\\n"])
            elif verb == "DEL":
                found = store.pop(tail, None) is not None
                writer.writelines([b"DELETED" if found else b"NOT_FOUND", b"\\n"])
            else:
                writer.writelines([b"ERROR unknown command\\n"])
            await writer.drain()
    finally:
        writer.close()
'''},
]
