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


# Written cold (session 3): from the notebook's prose, the exercise statement, the stub,
# the hints and toyloop/ch7_unix.py only, without reading the checker, the reference
# solution or the entries above.
ANSWERS += [
    {"name": 'cold3_reader_left_registered', "kind": 'wrong',
     "mistake": ('In _pidfd_ready I close the pidfd and reap; closing the fd takes it out of '
                 'the selector anyway.'),
     "expect": ['reader'],
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'cold3_pidfd_never_closed', "kind": 'wrong',
     "mistake": 'I stop watching and forget the pidfd; the child is gone, so is its fd.',
     "expect": ['pidfd', 'close'],
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        self._child_pidfds.pop(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'cold3_not_recorded', "kind": 'wrong',
     "mistake": ('I keep the pidfd in the reader\'s arguments only; I did not see why the '
                 'dict was needed.'),
     "expect": ['_child_pidfds'],
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        self._child_pidfds.pop(pidfd, None)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'cold3_not_forgotten', "kind": 'wrong',
     "mistake": ('I close the pidfd when the child exits but leave it in _child_pidfds; the '
                 'loop can look there if it wants.'),
     "expect": ['_child_pidfds'],
     "source": r'''
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
    {"name": 'cold3_busy_poll', "kind": 'wrong',
     "mistake": ('No pidfd: I check with waitpid(WNOHANG) on every loop iteration until the '
                 'child has exited.'),
     "expect": ['busy'],
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        self.call_soon(self._pidfd_ready, None, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            self.call_soon(self._pidfd_ready, pidfd, pid, transp)
            return
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'cold3_raw_status', "kind": 'wrong',
     "mistake": 'I hand the status from os.waitpid to the callback: that is the exit status.',
     "expect": ['waitstatus_to_exitcode'],
     "source": r'''
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
    {"name": 'cold3_thread_calls_transport', "kind": 'wrong',
     "mistake": ('A thread per child waits in waitpid and tells the transport directly with '
                 'transp._process_exited: simpler than a pidfd.'),
     "expect": ['thread'],
     "source": r'''
import os
import threading

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        threading.Thread(target=self._pidfd_ready, args=(None, pid, transp),
                         daemon=True).start()

    def _pidfd_ready(self, pidfd, pid, transp):
        _, status = os.waitpid(pid, 0)
        transp._process_exited(os.waitstatus_to_exitcode(status))
'''},
    {"name": 'cold3_waitpid_any_child', "kind": 'wrong',
     "mistake": ('The pidfd says a child exited, so I reap with os.waitpid(-1, 0): whichever '
                 'child it is, it is done.'),
     "expect": ['other child'],
     "source": r'''
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
        _, status = os.waitpid(-1, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'cold3_reader_on_pid', "kind": 'wrong',
     "mistake": ('I watch the pid itself with _add_reader, and only open the pidfd when it '
                 'fires.'),
     "expect": ['pidfd'],
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        self._child_pidfds[pid] = pid
        self._add_reader(pid, self._pidfd_ready, pid, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        self._child_pidfds.pop(pidfd, None)
        _, status = os.waitpid(pid, 0)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    # -- correct, written differently from the chapter's code ------------------------
    {"name": 'cold3_public_add_reader_wnohang', "kind": 'correct',
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid)
        self._child_pidfds[pidfd] = pid
        self.add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)

    def _pidfd_ready(self, pidfd, pid, transp):
        self.remove_reader(pidfd)
        self._child_pidfds.pop(pidfd, None)
        os.close(pidfd)
        reaped, status = os.waitpid(pid, os.WNOHANG)   # readable pidfd: it has exited
        assert reaped == pid, (reaped, pid)
        self._child_watcher_callback(pid, os.waitstatus_to_exitcode(status), transp)
'''},
    {"name": 'cold3_waitid_on_pidfd', "kind": 'correct',
     "source": r'''
import os

import toyloop


class MyLoop(toyloop.EventLoop):
    def _watch_child(self, pid, transp):
        pidfd = os.pidfd_open(pid, 0)
        self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)
        self._child_pidfds[pidfd] = pid

    def _pidfd_ready(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        self._child_pidfds.pop(pidfd)
        try:
            info = os.waitid(os.P_PIDFD, pidfd, os.WEXITED)   # reaps it, through the pidfd
        finally:
            os.close(pidfd)
        if info.si_code == os.CLD_EXITED:
            code = info.si_status
        else:                                                 # killed or dumped core
            code = -info.si_status
        self._child_watcher_callback(pid, code, transp)
'''},
]
