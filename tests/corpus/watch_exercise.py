"""Learner answers to chapter 7's build exercise:
the loop's child watch, ``_watch_child`` and ``_pidfd_ready``."""

ANSWERS = [
    {"name": 'blocking_waitpid', "kind": 'wrong',
     "mistake": ('I call waitpid(pid, 0) right in _watch_child, which blocks the loop '
                 'until the child exits.'),
     "expect": ['blocked the loop'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        pass
'''},
    {"name": 'wnohang_once', "kind": 'wrong',
     "mistake": ('I ask waitpid with WNOHANG once, at the start, and report what it '
                 'says.'),
     "expect": ['before the child exited'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        _, status = os.waitpid(pid, os.WNOHANG)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        pass
'''},
    {"name": 'raw_status', "kind": 'wrong',
     "mistake": 'I report the raw wait status, not the returncode.',
     "expect": ['waitstatus_to_exitcode'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, status, transp)
'''},
    {"name": 'shifted_status', "kind": 'wrong',
     "mistake": ('I shift the status by 8 bits, which gives 0 for a child killed by a '
                 'signal.'),
     "expect": ['sigkill'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, status >> 8, transp)
'''},
    {"name": 'reader_never_removed', "kind": 'wrong',
     "mistake": ('I never stop watching the pidfd, so the callback runs again and '
                 'waitpid fails.'),
     "expect": ['childprocesserror'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'removes_pid_not_pidfd', "kind": 'wrong',
     "mistake": 'I remove the reader for the pid instead of the pidfd.',
     "expect": ['childprocesserror'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pid)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'pidfd_never_closed', "kind": 'wrong',
     "mistake": 'I stop watching the pidfd but never close it.',
     "expect": ['pidfd'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'not_recorded', "kind": 'wrong',
     "mistake": ('I never record the pidfd in self._child_pidfds, so close() cannot '
                 'close it.'),
     "expect": ['_child_pidfds'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'never_forgotten', "kind": 'wrong',
     "mistake": 'I record the pidfd but never delete it from self._child_pidfds.',
     "expect": ['_child_pidfds'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'never_reports', "kind": 'wrong',
     "mistake": 'I reap the child but never tell the transport.',
     "expect": ['never reported'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        os.waitpid(pid, 0)
'''},
    {"name": 'pidfd_of_myself', "kind": 'wrong',
     "mistake": "I open a pidfd for my own process instead of the child's.",
     "expect": ['never reported'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(os.getpid())
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'pid_as_returncode', "kind": 'wrong',
     "mistake": 'I pass the pid where the returncode goes.',
     "expect": ['exited with 3'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        pid, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, pid, transp)
'''},
    {"name": 'shared_attributes', "kind": 'wrong',
     "mistake": ('I keep the pid and transport in attributes, which the next child '
                 'overwrites.'),
     "expect": ["another child's pid"],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        self.pid, self.transp = pid, transp
        self.pidfd = os.pidfd_open(pid)
        self._child_pidfds[self.pidfd] = pid
        self._add_reader(self.pidfd, self._pidfd_ready, self.pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(self.pid, 0)
        self._child_watcher_callback(self.pid, os.waitstatus_to_exitcode(status), self.transp)
'''},
    {"name": 'waitpid_on_pidfd', "kind": 'wrong',
     "mistake": 'I call waitpid with the pidfd instead of the pid.',
     "expect": ['childprocesserror'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        _, status = os.waitpid(pidfd, 0)
        os.close(pidfd)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'pid_as_fd', "kind": 'wrong',
     "mistake": 'I watch the pid itself as if it were a file descriptor.',
     "expect": ['file descriptor'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        self._add_reader(pid, self._pidfd_ready, pid, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'no_transport', "kind": 'wrong',
     "mistake": 'I hand the callback None instead of the transport.',
     "expect": ['nonetype'],
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), None)
'''},
    {"name": 'reference', "kind": 'correct',
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'closure_in_watch', "kind": 'correct',
     "source": '''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid

        def exited():
            self._remove_reader(pidfd)
            self._child_pidfds.pop(pidfd)
            os.close(pidfd)
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            self._child_watcher_callback(pid, code, transp)

        self._add_reader(pidfd, exited)

    def _pidfd_ready(self, pidfd, pid, transp):
        raise NotImplementedError  # not needed: the closure does it
'''},
    {"name": 'waitpid_thread', "kind": 'correct',
     "source": '''
import os
import threading

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        threading.Thread(target=self._pidfd_ready, args=(None, pid, transp),
                         daemon=True).start()

    def _pidfd_ready(self, pidfd, pid, transp):
        _, status = os.waitpid(pid, 0)  # in a worker thread: blocking is fine here
        code = os.waitstatus_to_exitcode(status)
        self.call_soon_threadsafe(transp._process_exited, code)
'''},
]
