"""Learner answers to chapter 3's ``chat_server(loop, listener)``: broadcast to the others."""

_SERVE = '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                if other is conn:
                    continue
                try:
                    await loop.sock_sendall(other, data)
                except OSError:
                    clients.discard(other)
    finally:
        clients.discard(conn)
        conn.close()
'''

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "one_client_at_a_time", "kind": "wrong",
     "mistake": ("I serve the first client inline in the accept loop, so nobody else is accepted "
                 "until it leaves."),
     "expect": ["accept"],
     "source": '''
async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        clients.add(conn)
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                if other is not conn:
                    await loop.sock_sendall(other, data)
        clients.discard(conn)
        conn.close()
'''},
    {"name": "awaits_serve", "kind": "wrong",
     "mistake": ("I `await serve(conn)` in the accept loop instead of starting a task, so clients "
                 "are served one after another."),
     "expect": ["accept"],
     "source": _SERVE + '''

async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        await serve(loop, conn, clients)
'''},
    {"name": "echo_to_sender", "kind": "wrong",
     "mistake": "I broadcast to every client including the one who sent the message.",
     "expect": ["sender"],
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                try:
                    await loop.sock_sendall(other, data)
                except OSError:
                    clients.discard(other)
    finally:
        clients.discard(conn)
        conn.close()


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "plain_send", "kind": "wrong",
     "mistake": ("I forward messages with a single conn.send(), ignoring partial sends and a full "
                 "buffer."),
     "expect": ["partial"],
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                if other is not conn:
                    try:
                        other.send(data)
                    except OSError:
                        clients.discard(other)
    finally:
        clients.discard(conn)
        conn.close()


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "departed_not_closed", "kind": "wrong",
     "mistake": "When a client leaves I remove it from the set but never close its socket.",
     "expect": ["not closed"],
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                if other is not conn:
                    try:
                        await loop.sock_sendall(other, data)
                    except OSError:
                        clients.discard(other)
    finally:
        clients.discard(conn)


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "departed_kept_in_set", "kind": "wrong",
     "mistake": ("I close a departed client's socket but leave it in the set, so the next "
                 "broadcast fails on a closed socket."),
     "expect": ["left"],
     "source": '''
async def serve(loop, conn, clients):
    clients.append(conn)
    while True:
        data = await loop.sock_recv(conn, 4096)
        if not data:
            conn.close()
            return
        for other in clients:
            if other is not conn:
                await loop.sock_sendall(other, data)


async def my_chat_server(loop, listener):
    clients = []
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "oserror_kills_sender", "kind": "wrong",
     "mistake": ("I don't catch the OSError of sending to a client that has just left, so the "
                 "sender's own connection dies with it."),
     "expect": ["oserror"],
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                if other is not conn:
                    await loop.sock_sendall(other, data)
    finally:
        clients.discard(conn)
        conn.close()


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "blocking_accept", "kind": "wrong",
     "mistake": ("I make the listener blocking and call listener.accept(), which blocks the loop's"
                 " thread until a client comes."),
     "expect": ["blocked the loop"], "hangs": True,
     "source": _SERVE + '''

async def my_chat_server(loop, listener):
    clients = set()
    listener.setblocking(True)
    while True:
        conn, _ = listener.accept()
        conn.setblocking(False)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "blocking_recv", "kind": "wrong",
     "mistake": ("I read each client with a blocking conn.recv(), which blocks the loop's thread "
                 "while that client is silent."),
     "expect": ["blocked the loop"], "hangs": True,
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            conn.setblocking(True)
            data = conn.recv(4096)
            conn.setblocking(False)
            if not data:
                break
            for other in list(clients):
                if other is not conn:
                    try:
                        await loop.sock_sendall(other, data)
                    except OSError:
                        clients.discard(other)
    finally:
        clients.discard(conn)
        conn.close()


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "ignores_eof", "kind": "wrong",
     "mistake": ("I never treat b'' as the client leaving, so after a client goes I keep reading "
                 "b'' forever."),
     "expect": ["left"], "hangs": True,
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    while True:
        data = await loop.sock_recv(conn, 4096)
        for other in list(clients):
            if other is not conn:
                try:
                    await loop.sock_sendall(other, data)
                except OSError:
                    clients.discard(other)


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "iterates_live_set", "kind": "wrong",
     "mistake": ("I loop over the clients set itself while awaiting sends, so when another client "
                 "joins or leaves meanwhile: 'Set changed size during iteration'."),
     "expect": ["changed size"],
     "source": '''
async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in clients:
                if other is not conn:
                    try:
                        await loop.sock_sendall(other, data)
                    except OSError:
                        pass
    finally:
        clients.discard(conn)
        conn.close()


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "accepts_two_only", "kind": "wrong",
     "mistake": "I accept exactly as many clients as the example has (two), then stop accepting.",
     "expect": ["accept"],
     "source": _SERVE + '''

async def my_chat_server(loop, listener):
    clients = set()
    tasks = []
    for _ in range(2):
        conn, _ = await loop.sock_accept(listener)
        tasks.append(loop.create_task(serve(loop, conn, clients)))
    for task in tasks:
        await task
'''},
    {"name": "fire_and_forget_sends", "kind": "wrong",
     "mistake": ("I start a separate task for every send, so two messages to the same client can "
                 "interleave and arrive out of order."),
     "expect": ["order"],
     "source": '''
async def _send(loop, sock, data, clients):
    try:
        await loop.sock_sendall(sock, data)
    except OSError:
        clients.discard(sock)


async def serve(loop, conn, clients):
    clients.add(conn)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            for other in list(clients):
                if other is not conn:
                    loop.create_task(_send(loop, other, data, clients))
    finally:
        clients.discard(conn)
        conn.close()


async def my_chat_server(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn, clients))
'''},
    {"name": "bare_except_loop", "kind": "wrong",
     "mistake": ("I wrapped my accept loop in a bare except: so nothing can break it, which also "
                 "swallows the cancel that stops the server."),
     "expect": ["cancel"], "hangs": True,
     "source": _SERVE + '''

async def my_chat_server(loop, listener):
    clients = set()
    while True:
        try:
            conn, _ = await loop.sock_accept(listener)
            loop.create_task(serve(loop, conn, clients))
        except:
            pass
'''},
    {"name": "class_attribute_room", "kind": "wrong",
     "mistake": ("I keep the clients in a class attribute of my Room class, so every server (and "
                 "every run) shares one set of clients."),
     "expect": ["shared"],
     "source": '''
class Room:
    clients = set()

    def __init__(self, loop):
        self.loop = loop

    async def serve(self, conn):
        self.clients.add(conn)
        try:
            while True:
                data = await self.loop.sock_recv(conn, 4096)
                if not data:
                    break
                for other in list(self.clients):
                    if other is not conn:
                        try:
                            await self.loop.sock_sendall(other, data)
                        except OSError:
                            self.clients.discard(other)
        finally:
            conn.close()


async def my_chat_server(loop, listener):
    room = Room(loop)
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(room.serve(conn))
'''},
    {"name": "module_level_clients", "kind": "wrong",
     "mistake": ("I keep the connected clients in a module-level set and never remove departed "
                 "ones, so a later server still tries to talk to old clients."),
     "expect": ["shared"],
     "source": '''
CLIENTS = []

async def serve(loop, conn):
    CLIENTS.append(conn)
    while True:
        data = await loop.sock_recv(conn, 4096)
        if not data:
            conn.close()
            break
        for other in CLIENTS:
            if other is not conn and other.fileno() != -1:
                try:
                    await loop.sock_sendall(other, data)
                except OSError:
                    pass


async def my_chat_server(loop, listener):
    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(loop, conn))
'''},
    {"name": "polls_recv", "kind": "wrong",
     "mistake": ("I poll every client with conn.recv() and sleep(0) between tries instead of "
                 "awaiting sock_recv: a busy loop."),
     "expect": ["busy"],
     "source": '''
import asyncio

async def my_chat_server(loop, listener):
    clients = []

    async def acceptor():
        while True:
            conn, _ = await loop.sock_accept(listener)
            clients.append(conn)

    loop.create_task(acceptor())
    while True:
        for conn in list(clients):
            try:
                data = conn.recv(4096)
            except BlockingIOError:
                continue
            if not data:
                clients.remove(conn)
                conn.close()
                continue
            for other in list(clients):
                if other is not conn:
                    try:
                        await loop.sock_sendall(other, data)
                    except OSError:
                        pass
        await asyncio.sleep(0)
'''},
    # ---------------------------------------------------------------- correct
    {"name": "tasks_and_cleanup", "kind": "correct",
     "source": '''
import asyncio

async def my_chat_server(loop, listener):
    members = set()
    handlers = set()

    async def broadcast(sender, data):
        for peer in [m for m in members if m is not sender]:
            try:
                await loop.sock_sendall(peer, data)
            except OSError:
                members.discard(peer)

    async def handle(conn):
        members.add(conn)
        try:
            while data := await loop.sock_recv(conn, 65536):
                await broadcast(conn, data)
        except OSError:
            pass
        finally:
            members.discard(conn)
            conn.close()

    try:
        while True:
            conn, _addr = await loop.sock_accept(listener)
            task = loop.create_task(handle(conn))
            handlers.add(task)
            task.add_done_callback(handlers.discard)
    finally:
        for task in list(handlers):
            task.cancel()
'''},
    {"name": "gather_sends", "kind": "correct",
     "source": '''
import asyncio

async def my_chat_server(loop, listener):
    peers = {}   # socket -> its handler task

    async def relay(sock):
        try:
            while True:
                chunk = await loop.sock_recv(sock, 4096)
                if chunk == b"":
                    return
                targets = [p for p in list(peers) if p is not sock]
                outcomes = await asyncio.gather(
                    *(loop.sock_sendall(p, chunk) for p in targets), return_exceptions=True)
                for p, outcome in zip(targets, outcomes):
                    if isinstance(outcome, OSError):
                        peers.pop(p, None)
        finally:
            peers.pop(sock, None)
            sock.close()

    try:
        while True:
            sock, _ = await loop.sock_accept(listener)
            peers[sock] = loop.create_task(relay(sock))
    finally:
        for task in list(peers.values()):
            task.cancel()
'''},
    {"name": "outbox_queues", "kind": "correct",
     "source": '''
import asyncio

async def my_chat_server(loop, listener):
    outboxes = {}   # conn -> asyncio.Queue of messages waiting to go out
    tasks = set()

    async def writer(conn, box):
        while True:
            data = await box.get()
            try:
                await loop.sock_sendall(conn, data)
            except OSError:
                outboxes.pop(conn, None)
                return

    async def reader(conn):
        box = asyncio.Queue()
        outboxes[conn] = box
        out = loop.create_task(writer(conn, box))
        try:
            while True:
                data = await loop.sock_recv(conn, 4096)
                if not data:
                    break
                for other, other_box in list(outboxes.items()):
                    if other is not conn:
                        other_box.put_nowait(data)
        except OSError:
            pass
        finally:
            outboxes.pop(conn, None)
            out.cancel()
            try:
                await out
            except asyncio.CancelledError:
                pass
            conn.close()

    try:
        while True:
            conn, _ = await loop.sock_accept(listener)
            t = loop.create_task(reader(conn))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
    finally:
        for t in list(tasks):
            t.cancel()
'''},
]
