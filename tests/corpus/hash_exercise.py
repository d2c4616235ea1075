"""Learner answers to chapter 4's ``hash_files(loop, paths, executor) -> {path: sha256 hex}``."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "on_loop_thread", "kind": "wrong",
     "mistake": "I hash every file right here on the loop's thread, which blocks the loop.",
     "expect": ["blocked the loop"],
     "source": '''
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    return {path: sha256_file(path) for path in paths}
'''},
    {"name": "executor_map", "kind": "wrong",
     "mistake": ("I call executor.map on the loop's thread; collecting its results blocks the loop"
                 " until every file is hashed."),
     "expect": ["blocked the loop"],
     "source": '''
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    return dict(zip(paths, executor.map(sha256_file, paths)))
'''},
    {"name": "submit_result", "kind": "wrong",
     "mistake": ("I submit all files and then call .result() on each, which blocks the loop's "
                 "thread."),
     "expect": ["blocked the loop"],
     "source": '''
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    jobs = {path: executor.submit(sha256_file, path) for path in paths}
    return {path: job.result() for path, job in jobs.items()}
'''},
    {"name": "concurrent_wait", "kind": "wrong",
     "mistake": ("I wait for the pool's futures with concurrent.futures.wait, which blocks the "
                 "loop's thread."),
     "expect": ["blocked the loop"],
     "source": '''
import concurrent.futures
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    jobs = [executor.submit(sha256_file, p) for p in paths]
    concurrent.futures.wait(jobs)
    return {p: j.result() for p, j in zip(paths, jobs)}
'''},
    {"name": "one_at_a_time", "kind": "wrong",
     "mistake": ("I await each run_in_executor before submitting the next file, so the files are "
                 "hashed one at a time, not all at once."),
     "expect": ["at once"],
     "source": '''
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    digests = {}
    for path in paths:
        digests[path] = await loop.run_in_executor(executor, sha256_file, path)
    return digests
'''},
    {"name": "default_executor", "kind": "wrong",
     "mistake": ("I pass None to run_in_executor, so the files go to the loop's default pool "
                 "instead of the executor I was given."),
     "expect": ["executor"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(None, sha256_file, p) for p in paths]
    return dict(zip(paths, await asyncio.gather(*futures)))
'''},
    {"name": "asyncio_to_thread", "kind": "wrong",
     "mistake": ("I use asyncio.to_thread, which ignores the executor I was given (and never uses "
                 "the process pool)."),
     "expect": ["executor"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    results = await asyncio.gather(*(asyncio.to_thread(sha256_file, p) for p in paths))
    return dict(zip(paths, results))
'''},
    {"name": "lambda_to_pool", "kind": "wrong",
     "mistake": "I send a lambda to the executor, which a process pool cannot pickle.",
     "expect": ["pickl"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, lambda p=p: sha256_file(p)) for p in paths]
    return dict(zip(paths, await asyncio.gather(*futures)))
'''},
    {"name": "helper_in_cell", "kind": "wrong",
     "mistake": ("I hash with my own function defined in the notebook cell, which a process pool "
                 "cannot import in its worker."),
     "expect": ["pickl"],
     "source": '''
import asyncio
import hashlib

def my_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(65536), b""):
            h.update(block)
    return h.hexdigest()

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, my_sha256, p) for p in paths]
    return dict(zip(paths, await asyncio.gather(*futures)))
'''},
    {"name": "returns_list", "kind": "wrong",
     "mistake": "I return the list of digests instead of a dict {path: digest}.",
     "expect": ["dict"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, sha256_file, p) for p in paths]
    return list(await asyncio.gather(*futures))
'''},
    {"name": "basename_keys", "kind": "wrong",
     "mistake": "I key the dict by the file's name only, not by the path I was given.",
     "expect": ["path"],
     "source": '''
import asyncio
import os
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, sha256_file, p) for p in paths]
    digests = await asyncio.gather(*futures)
    return {os.path.basename(p): d for p, d in zip(paths, digests)}
'''},
    {"name": "hashes_the_name", "kind": "wrong",
     "mistake": "I hash the path string instead of the file's contents.",
     "expect": ["digest"],
     "source": '''
import asyncio
import hashlib
import functools

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, functools.partial(hashlib.sha256, p.encode()))
               for p in paths]
    return {p: h.hexdigest() for p, h in zip(paths, await asyncio.gather(*futures))}
'''},
    {"name": "poll_done", "kind": "wrong",
     "mistake": ("I submit everything to the pool and then poll the futures every 10 ms instead of"
                 " awaiting them."),
     "expect": ["busy"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    jobs = {p: executor.submit(sha256_file, p) for p in paths}
    while not all(j.done() for j in jobs.values()):
        await asyncio.sleep(0.01)
    return {p: j.result() for p, j in jobs.items()}
'''},
    {"name": "as_completed_mismatch", "kind": "wrong",
     "mistake": ("I zip the paths with the digests in the order they finished, so digests end up "
                 "under the wrong paths."),
     "expect": ["path"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, sha256_file, p) for p in paths]
    digests = [await f for f in asyncio.as_completed(futures)]
    return dict(zip(paths, digests))
'''},
    {"name": "shuts_down_executor", "kind": "wrong",
     "mistake": ("I use the given executor in a with block, which shuts it down (blocking) "
                 "although it belongs to the caller."),
     "expect": ["shut down"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    with executor:
        futures = [loop.run_in_executor(executor, sha256_file, p) for p in paths]
        results = await asyncio.gather(*futures)
    return dict(zip(paths, results))
'''},
    {"name": "swallows_errors", "kind": "wrong",
     "mistake": ("I catch every error and put None as the digest, so a file that cannot be read is"
                 " silently reported."),
     "expect": ["exception"],
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    futures = [loop.run_in_executor(executor, sha256_file, p) for p in paths]
    results = await asyncio.gather(*futures, return_exceptions=True)
    return {p: (None if isinstance(r, BaseException) else r) for p, r in zip(paths, results)}
'''},
    # ---------------------------------------------------------------- correct
    {"name": "dict_of_futures", "kind": "correct",
     "source": '''
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    pending = {path: loop.run_in_executor(executor, sha256_file, path) for path in paths}
    return {path: await fut for path, fut in pending.items()}
'''},
    {"name": "wrap_future_submit", "kind": "correct",
     "source": '''
import asyncio
from toyloop.exercises.ch4 import sha256_file

async def my_hash_files(loop, paths, executor):
    jobs = [asyncio.wrap_future(executor.submit(sha256_file, p)) for p in paths]
    digests = await asyncio.gather(*jobs)
    return {p: d for p, d in zip(paths, digests)}
'''},
    {"name": "as_completed_mapping", "kind": "correct",
     "source": '''
import asyncio
from toyloop.exercises import ch4

async def my_hash_files(loop, paths, executor):
    owner = {loop.run_in_executor(executor, ch4.sha256_file, p): p for p in paths}
    result = {}
    pending = set(owner)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for fut in done:
            result[owner[fut]] = fut.result()
    return {p: result[p] for p in paths}
'''},
]
