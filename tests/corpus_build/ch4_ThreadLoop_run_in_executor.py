# ruff: noqa: E501 - answers are learners' code, kept as they would write it
"""Answers to the build exercise ch4.ThreadLoop.run_in_executor: submit to a thread pool,
and bring the outcome back as a loop future through call_soon_threadsafe."""

from _common import maker

PIECE = "ch4.ThreadLoop.run_in_executor"

BASE = '''
class ThreadLoop:
    def run_in_executor(self, executor, func, *args):
        self._check_closed()
        self._check_callback(func, "run_in_executor")
        if executor is None:
            if self._default_executor is None:
                self._default_executor = concurrent.futures.ThreadPoolExecutor(
                    thread_name_prefix="asyncio")
            executor = self._default_executor
        future = wrap_future(executor.submit(func, *args), loop=self)
        self._jobs_in_flight += 1
        future.add_done_callback(self._job_done)
        return future
'''

wrong, right = maker(BASE)
SUBMIT = "        future = wrap_future(executor.submit(func, *args), loop=self)\n"


ANSWERS = [
    wrong("runs_in_the_loop", "calls the function in the loop's thread",
          ["worker thread"],
          (SUBMIT, "        future = self.create_future()\n"
                   "        future.set_result(func(*args))\n")),
    wrong("returns_concurrent_future", "returns the concurrent.futures.Future itself",
          ["loop future"],
          (SUBMIT + "        self._jobs_in_flight += 1\n"
                    "        future.add_done_callback(self._job_done)\n",
           "        future = executor.submit(func, *args)\n")),
    wrong("sets_result_from_thread", "completes the loop future from the worker thread, "
          "which does not wake the loop", ["waking the loop"],
          (SUBMIT, "        future = self.create_future()\n"
                   "        executor.submit(func, *args).add_done_callback(\n"
                   "            lambda cf: future.set_result(cf.result()))\n")),
    wrong("forgets_args", "submits the function without its arguments", ["result"],
          ("executor.submit(func, *args)", "executor.submit(func)")),
    wrong("ignores_executor", "always uses the default pool", ["given executor"],
          ("        if executor is None:\n            if self._default_executor is None:",
           "        if True:\n            if self._default_executor is None:")),
    wrong("submits_the_result", "calls the function, then submits its result",
          ["worker thread"],
          ("executor.submit(func, *args)", "executor.submit(func(*args))")),
    wrong("waits_for_the_job", "waits for the job's result before returning",
          ["blocked the loop"],
          (SUBMIT, "        done = executor.submit(func, *args).result()\n"
                   "        future = self.create_future()\n"
                   "        future.set_result(done)\n")),
    wrong("coroutine_not_future", "is an async def, so it returns a coroutine",
          ["loop future"],
          ("    def run_in_executor(", "    async def run_in_executor("),
          ("        return future\n", "        return await future\n")),
    wrong("manual_thread_set_result", "sets the result from the worker thread itself",
          ["waking the loop"],
          (SUBMIT, "        future = self.create_future()\n"
                   "        def job():\n"
                   "            future.set_result(func(*args))\n"
                   "        executor.submit(job)\n")),
    wrong("loses_exceptions", "crosses over with call_soon_threadsafe but forgets "
          "exceptions", ["or exception"],
          (SUBMIT, "        future = self.create_future()\n"
                   "        def job():\n"
                   "            self.call_soon_threadsafe(future.set_result, func(*args))\n"
                   "        executor.submit(job)\n")),
    wrong("plain_thread_no_result", "starts a thread and forgets the future",
          ["waking the loop"],
          (SUBMIT, "        future = self.create_future()\n"
                   "        threading.Thread(target=func, args=args).start()\n")),
    wrong("args_as_one", "passes the argument tuple as a single argument", ["result"],
          ("executor.submit(func, *args)", "executor.submit(func, args)")),
    wrong("pool_in_with_block", "makes a pool in a with block, whose exit waits for the job",
          ["given executor"],
          (SUBMIT, "        with concurrent.futures.ThreadPoolExecutor() as pool:\n"
                   "            future = wrap_future(pool.submit(func, *args), loop=self)\n")),
    wrong("returns_the_result", "returns future.result() of a future not done yet",
          ["InvalidStateError"],
          ("        return future\n", "        return future.result()\n")),
    wrong("exception_as_result", "returns the exception as the result",
          ["or exception"],
          (SUBMIT, "        def job():\n"
                   "            try:\n"
                   "                return func(*args)\n"
                   "            except Exception as exc:\n"
                   "                return exc\n"
                   "        future = wrap_future(executor.submit(job), loop=self)\n")),
    right("reference_style", BASE),
    right("partial_and_asyncio_wrap", '''
class ThreadLoop:
    def run_in_executor(self, executor, func, *args):
        self._check_closed()
        self._check_callback(func, "run_in_executor")
        if executor is None:
            executor = self._default_executor = (
                self._default_executor or concurrent.futures.ThreadPoolExecutor())
        future = asyncio.wrap_future(executor.submit(functools.partial(func, *args)),
                                     loop=self)
        self._jobs_in_flight += 1
        future.add_done_callback(lambda f: self._job_done(f))
        return future
'''),
    right("by_hand", '''
class ThreadLoop:
    def run_in_executor(self, executor, func, *args):
        self._check_closed()
        if executor is None:
            if self._default_executor is None:
                self._default_executor = concurrent.futures.ThreadPoolExecutor()
            executor = self._default_executor
        future = self.create_future()
        self._jobs_in_flight += 1

        def copy(job):
            self._jobs_in_flight -= 1
            if future.cancelled():
                return
            exc = job.exception()
            if exc is None:
                future.set_result(job.result())
            else:
                future.set_exception(exc)

        job = executor.submit(func, *args)
        job.add_done_callback(lambda job: self.call_soon_threadsafe(copy, job))
        return future
'''),
]
