"""Learner answers to chapter 6's profiling exercise.

``find_slow_function(run)`` profiles ``run()`` (a workload on a loop with one slow
method) and returns the name of the function with the most own time.
"""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "cumulative_time", "kind": "wrong",
     "mistake": "I sorted by cumulative time, so the outermost function always wins.",
     "expect": ["cumulative"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats
    key = max(stats, key=lambda k: stats[k][3])
    return key[2]
'''},
    {"name": "sort_stats_cumulative", "kind": "wrong",
     "mistake": "I used sort_stats('cumulative'), the order print_stats usually shows, "
                "and took the first line.",
     "expect": ["cumulative"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    ordered = pstats.Stats(profiler).sort_stats("cumulative")
    return ordered.fcn_list[0][2]
'''},
    {"name": "most_calls", "kind": "wrong",
     "mistake": "I named the function called most often, thinking that is where time goes.",
     "expect": ["called most often"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats
    return max(stats.items(), key=lambda item: item[1][1])[0][2]
'''},
    {"name": "primitive_calls", "kind": "wrong",
     "mistake": "I ranked by the first number of each row, the primitive call count.",
     "expect": ["called most often"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    rows = pstats.Stats(profiler).stats
    best = None
    for (filename, line, name), (cc, nc, tt, ct, callers) in rows.items():
        if best is None or cc > best[0]:
            best = (cc, name)
    return best[1]
'''},
    {"name": "hard_coded", "kind": "wrong",
     "mistake": "The first loop's slow function was call_soon, so I return that.",
     "expect": ["another function has"],
     "source": '''
def find_slow_function(run):
    run()
    return "call_soon"
'''},
    {"name": "never_runs", "kind": "wrong",
     "mistake": "I started and stopped the profiler but forgot to call run() in between.",
     "expect": ["never called run"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.enable()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    return max(stats.items(), key=lambda item: item[1][2])[0][2]
'''},
    {"name": "enable_after_run", "kind": "wrong",
     "mistake": "I called run() before enabling the profiler, so it only saw itself.",
     "expect": ["not a function the workload ran"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    run()
    profiler.enable()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    return max(stats.items(), key=lambda item: item[1][2])[0][2]
'''},
    {"name": "returns_stats", "kind": "wrong",
     "mistake": "I returned the Stats object so the caller can look for themselves.",
     "expect": ["as a string"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    return pstats.Stats(profiler).sort_stats("tottime")
'''},
    {"name": "returns_key_tuple", "kind": "wrong",
     "mistake": "I returned the whole pstats key (file, line, name) instead of the name.",
     "expect": ["as a string"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats
    return max(stats, key=lambda key: stats[key][2])
'''},
    {"name": "returns_filename", "kind": "wrong",
     "mistake": "I took key[0] of the hottest entry, which is the file, not the function.",
     "expect": ["not a function the workload ran"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats
    hottest = max(stats, key=lambda key: stats[key][2])
    return hottest[0]
'''},
    {"name": "off_by_one", "kind": "wrong",
     "mistake": "I skipped the first entry, thinking it was a header line like in print_stats.",
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    rows = sorted(pstats.Stats(profiler).stats.items(), key=lambda item: -item[1][2])
    return rows[1][0][2]
'''},
    {"name": "skips_private", "kind": "wrong",
     "mistake": "I skipped names starting with '_' as the loop's internals, "
                "but the slow one can be private.",
     "expect": ["another function has"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats
    public = {key: row for key, row in stats.items()
              if not key[2].startswith("_") and not key[2].startswith("<")}
    return max(public, key=lambda key: public[key][2])[2]
'''},
    {"name": "names_run", "kind": "wrong",
     "mistake": "I timed run() as a whole and said run is the slow function.",
     "expect": ["cumulative"],
     "source": '''
import time

def find_slow_function(run):
    start = time.perf_counter()
    run()
    print(f"run took {time.perf_counter() - start:.3f} s")
    return "run"
'''},
    {"name": "profile_string", "kind": "wrong",
     "mistake": "I used cProfile.run('run()'), which looks run up in __main__, "
                "not in my function.",
     "expect": ["never called run"],
     "source": '''
import cProfile

def find_slow_function(run):
    try:
        cProfile.run("run()", sort="tottime")
    except NameError:
        pass
    return "run"
'''},
    {"name": "strips_underscore", "kind": "wrong",
     "mistake": "I tidied the name by stripping its leading underscores.",
     "expect": ["not a function the workload ran"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats
    name = max(stats.items(), key=lambda item: item[1][2])[0][2]
    return name.lstrip("_")
'''},
    {"name": "top_three", "kind": "wrong",
     "mistake": "I returned the three hottest names, to be safe.",
     "expect": ["as a string"],
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    rows = sorted(pstats.Stats(profiler).stats.items(), key=lambda item: -item[1][2])
    return [key[2] for key, row in rows[:3]]
'''},
    # ---------------------------------------------------------------- correct
    {"name": "fcn_list_tottime", "kind": "correct",
     "source": '''
import cProfile
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        run()
    finally:
        profiler.disable()
    ordered = pstats.Stats(profiler).sort_stats(pstats.SortKey.TIME)
    filename, line, name = ordered.fcn_list[0]
    return name
'''},
    {"name": "raw_entries", "kind": "correct",
     "source": '''
import cProfile

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    hottest = max(profiler.getstats(), key=lambda entry: entry.inlinetime)
    code = hottest.code          # a code object, or a string for built-ins
    return code if isinstance(code, str) else code.co_name
'''},
    {"name": "pstats_text", "kind": "correct",
     "source": '''
import cProfile
import io
import pstats

def find_slow_function(run):
    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(1)
    lines = [line for line in out.getvalue().splitlines() if "(" in line and ":" in line]
    return lines[-1].split("(")[-1].rstrip(")")   # "file.py:12(call_soon)" -> "call_soon"
'''},
]
