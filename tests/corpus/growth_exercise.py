"""Learner answers to chapter 6's growth exercise.

``growth_exponent(run, n)`` times ``run(n)`` and ``run(10 * n)`` and returns k such
that the time grows like ``n**k``: ``log10(t(10n) / t(n))``.
"""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "plain_ratio", "kind": "wrong",
     "mistake": "I returned the ratio t(10n)/t(n) and forgot the logarithm.",
     "expect": ["ratio", "log10"],
     "source": '''
import time

def growth_exponent(run, n):
    start = time.process_time()
    run(n)
    small = time.process_time() - start
    start = time.process_time()
    run(10 * n)
    big = time.process_time() - start
    return big / small
'''},
    {"name": "natural_log", "kind": "wrong",
     "mistake": "I used math.log, the natural logarithm, instead of log10.",
     "expect": ["natural log"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    times = []
    for size in (n, 10 * n):
        start = time.process_time()
        run(size)
        times.append(time.process_time() - start)
    return math.log(times[1] / times[0])
'''},
    {"name": "log2", "kind": "wrong",
     "mistake": "I used math.log2, as for doubling experiments, though the sizes differ by 10.",
     "expect": ["log2"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    def cpu(size):
        start = time.process_time()
        run(size)
        return time.process_time() - start
    return math.log2(cpu(10 * n) / cpu(n))
'''},
    {"name": "inverted", "kind": "wrong",
     "mistake": "I divided the small time by the big one.",
     "expect": ["negative"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    def cpu(size):
        start = time.process_time()
        run(size)
        return time.process_time() - start
    return math.log10(cpu(n) / cpu(10 * n))
'''},
    {"name": "log_of_time_over_log_n", "kind": "wrong",
     "mistake": "I thought the exponent of time ~ n**k is log(t) / log(n) for one run.",
     "expect": ["10 * n"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    start = time.process_time()
    run(n)
    took = time.process_time() - start
    return math.log(took) / math.log(n)
'''},
    {"name": "doubling", "kind": "wrong",
     "mistake": "I compared n with 2n, a doubling experiment, and took log2.",
     "expect": ["10 * n"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    def cpu(size):
        start = time.process_time()
        run(size)
        return time.process_time() - start
    return math.log2(cpu(2 * n) / cpu(n))
'''},
    {"name": "same_size_twice", "kind": "wrong",
     "mistake": "A copy-paste slip: I timed run(n) twice.",
     "expect": ["10 * n"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    start = time.process_time()
    run(n)
    small = time.process_time() - start
    start = time.process_time()
    run(n)
    big = time.process_time() - start
    return math.log10(big / small)
'''},
    {"name": "only_big_size", "kind": "wrong",
     "mistake": "I timed only run(10 * n) and assumed run(n) takes a tenth of it.",
     "expect": ["10 * n"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    start = time.process_time()
    run(10 * n)
    big = time.process_time() - start
    return math.log10(big / (big / 10))
'''},
    {"name": "never_runs", "kind": "wrong",
     "mistake": "I reasoned that a loop is O(n) and returned 1 without measuring.",
     "expect": ["never called run"],
     "source": '''
def growth_exponent(run, n):
    return 1.0
'''},
    {"name": "same_answer", "kind": "wrong",
     "mistake": "I measured, but then returned the textbook exponent 2 for everything.",
     "expect": ["same for each"],
     "source": '''
import time

def growth_exponent(run, n):
    for size in (n, 10 * n):
        start = time.process_time()
        run(size)
        print(size, time.process_time() - start)
    return 2.0
'''},
    {"name": "says_linear", "kind": "wrong",
     "mistake": "I returned a word instead of a number.",
     "expect": ["as a number"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    times = []
    for size in (n, 10 * n):
        start = time.process_time()
        run(size)
        times.append(time.process_time() - start)
    k = math.log10(times[1] / times[0])
    return "linear" if k < 1.5 else "quadratic"
'''},
    {"name": "returns_times", "kind": "wrong",
     "mistake": "I returned the two times so the caller can compare them.",
     "expect": ["as a number"],
     "source": '''
import time

def growth_exponent(run, n):
    times = []
    for size in (n, 10 * n):
        start = time.process_time()
        run(size)
        times.append(time.process_time() - start)
    return tuple(times)
'''},
    {"name": "difference", "kind": "wrong",
     "mistake": "I returned t(10n) - t(n), the extra time, not an exponent.",
     "expect": ["far below"],
     "source": '''
import time

def growth_exponent(run, n):
    start = time.process_time()
    run(n)
    small = time.process_time() - start
    start = time.process_time()
    run(10 * n)
    big = time.process_time() - start
    return big - small
'''},
    {"name": "sleep_inside_timing", "kind": "wrong",
     "mistake": "I put a settling pause inside the timed part, measured with wall time.",
     "expect": ["far below", "same at every size"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    def wall(size):
        start = time.perf_counter()
        time.sleep(0.1)   # let the machine settle
        run(size)
        return time.perf_counter() - start
    return math.log10(wall(10 * n) / wall(n))
'''},
    {"name": "percent_growth", "kind": "wrong",
     "mistake": "I returned how many percent slower the big run was.",
     "expect": ["far above"],
     "source": '''
import time

def growth_exponent(run, n):
    def cpu(size):
        start = time.process_time()
        run(size)
        return time.process_time() - start
    small, big = cpu(n), cpu(10 * n)
    return 100 * (big - small) / small
'''},
    {"name": "hundred_n", "kind": "wrong",
     "mistake": "I went for a bigger spread, n and 100n, and took log base 100.",
     "expect": ["10 * n"],
     "source": '''
import math
import time

def growth_exponent(run, n):
    def cpu(size):
        start = time.process_time()
        run(size)
        return time.process_time() - start
    return math.log(cpu(100 * n) / cpu(n), 100)
'''},
    # ---------------------------------------------------------------- correct
    {"name": "best_of_three", "kind": "correct",
     "source": '''
import math
import time

def growth_exponent(run, n):
    def best(size):
        times = []
        for _ in range(3):
            start = time.process_time()
            run(size)
            times.append(time.process_time() - start)
        return min(times)
    return math.log10(best(10 * n) / best(n))
'''},
    {"name": "median_of_five_interleaved", "kind": "correct",
     "source": '''
import math
import statistics
import time

def growth_exponent(run, n):
    small, big = [], []
    for _ in range(5):           # interleave, so a slow minute hurts both sizes alike
        for size, into in ((n, small), (10 * n, big)):
            start = time.process_time()
            run(size)
            into.append(time.process_time() - start)
    return math.log10(statistics.median(big) / statistics.median(small))
'''},
    {"name": "timeit_cpu", "kind": "correct",
     "source": '''
import math
import time
import timeit

def growth_exponent(run, n):
    def cost(size):
        timer = timeit.Timer(lambda: run(size), timer=time.process_time)
        return min(timer.repeat(repeat=3, number=1))
    t_small = cost(n)
    t_big = cost(10 * n)
    return math.log(t_big / t_small) / math.log(10)
'''},
]

# Written cold (session 3): from notebook 06's prose, the exercise statement and stub, the
# hints and the module docstring only, without reading the checker's cases or the entries
# above. Names start with ``cold_``.
ANSWERS += [
    {"name": "cold_ratio_best_of_three", "kind": "wrong",
     "mistake": ("I return how many times longer the big run took; I thought that ratio was "
                 "the exponent."),
     "expect": ["log"],
     "source": '''
import time


def growth_exponent(run, n):
    def cpu(size):
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            run(size)
            best = min(best, time.process_time() - t0)
        return best
    return cpu(10 * n) / cpu(n)
'''},
    {"name": "cold_math_log", "kind": "wrong",
     "mistake": "I used math.log, which I thought was base 10.",
     "expect": ["log10"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    t = []
    for size in (n, 10 * n):
        t0 = time.process_time()
        run(size)
        t.append(time.process_time() - t0)
    return math.log(t[1] / t[0])
'''},
    {"name": "cold_time_time", "kind": "wrong",
     "mistake": "I time with time.time(), the clock I always use.",
     "expect": ["cpu"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def took(size):
        best = None
        for _ in range(3):
            start = time.time()
            run(size)
            spent = time.time() - start
            best = spent if best is None else min(best, spent)
        return best
    return math.log10(took(10 * n) / took(n))
'''},
    {"name": "cold_perf_counter", "kind": "wrong",
     "mistake": ("I use time.perf_counter because the docs call it the clock for measuring "
                 "durations; it is wall time, not CPU time."),
     "expect": ["cpu"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def took(size):
        start = time.perf_counter()
        run(size)
        return time.perf_counter() - start
    small = min(took(n) for _ in range(3))
    big = min(took(10 * n) for _ in range(3))
    return math.log10(big / small)
'''},
    {"name": "cold_timeit_default_timer", "kind": "wrong",
     "mistake": ("I use timeit.repeat with its default timer, which I did not know is "
                 "perf_counter, wall time."),
     "expect": ["cpu"],
     "source": '''
import math
import timeit


def growth_exponent(run, n):
    small = min(timeit.repeat(lambda: run(n), number=1, repeat=3))
    big = min(timeit.repeat(lambda: run(10 * n), number=1, repeat=3))
    return math.log10(big / small)
'''},
    {"name": "cold_datetime_now", "kind": "wrong",
     "mistake": "I take datetime.now() before and after and subtract, as in my logging code.",
     "expect": ["cpu"],
     "source": '''
import math
from datetime import datetime


def growth_exponent(run, n):
    def took(size):
        start = datetime.now()
        run(size)
        return (datetime.now() - start).total_seconds()
    return math.log10(min(took(10 * n) for _ in range(3)) / min(took(n) for _ in range(3)))
'''},
    {"name": "cold_one_run_each", "kind": "wrong",
     "mistake": ("I time each size exactly once; one measurement each seemed enough, the hint "
                 "about several runs was for slow machines."),
     "expect": ["once"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    t0 = time.process_time()
    run(n)
    t1 = time.process_time()
    run(10 * n)
    t2 = time.process_time()
    return math.log10((t2 - t1) / (t1 - t0))
'''},
    {"name": "cold_logs_subtracted_wrong_way", "kind": "wrong",
     "mistake": "I subtract the logs the wrong way round, log(t(n)) - log(t(10n)).",
     "expect": ["negative"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def cpu(size):
        t0 = time.process_time()
        run(size)
        return time.process_time() - t0
    small = min(cpu(n) for _ in range(3))
    big = min(cpu(10 * n) for _ in range(3))
    return math.log10(small) - math.log10(big)
'''},
    {"name": "cold_stopwatch_not_reset", "kind": "wrong",
     "mistake": ("I start the stopwatch once per round and read it after each run, so the "
                 "big time also contains the small run before it."),
     "expect": ["t(n)"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    small = big = float("inf")
    for _ in range(3):
        start = time.process_time()
        run(n)
        small = min(small, time.process_time() - start)
        run(10 * n)
        big = min(big, time.process_time() - start)
    return math.log10(big / small)
'''},
    {"name": "cold_per_operation", "kind": "wrong",
     "mistake": ("I divide each time by its size first, to compare the time per operation, "
                 "then take log10 of that ratio."),
     "expect": ["per"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def per_op(size):
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            run(size)
            best = min(best, (time.process_time() - t0) / size)
        return best
    return math.log10(per_op(10 * n) / per_op(n))
'''},
    {"name": "cold_prints_exponent", "kind": "wrong",
     "mistake": "I print k nicely formatted but never return it.",
     "expect": ["none"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    times = {}
    for size in (n, 10 * n):
        t0 = time.process_time()
        run(size)
        times[size] = time.process_time() - t0
    print(f"k = {math.log10(times[10 * n] / times[n]):.2f}")
'''},
    {"name": "cold_big_o_string", "kind": "wrong",
     "mistake": ("I return the answer as a string like 'O(n^2)', which is what I would write on "
                 "paper."),
     "expect": ["number"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def cpu(size):
        t0 = time.process_time()
        run(size)
        return time.process_time() - t0
    k = math.log10(min(cpu(10 * n) for _ in range(3)) / min(cpu(n) for _ in range(3)))
    return f"O(n^{round(k)})"
'''},
    {"name": "cold_log_of_difference", "kind": "wrong",
     "mistake": ("I take log10 of how much longer the big run took, t(10n) - t(n), not of the "
                 "ratio."),
     "expect": ["ratio"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def cpu(size):
        t0 = time.process_time()
        run(size)
        return time.process_time() - t0
    small = min(cpu(n) for _ in range(3))
    big = min(cpu(10 * n) for _ in range(3))
    return math.log10(big - small)
'''},
    {"name": "cold_log_base_n", "kind": "wrong",
     "mistake": "I took the logarithm in base n, since the time grows like n**k.",
     "expect": ["log10"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def cpu(size):
        t0 = time.process_time()
        run(size)
        return time.process_time() - t0
    small = min(cpu(n) for _ in range(3))
    big = min(cpu(10 * n) for _ in range(3))
    return math.log(big / small, n)
'''},
    {"name": "cold_ratio_over_ten", "kind": "wrong",
     "mistake": ("I divide the ratio by 10, reasoning that a tenfold time for a tenfold size "
                 "means 1."),
     "expect": ["log"],
     "source": '''
import time


def growth_exponent(run, n):
    def cpu(size):
        t0 = time.process_time()
        run(size)
        return time.process_time() - t0
    return min(cpu(10 * n) for _ in range(3)) / min(cpu(n) for _ in range(3)) / 10
'''},
    {"name": "cold_timed_nothing", "kind": "wrong",
     "mistake": ("I read the clock twice and then call run: my stopwatch stops before the "
                 "work starts."),
     "expect": ["zero"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def cpu(size):
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            t1 = time.process_time()
            run(size)
            best = min(best, max(t1 - t0, 1e-9))
        return best
    return math.log10(cpu(10 * n) / cpu(n))
'''},
    {"name": "cold_returns_all_numbers", "kind": "wrong",
     "mistake": "I return the exponent together with both times, so the caller can check my work.",
     "expect": ["number"],
     "source": '''
import math
import time


def growth_exponent(run, n):
    def cpu(size):
        t0 = time.process_time()
        run(size)
        return time.process_time() - t0
    small = min(cpu(n) for _ in range(3))
    big = min(cpu(10 * n) for _ in range(3))
    return math.log10(big / small), small, big
'''},
    # -------------------------------------------------------------- correct
    {"name": "cold_ns_median", "kind": "correct",
     "source": '''
import math
import statistics
import time


def growth_exponent(run, n):
    def cpu_ns(size):
        samples = []
        for _ in range(3):
            before = time.process_time_ns()
            run(size)
            samples.append(time.process_time_ns() - before)
        return statistics.median(samples)
    return math.log10(cpu_ns(10 * n) / cpu_ns(n))
'''},
    {"name": "cold_thread_time_big_first", "kind": "correct",
     "source": '''
import math
import time


def growth_exponent(run, n):
    """The CPU time of this thread; the bigger size first, then the smaller."""
    best = {}
    for size in (10 * n, n, 10 * n, n, 10 * n, n):
        start = time.thread_time()
        run(size)
        spent = time.thread_time() - start
        best[size] = min(spent, best.get(size, spent))
    return math.log10(best[10 * n] / best[n])
'''},
    {"name": "cold_getrusage", "kind": "correct",
     "source": '''
import math
import resource


def growth_exponent(run, n):
    def cpu_seconds():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def fastest(size):
        spans = []
        for _ in range(3):
            begin = cpu_seconds()
            run(size)
            spans.append(cpu_seconds() - begin)
        return min(spans)

    return math.log(fastest(10 * n) / fastest(n)) / math.log(10)
'''},
]
