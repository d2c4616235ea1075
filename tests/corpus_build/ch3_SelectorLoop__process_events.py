# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch3.SelectorLoop._process_events (with _add_reader and
_remove_reader): I/O events to ready Handles, one selector key per fd holding
``(reader, writer)``."""

from _common import maker

PIECE = "ch3.SelectorLoop._process_events"

BASE = '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader.cancelled():
                    self._remove_reader(key.fileobj)
                else:
                    self._ready.append(reader)
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer.cancelled():
                    self._remove_writer(key.fileobj)
                else:
                    self._ready.append(writer)

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        handle = Handle(callback, args, self, None)
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            self._selector.register(fd, selectors.EVENT_READ, (handle, None))
        else:
            reader, writer = key.data
            self._selector.modify(fd, key.events | selectors.EVENT_READ, (handle, writer))
            if reader is not None:
                reader.cancel()
        return handle

    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        reader, writer = key.data
        events = key.events & ~selectors.EVENT_READ
        if events:
            self._selector.modify(fd, events, (None, writer))
        else:
            self._selector.unregister(fd)
        if reader is not None:
            reader.cancel()
            return True
        return False
'''

wrong, right = maker(BASE)

ANSWERS = [
    wrong("runs_reader_at_once", "runs the reader inside _process_events instead of "
          "queueing its Handle", ["I/O callbacks", "wrong order"],
          ("                else:\n                    self._ready.append(reader)",
           "                else:\n                    reader._run()")),
    wrong("ignores_the_mask", "queues the reader whatever the event",
          ["each called only for its own event"],
          ("            if mask & selectors.EVENT_READ and reader is not None:",
           "            if reader is not None:")),
    wrong("forgets_writers", "never queues writers", ["writer"],
          ("                else:\n                    self._ready.append(writer)",
           "                else:\n                    pass")),
    wrong("remove_drops_writer", "unregisters the fd even when a writer is still on it",
          ["removing the reader keeps the writer"],
          ("        if events:\n            self._selector.modify(fd, events, (None, writer))\n"
           "        else:\n            self._selector.unregister(fd)\n",
           "        self._selector.unregister(fd)\n")),
    wrong("remove_does_not_cancel", "removes the reader but does not cancel its Handle",
          ["cancel the reader's Handle"],
          ("        if reader is not None:\n            reader.cancel()\n            return True",
           "        if reader is not None:\n            return True")),
    wrong("remove_always_true", "remove_reader answers True for an fd it does not know",
          ["remove_reader answers False"],
          ("        except KeyError:\n            return False\n        reader, writer = key.data\n"
           "        events",
           "        except KeyError:\n            return True\n        reader, writer = key.data\n"
           "        events")),
    wrong("remove_keeps_registration", "clears the reader but leaves the fd registered "
          "for reading", ["unregister"],
          ("        events = key.events & ~selectors.EVENT_READ\n",
           "        events = key.events\n")),
    wrong("registers_twice", "registers the fd again instead of modifying its key",
          ["registered twice"],
          ("        try:\n            key = self._selector.get_key(fd)\n        except KeyError:\n"
           "            self._selector.register(fd, selectors.EVENT_READ, (handle, None))\n"
           "        else:\n            reader, writer = key.data\n"
           "            self._selector.modify(fd, key.events | selectors.EVENT_READ, "
           "(handle, writer))\n            if reader is not None:\n"
           "                reader.cancel()\n",
           "        self._selector.register(fd, selectors.EVENT_READ, (handle, None))\n")),
    wrong("add_drops_writer", "adding a reader forgets the writer already registered",
          ["writer"],
          ("(handle, writer))\n            if reader", "(handle, None))\n            if reader")),
    wrong("add_returns_nothing", "_add_reader returns None instead of the Handle",
          ["reader"],
          ("                reader.cancel()\n        return handle\n",
           "                reader.cancel()\n")),
    wrong("queues_callback", "queues the reader's callback instead of its Handle",
          ["Handles"],
          ("                else:\n                    self._ready.append(reader)",
           "                else:\n                    self._ready.append(reader._callback)")),
    wrong("one_shot_reader", "removes the reader after its first event, as if readers "
          "were one-shot", ["until remove_reader"],
          ("                else:\n                    self._ready.append(reader)",
           "                else:\n                    self._ready.append(reader)\n"
           "                    self._selector.unregister(key.fileobj)")),
    wrong("remove_returns_none", "forgets to return True after removing a reader",
          ["remove_reader"],
          ("            reader.cancel()\n            return True\n",
           "            reader.cancel()\n")),
    wrong("add_overwrites_mask", "modifies the key with EVENT_READ alone, so the writer "
          "stops being watched", ["writer"],
          ("self._selector.modify(fd, key.events | selectors.EVENT_READ, (handle, writer))",
           "self._selector.modify(fd, selectors.EVENT_READ, (handle, writer))")),
    wrong("add_keeps_old_reader", "keeps the old reader in the key's data",
          ["replaces"],
          ("(handle, writer))\n            if reader", "(reader or handle, writer))\n"
           "            if reader")),
    right("reference_style", BASE),
    right("key_helpers", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            for flag, handle, remove in ((selectors.EVENT_READ, key.data[0], self._remove_reader),
                                         (selectors.EVENT_WRITE, key.data[1], self._remove_writer)):
                if not mask & flag or handle is None:
                    continue
                if handle._cancelled:
                    remove(key.fileobj)
                else:
                    self._ready.append(handle)

    def _key(self, fd):
        try:
            return self._selector.get_key(fd)
        except KeyError:
            return None

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        handle = Handle(callback, args, self, None)
        key = self._key(fd)
        if key is None:
            self._selector.register(fd, selectors.EVENT_READ, (handle, None))
            return handle
        old, writer = key.data
        self._selector.modify(fd, key.events | selectors.EVENT_READ, (handle, writer))
        if old is not None:
            old.cancel()
        return handle

    def _remove_reader(self, fd):
        key = None if self.is_closed() else self._key(fd)
        if key is None:
            return False
        old, writer = key.data
        if writer is None:
            self._selector.unregister(fd)
        else:
            self._selector.modify(fd, selectors.EVENT_WRITE, (None, writer))
        if old is None:
            return False
        old.cancel()
        return True
'''),
    right("bitwise", '''
class SelectorLoop:
    def _process_events(self, event_list):
        ready = self._ready
        for key, mask in event_list:
            reader, writer = key.data
            if reader is not None and mask & selectors.EVENT_READ:
                ready.append(reader) if not reader.cancelled() else self._remove_reader(key.fd)
            if writer is not None and mask & selectors.EVENT_WRITE:
                ready.append(writer) if not writer.cancelled() else self._remove_writer(key.fd)

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        new = Handle(callback, args, self, None)
        if fd in self._selector.get_map():
            key = self._selector.get_key(fd)
            old, writer = key.data
            self._selector.modify(fd, key.events | selectors.EVENT_READ, (new, writer))
            if old:
                old.cancel()
        else:
            self._selector.register(fd, selectors.EVENT_READ, (new, None))
        return new

    def _remove_reader(self, fd):
        if self.is_closed() or fd not in self._selector.get_map():
            return False
        key = self._selector.get_key(fd)
        old, writer = key.data
        left = key.events & ~selectors.EVENT_READ
        if left:
            self._selector.modify(fd, left, (None, writer))
        else:
            self._selector.unregister(fd)
        if old:
            old.cancel()
        return bool(old)
'''),
]

# Written cold (session 3): whole (_process_events, _add_reader, _remove_reader)
# triples written from the notebook's section 4 and toyloop/ch3_selectors.py only,
# without reading the checker or the answers above.
from _common import whole  # noqa: E402

_COLD_ADD = '''
    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        handle = Handle(callback, args, self, None)
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            self._selector.register(fd, selectors.EVENT_READ, (handle, None))
        else:
            old_reader, writer = key.data
            self._selector.modify(fd, key.events | selectors.EVENT_READ, (handle, writer))
            if old_reader is not None:
                old_reader.cancel()
        return handle
'''
_COLD_REMOVE = '''
    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        reader, writer = key.data
        events = key.events & ~selectors.EVENT_READ
        if events:
            self._selector.modify(fd, events, (None, writer))
        else:
            self._selector.unregister(fd)
        if reader is None:
            return False
        reader.cancel()
        return True
'''

ANSWERS += [
    whole("wrong", "cold3_runs_reader_inline", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader.cancelled():
                    self._remove_reader(key.fileobj)
                else:
                    reader._run()          # the socket is readable: read now
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer.cancelled():
                    self._remove_writer(key.fileobj)
                else:
                    writer._run()
''' + _COLD_ADD + _COLD_REMOVE,
          "runs the reader and writer callbacks inside _process_events instead of "
          "queueing them in self._ready", ["_ready"]),

    whole("wrong", "cold3_writers_forgotten", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader = key.data[0]
            if reader is None:
                continue
            if reader._cancelled:
                self._remove_reader(key.fileobj)
            else:
                self._ready.append(reader)
''' + _COLD_ADD + _COLD_REMOVE,
          "only readers are queued: a writer (add_writer) never runs", ["writer"]),

    whole("wrong", "cold3_add_reader_drops_writer", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader._cancelled:
                    self._remove_reader(key.fileobj)
                else:
                    self._ready.append(reader)
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer._cancelled:
                    self._remove_writer(key.fileobj)
                else:
                    self._ready.append(writer)

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        handle = Handle(callback, args, self, None)
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            self._selector.register(fd, selectors.EVENT_READ, (handle, None))
        else:
            if key.data[0] is not None:
                key.data[0].cancel()
            self._selector.modify(fd, key.events | selectors.EVENT_READ, (handle, None))
        return handle
''' + _COLD_REMOVE,
          "_add_reader on an fd that has a writer replaces the key's data with "
          "(handle, None): the writer is lost", ["writer"]),

    whole("wrong", "cold3_remove_reader_unregisters", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader._cancelled:
                    self._remove_reader(key.fileobj)
                else:
                    self._ready.append(reader)
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer._cancelled:
                    self._remove_writer(key.fileobj)
                else:
                    self._ready.append(writer)
''' + _COLD_ADD + '''
    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        try:
            key = self._selector.unregister(fd)
        except KeyError:
            return False
        reader = key.data[0]
        if reader is None:
            return False
        reader.cancel()
        return True
''', "_remove_reader unregisters the fd although a writer is still registered on it",
          ["writer"]),

    whole("wrong", "cold3_mask_equality", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask == selectors.EVENT_READ and reader is not None:
                if reader._cancelled:
                    self._remove_reader(key.fileobj)
                else:
                    self._ready.append(reader)
            elif mask == selectors.EVENT_WRITE and writer is not None:
                if writer._cancelled:
                    self._remove_writer(key.fileobj)
                else:
                    self._ready.append(writer)
''' + _COLD_ADD + _COLD_REMOVE,
          "compares mask == EVENT_READ: an fd readable and writable at once runs "
          "neither callback", ["mask"]),

    whole("wrong", "cold3_remove_reader_keeps_handle_live", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader._cancelled:
                    self._remove_reader(key.fileobj)
                else:
                    self._ready.append(reader)
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer._cancelled:
                    self._remove_writer(key.fileobj)
                else:
                    self._ready.append(writer)
''' + _COLD_ADD + '''
    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        reader, writer = key.data
        events = key.events & ~selectors.EVENT_READ
        if events:
            self._selector.modify(fd, events, (None, writer))
        else:
            self._selector.unregister(fd)
        return reader is not None          # it is out of the selector: enough
''', "_remove_reader does not cancel the reader's handle: a reader already queued in "
     "this iteration still runs after remove_reader", ["cancel"]),

    whole("wrong", "cold3_remove_reader_says_true", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            reader, writer = key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader._cancelled:
                    self._remove_reader(key.fileobj)
                else:
                    self._ready.append(reader)
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer._cancelled:
                    self._remove_writer(key.fileobj)
                else:
                    self._ready.append(writer)
''' + _COLD_ADD + '''
    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        reader, writer = key.data
        if key.events & ~selectors.EVENT_READ:
            self._selector.modify(fd, key.events & ~selectors.EVENT_READ, (None, writer))
        else:
            self._selector.unregister(fd)
        if reader is not None:
            reader.cancel()
        return True                         # the fd was registered
''', "_remove_reader returns True for an fd that has only a writer (no reader "
     "was removed)", ["remove_reader", "True"]),

    whole("correct", "cold3_right_get_map", '''
class SelectorLoop:
    def _process_events(self, event_list):
        ready = self._ready
        for key, mask in event_list:
            reader, writer = key.data
            if reader is not None and mask & selectors.EVENT_READ:
                if reader.cancelled():
                    self._remove_reader(key.fileobj)
                else:
                    ready.append(reader)
            if writer is not None and mask & selectors.EVENT_WRITE:
                if writer.cancelled():
                    self._remove_writer(key.fileobj)
                else:
                    ready.append(writer)

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        new = Handle(callback, args, self, None)
        key = self._selector.get_map().get(fd)
        if key is None:
            self._selector.register(fd, selectors.EVENT_READ, (new, None))
            return new
        old, writer = key.data
        self._selector.modify(fd, key.events | selectors.EVENT_READ, (new, writer))
        if old is not None:
            old.cancel()
        return new

    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        key = self._selector.get_map().get(fd)
        if key is None:
            return False
        old, writer = key.data
        if writer is None:
            self._selector.unregister(fd)
        else:
            self._selector.modify(fd, selectors.EVENT_WRITE, (None, writer))
        if old is not None:
            old.cancel()
        return old is not None
'''),

    whole("correct", "cold3_right_two_passes", '''
class SelectorLoop:
    def _process_events(self, event_list):
        for key, mask in event_list:
            fileobj = key.fileobj
            reader, writer = key.data
            for wanted, handle, remove in ((selectors.EVENT_READ, reader, self._remove_reader),
                                           (selectors.EVENT_WRITE, writer, self._remove_writer)):
                if handle is None or not mask & wanted:
                    continue
                if handle._cancelled:
                    remove(fileobj)
                else:
                    self._ready.append(handle)

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        handle = Handle(callback, args, self, None)
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            key = None
        if key is None:
            self._selector.register(fd, selectors.EVENT_READ, (handle, None))
        else:
            replaced, writer = key.data
            self._selector.modify(fd, key.events | selectors.EVENT_READ, (handle, writer))
            if replaced is not None:
                replaced.cancel()
        return handle

    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        reader, writer = key.data
        rest = key.events & ~selectors.EVENT_READ
        if rest:
            self._selector.modify(fd, rest, (None, writer))
        else:
            self._selector.unregister(fd)
        if reader is not None:
            reader.cancel()
        return reader is not None
'''),
]

# Session 3, after reading the scenarios: probes derived from a cold right answer above.
from _common import mutate, named  # noqa: E402

_COLD_RIGHT = named(ANSWERS, "cold3_right_two_passes")

ANSWERS += [
    whole("wrong", "cold3_probe_cancelled_reader_kept", mutate(
        _COLD_RIGHT, ("                    remove(fileobj)", "                    continue")),
          "a reader whose Handle was cancelled is skipped but stays registered: its fd "
          "keeps the selector busy", ["cancel"]),
    whole("wrong", "cold3_probe_add_reader_on_closed_loop", mutate(
        _COLD_RIGHT, ('''    def _add_reader(self, fd, callback, *args):
        self._check_closed()
''', '''    def _add_reader(self, fd, callback, *args):
''')),
          "add_reader on a closed loop does not raise RuntimeError('Event loop is "
          "closed')", ["closed"]),
    whole("wrong", "cold3_probe_remove_reader_on_closed_loop", mutate(
        _COLD_RIGHT, ('''    def _remove_reader(self, fd):
        if self.is_closed():
            return False
''', '''    def _remove_reader(self, fd):
''')),
          "remove_reader on a closed loop fails instead of answering False", ["closed"]),
]
