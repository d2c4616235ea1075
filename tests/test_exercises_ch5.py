"""Chapter 5 exercise checkers: right answers pass, stubs are "not attempted",
and each typical wrong answer is rejected with a message that points at the mistake."""

from __future__ import annotations

import asyncio

import pytest

from toyloop.exercises import ch5
from toyloop.tools.checker import CORRECT, INCORRECT, NOT_ATTEMPTED


def run(exercise, candidate):
    return exercise.run(candidate)


def rejected(exercise, candidate, *phrases):
    result = run(exercise, candidate)
    assert result.status == INCORRECT, (result.status, result.message)
    for phrase in phrases:
        assert phrase in result.message, result.message
    return result


@pytest.mark.parametrize("exercise, solution", [
    (ch5.line_exercise, ch5.LineCollector),
    (ch5.producer_exercise, ch5.Producer),
    (ch5.kv_exercise, ch5.handle_kv),
])
def test_reference_solutions_pass(exercise, solution):
    result = run(exercise, solution)
    assert result.status == CORRECT, result.message
    assert len(result.passed_cases) == len(exercise.cases)


# ---------------------------------------------------------------------------
# LineCollector
# ---------------------------------------------------------------------------


class LineStub(asyncio.Protocol):
    def __init__(self):
        self.lines = []

    def data_received(self, data):
        raise NotImplementedError

    def eof_received(self):
        raise NotImplementedError


class NoBuffer(asyncio.Protocol):
    """Splits every chunk on its own: breaks lines cut across chunks."""

    def __init__(self):
        self.lines = []

    def data_received(self, data):
        self.lines.extend(data.split(b"\n")[:-1])

    def eof_received(self):
        return None


class ForgetsLastLine(ch5.LineCollector):
    def eof_received(self):
        return None


class KeepsOpen(ch5.LineCollector):
    def eof_received(self):
        super().eof_received()
        return True


class KeepsNewlines(asyncio.Protocol):
    def __init__(self):
        self.lines = []
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.lines.append(line + b"\n")

    def eof_received(self):
        pass


def test_line_stub_not_attempted():
    assert run(ch5.line_exercise, LineStub).status == NOT_ATTEMPTED


def test_line_wrong_answers():
    rejected(ch5.line_exercise, NoBuffer, "TCP is a stream", "buffer")
    rejected(ch5.line_exercise, ForgetsLastLine, "at EOF the unfinished b'y'")
    rejected(ch5.line_exercise, KeepsOpen, "half-open")
    rejected(ch5.line_exercise, KeepsNewlines, "without the b'\\n' itself")


# ---------------------------------------------------------------------------
# Producer
# ---------------------------------------------------------------------------


class ProducerStub(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk = total, chunk

    def connection_made(self, transport):
        raise NotImplementedError


class IgnoresPause(ch5.Producer):
    def _write_more(self):
        while self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.transport.write(b"p" * n)
            self.sent += n
        self.transport.close()


class NeverResumes(ch5.Producer):
    def resume_writing(self):
        self.paused = False


class NeverCloses(ch5.Producer):
    def _write_more(self):
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.transport.write(b"p" * n)
            self.sent += n


class WritesOnce(ch5.Producer):
    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"p" * self.chunk)


def test_producer_stub_not_attempted():
    assert run(ch5.producer_exercise, ProducerStub).status == NOT_ATTEMPTED


def test_producer_wrong_answers():
    rejected(ch5.producer_exercise, IgnoresPause, "after pause_writing()", "'paused' flag")
    rejected(ch5.producer_exercise, NeverResumes, "resume_writing() wrote nothing")
    rejected(ch5.producer_exercise, NeverCloses, "close the transport")
    rejected(ch5.producer_exercise, WritesOnce, "then stopped")


# ---------------------------------------------------------------------------
# handle_kv
# ---------------------------------------------------------------------------


async def kv_stub(reader, writer, store):
    raise NotImplementedError


async def kv_own_store(reader, writer, store):
    await ch5.handle_kv(reader, writer, {})


async def kv_never_closes(reader, writer, store):
    while line := await reader.readline():
        command, _, rest = line.decode().strip().partition(" ")
        key, _, value = rest.partition(" ")
        answers = {"SET": "OK", "GET": store.get(key, "NOT_FOUND")}
        if command == "SET":
            store[key] = value
        writer.write(answers.get(command, "ERROR unknown command").encode() + b"\n")
    await asyncio.sleep(3600)  # forgets to close at EOF


async def kv_reads_chunks(reader, writer, store):
    """Treats whatever read() returns as one command."""
    while data := await reader.read(100):
        command, _, rest = data.decode().strip().partition(" ")
        key, _, value = rest.partition(" ")
        if command == "SET":
            store[key] = value
            answer = "OK"
        elif command == "GET":
            answer = store.get(key, "NOT_FOUND")
        elif command == "DEL":
            answer = "DELETED" if store.pop(key, None) is not None else "NOT_FOUND"
        else:
            answer = "ERROR unknown command"
        writer.write(answer.encode() + b"\n")
    writer.close()


async def kv_first_word_value(reader, writer, store):
    """Splits on every space: values lose everything after their first word."""
    while line := await reader.readline():
        parts = line.decode().split()
        if parts[0] == "SET":
            store[parts[1]] = parts[2]
            answer = "OK"
        elif parts[0] == "GET":
            answer = store.get(parts[1], "NOT_FOUND")
        elif parts[0] == "DEL":
            answer = "DELETED" if store.pop(parts[1], None) is not None else "NOT_FOUND"
        else:
            answer = "ERROR unknown command"
        writer.write(answer.encode() + b"\n")
    writer.close()


def test_kv_stub_not_attempted():
    assert run(ch5.kv_exercise, kv_stub).status == NOT_ATTEMPTED


def test_kv_wrong_answers():
    rejected(ch5.kv_exercise, kv_own_store, "shared by all connections")
    rejected(ch5.kv_exercise, kv_never_closes, "was not closed by your server")
    rejected(ch5.kv_exercise, kv_reads_chunks, "keep reading lines with reader.readline()")
    rejected(ch5.kv_exercise, kv_first_word_value, "expected the answers")


def test_hints_and_solutions_exist():
    for exercise in (ch5.line_exercise, ch5.producer_exercise, ch5.kv_exercise):
        assert len(exercise.hints) >= 2
        assert exercise.solution_source().strip()
