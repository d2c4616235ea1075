"""Learner answers to chapter 5's ``LineCollector`` protocol."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "splits_each_chunk", "kind": "wrong",
     "mistake": ("I split every chunk on its own, so a line that arrives in two pieces becomes two"
                 " lines."),
     "expect": ["across"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.lines.extend(line for line in data.split(b"\\n") if line)

    def eof_received(self):
        return None
'''},
    {"name": "keeps_newline", "kind": "wrong",
     "mistake": "My lines keep their trailing b'\\n'.",
     "expect": ["\\n"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        while b"\\n" in self.buffer:
            end = self.buffer.index(b"\\n") + 1
            self.lines.append(self.buffer[:end])
            self.buffer = self.buffer[end:]

    def eof_received(self):
        if self.buffer:
            self.lines.append(self.buffer)
            self.buffer = b""
'''},
    {"name": "empty_line_at_eof", "kind": "wrong",
     "mistake": ("At EOF I always append what is left in the buffer, even when it is empty, so an "
                 "extra b'' line appears."),
     "expect": ["empty"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = bytearray()

    def data_received(self, data):
        self.buffer += data
        *complete, rest = self.buffer.split(b"\\n")
        self.lines.extend(bytes(c) for c in complete)
        self.buffer = bytearray(rest)

    def eof_received(self):
        self.lines.append(bytes(self.buffer))
        self.buffer.clear()
'''},
    {"name": "loses_last_line", "kind": "wrong",
     "mistake": "I never define eof_received, so a last line without b'\\n' is lost.",
     "expect": ["eof"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines += parts
'''},
    {"name": "keeps_open_at_eof", "kind": "wrong",
     "mistake": "eof_received returns True and never closes, so the transport stays half-open.",
     "expect": ["close"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines += parts

    def eof_received(self):
        if self.buffer:
            self.lines.append(self.buffer)
            self.buffer = b""
        return True
'''},
    {"name": "class_bytearray_buffer", "kind": "wrong",
     "mistake": ("I made the buffer a class attribute bytearray; `+=` changes it in place, so "
                 "every connection shares one buffer."),
     "expect": ["shared"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    buffer = bytearray()

    def __init__(self):
        self.lines = []

    def data_received(self, data):
        self.buffer += data
        while True:
            i = self.buffer.find(b"\\n")
            if i < 0:
                break
            self.lines.append(bytes(self.buffer[:i]))
            del self.buffer[:i + 1]

    def eof_received(self):
        if self.buffer:
            self.lines.append(bytes(self.buffer))
            self.buffer.clear()
'''},
    {"name": "decodes_to_str", "kind": "wrong",
     "mistake": "I store the lines as str (decoded), but they should stay bytes.",
     "expect": ["bytes"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.rest = ""

    def data_received(self, data):
        parts = (self.rest + data.decode()).split("\\n")
        self.rest = parts.pop()
        self.lines.extend(parts)

    def eof_received(self):
        if self.rest:
            self.lines.append(self.rest)
'''},
    {"name": "strips_lines", "kind": "wrong",
     "mistake": "I strip() every line, which also removes spaces the line really contains.",
     "expect": ["whitespace"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines += [p.strip() for p in parts]

    def eof_received(self):
        if self.buffer.strip():
            self.lines.append(self.buffer.strip())
'''},
    {"name": "adds_rest_early", "kind": "wrong",
     "mistake": ("I add every piece of the split, including the unfinished rest, and also keep the"
                 " rest in the buffer, so a split line shows up twice."),
     "expect": ["across"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts[-1]
        self.lines.extend(p for p in parts if p)

    def eof_received(self):
        return None
'''},
    {"name": "no_transport_stored", "kind": "wrong",
     "mistake": ("eof_received calls self.transport.close(), but I never stored the transport in "
                 "connection_made."),
     "expect": ["connection_made"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines += parts

    def eof_received(self):
        if self.buffer:
            self.lines.append(self.buffer)
        self.transport.close()
        return True
'''},
    {"name": "closes_after_first_line", "kind": "wrong",
     "mistake": ("I close the transport as soon as a whole line has arrived, so the rest of the "
                 "stream is lost."),
     "expect": ["closed"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines += parts
        if parts:
            self.transport.close()

    def eof_received(self):
        if self.buffer:
            self.lines.append(self.buffer)
'''},
    {"name": "splitlines", "kind": "wrong",
     "mistake": ("I use splitlines() on each chunk, which loses the half-line at the end of a "
                 "chunk boundary and also splits at \\r."),
     "expect": ["across"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []

    def data_received(self, data):
        self.lines.extend(data.splitlines())

    def eof_received(self):
        pass
'''},
    {"name": "blank_lines_dropped", "kind": "wrong",
     "mistake": "I skip empty lines (b'\\n\\n'), though an empty line is a line too.",
     "expect": ["empty"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.pending = b""

    def data_received(self, data):
        *done, self.pending = (self.pending + data).split(b"\\n")
        self.lines.extend(line for line in done if line)

    def eof_received(self):
        if self.pending:
            self.lines.append(self.pending)
'''},
    {"name": "class_attribute_lines", "kind": "wrong",
     "mistake": ("I keep lines in a class attribute list, so every LineCollector instance adds to "
                 "the same list."),
     "expect": ["shared"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    lines = []
    buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines.extend(parts)

    def eof_received(self):
        if self.buffer:
            self.lines.append(self.buffer)
            self.buffer = b""
'''},
    {"name": "only_last_chunk", "kind": "wrong",
     "mistake": ("I replace the buffer with each new chunk instead of adding to it, so the start "
                 "of a split line is lost."),
     "expect": ["across"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        self.buffer = data
        parts = self.buffer.split(b"\\n")
        self.buffer = parts.pop()
        self.lines.extend(parts)

    def eof_received(self):
        if self.buffer:
            self.lines.append(self.buffer)
'''},
    {"name": "eof_raises", "kind": "wrong",
     "mistake": ("I left `raise NotImplementedError` in eof_received after filling in "
                 "data_received."),
     "expect": ["eof_received"],
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buffer = b""

    def data_received(self, data):
        parts = (self.buffer + data).split(b"\\n")
        self.buffer = parts.pop()
        self.lines += parts

    def eof_received(self):
        raise NotImplementedError  # your code here
'''},
    # ---------------------------------------------------------------- correct
    {"name": "close_and_return_true", "kind": "correct",
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self._pending = bytearray()
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self._pending.extend(data)
        *whole, rest = self._pending.split(b"\\n")
        self.lines.extend(bytes(line) for line in whole)
        self._pending = bytearray(rest)

    def eof_received(self):
        if self._pending:
            self.lines.append(bytes(self._pending))
            self._pending.clear()
        if self.transport is not None:
            self.transport.close()
        return True
'''},
    {"name": "find_loop", "kind": "correct",
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        start = 0
        while (end := self.buf.find(b"\\n", start)) != -1:
            self.lines.append(self.buf[start:end])
            start = end + 1
        self.buf = self.buf[start:]

    def eof_received(self):
        if self.buf:
            self.lines.append(self.buf)
        self.buf = b""
        return False
'''},
    {"name": "partition_loop", "kind": "correct",
     "source": '''
import asyncio

class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.carry = b""

    def data_received(self, data):
        text = self.carry + data
        while True:
            line, sep, text = text.partition(b"\\n")
            if not sep:
                self.carry = line
                return
            self.lines.append(line)

    def eof_received(self):
        tail, self.carry = self.carry, b""
        if tail != b"":
            self.lines.append(tail)
'''},
]
