"""Learner answers to the exercises of chapters 0 to 7, written without reading the checkers.

Each module ``tests/corpus/<exercise>.py`` holds a list ``ANSWERS`` of dicts:

* ``name``: a short id, unique within the module;
* ``kind``: ``"wrong"`` or ``"correct"``;
* ``mistake``: for wrong answers, the mistake in the learner's terms;
* ``expect``: for wrong answers, 1-3 lower-case words or phrases that a message naming
  the mistake must contain;
* ``source``: the code a learner types in the exercise cell; it defines ``ENTRY[exercise]``;
* ``hangs`` (optional, default False): the answer never gives the loop back.

``load(name)`` returns a module's answers; ``EXERCISES`` lists the modules in chapter order.
"""

from __future__ import annotations

import importlib

# exercise object name -> the name the stub cell defines (what ``check`` is given)
ENTRY: dict[str, str] = {
    "warm_up": "double_later",
    "round_robin_exercise": "round_robin",
    "join_exercise": "join",
    "event_exercise": "Event",
    "sleep_exercise": "sleep",
    "gather_exercise": "gather",
    "wait_for_exercise": "wait_for",
    "sendall_exercise": "my_sock_sendall",
    "chat_exercise": "my_chat_server",
    "ports_exercise": "my_check_ports",
    "http_exercise": "my_http_get",
    "to_thread_exercise": "my_to_thread",
    "hash_exercise": "my_hash_files",
    "handoff_exercise": "my_collect_from_thread",
    "line_exercise": "LineCollector",
    "producer_exercise": "Producer",
    "kv_exercise": "handle_kv",
    "call_soon_exercise": "call_soon",
    "call_at_exercise": "call_at",
    "lines_exercise": "read_lines",
    "starttls_exercise": "starttls_client",
    "tls_engine_exercise": "MyTLSProtocol",
    "watch_exercise": "MyLoop",
}

EXERCISES: list[str] = list(ENTRY)

_KEYS = {"name", "kind", "source"}


def load(exercise_name: str) -> list[dict]:
    """The answers for one exercise, each checked for the fields a test relies on."""
    if exercise_name not in ENTRY:
        raise KeyError(f"no corpus for {exercise_name!r}; known: {', '.join(EXERCISES)}")
    module = importlib.import_module(f"{__name__}.{exercise_name}")
    answers = list(module.ANSWERS)
    for answer in answers:
        missing = _KEYS - answer.keys()
        if missing:
            raise ValueError(f"{exercise_name}:{answer.get('name')} lacks {sorted(missing)}")
        if answer["kind"] not in ("wrong", "correct"):
            raise ValueError(f"{exercise_name}:{answer['name']} has kind {answer['kind']!r}")
        if answer["kind"] == "wrong" and not (answer.get("mistake") and answer.get("expect")):
            raise ValueError(f"{exercise_name}:{answer['name']} needs mistake and expect")
        answer.setdefault("hangs", False)
        answer.setdefault("expect", [])
        answer.setdefault("mistake", "")
    return answers


def compile_answer(exercise_name: str, answer: dict) -> dict:
    """Run an answer's source in a fresh namespace, as a notebook cell would; return it."""
    namespace: dict = {"__name__": "__main__"}
    code = compile(answer["source"], f"<{exercise_name}:{answer['name']}>", "exec")
    exec(code, namespace)  # noqa: S102 - the corpus is ours, written to be run
    return namespace
