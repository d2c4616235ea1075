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
