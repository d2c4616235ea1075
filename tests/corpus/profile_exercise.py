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

# Written cold (session 3): from notebook 06's prose, the exercise statement and stub, the
# hints and the module docstring only, without reading the checker's cases or the entries
# above. Names start with ``cold_``.
ANSWERS += [
    {"name": "cold_sorted_by_cumtime", "kind": "wrong",
     "mistake": ("I sort the rows by cumulative time, biggest first, because that is how the "
                 "profiler report I know is ordered."),
     "expect": ["cumulative"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    rows = pstats.Stats(prof).stats
    ranked = sorted(rows.items(), key=lambda kv: kv[1][3], reverse=True)
    return ranked[0][0][2]
'''},
    {"name": "cold_fcn_list_last", "kind": "wrong",
     "mistake": ("I sort_stats('tottime') and take the last entry of fcn_list, thinking the "
                 "sort is ascending like sorted()."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    st = pstats.Stats(prof)
    st.sort_stats("tottime")
    return st.fcn_list[-1][2]
'''},
    {"name": "cold_time_per_call", "kind": "wrong",
     "mistake": ("I rank by own time per call, the slowest single call, not by the total own "
                 "time of the function."),
     "expect": ["per call"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = pstats.Stats(prof).stats
    best = max(rows, key=lambda key: rows[key][2] / rows[key][1])
    return best[2]
'''},
    {"name": "cold_children_time", "kind": "wrong",
     "mistake": ("I take cumulative minus own time, thinking that was the time spent inside "
                 "the function."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = pstats.Stats(prof).stats
    best = max(rows, key=lambda key: rows[key][3] - rows[key][2])
    return best[2]
'''},
    {"name": "cold_min_own_time", "kind": "wrong",
     "mistake": "I typed min where I meant max.",
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = pstats.Stats(prof).stats
    return min(rows.items(), key=lambda item: item[1][2])[0][2]
'''},
    {"name": "cold_first_key", "kind": "wrong",
     "mistake": ("I return the first function in the stats dict, thinking the profiler "
                 "lists the slowest first."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    first = next(iter(pstats.Stats(prof).stats))
    return first[2]
'''},
    {"name": "cold_profiles_global_run", "kind": "wrong",
     "mistake": ("I profile the string 'run()', which runs the notebook's global run (mystery "
                 "loop 1), not the run I was given."),
     "expect": ["never"],
     "source": '''
import cProfile
import pstats

from toyloop.exercises import ch6_measure

run = ch6_measure.mystery(1)


def find_slow_function(_run):
    prof = cProfile.Profile()
    prof.runctx("run()", globals(), {})
    rows = pstats.Stats(prof).stats
    return max(rows, key=lambda key: rows[key][2])[2]
'''},
    {"name": "cold_most_callers", "kind": "wrong",
     "mistake": ("I pick the function called from the most places, thinking the busy one is "
                 "the slow one."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = pstats.Stats(prof).stats
    return max(rows, key=lambda key: len(rows[key][4]))[2]
'''},
    {"name": "cold_prints_only", "kind": "wrong",
     "mistake": ("I print the top line of the report and return nothing; I read the name off the "
                 "screen."),
     "expect": ["none"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    pstats.Stats(prof).sort_stats("tottime").print_stats(1)
'''},
    {"name": "cold_only_my_code", "kind": "wrong",
     "mistake": ("I leave out everything from toyloop's own files to see only 'my' code, so "
                 "the loop's slow method is filtered away."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = {key: row for key, row in pstats.Stats(prof).stats.items()
            if "toyloop" not in key[0]}
    return max(rows, key=lambda key: rows[key][2])[2]
'''},
    {"name": "cold_builtins_only", "kind": "wrong",
     "mistake": ("I meant to drop the built-in functions (file '~') but wrote == instead of "
                 "!=, so I keep only them."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = {key: row for key, row in pstats.Stats(prof).stats.items() if key[0] == "~"}
    return max(rows, key=lambda key: rows[key][2])[2]
'''},
    {"name": "cold_calls_times_own", "kind": "wrong",
     "mistake": ("I weight own time by the number of calls, because a function called often "
                 "matters more."),
     "expect": ["own time"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = pstats.Stats(prof).stats
    return max(rows, key=lambda key: rows[key][1] * rows[key][2])[2]
'''},
    {"name": "cold_returns_line", "kind": "wrong",
     "mistake": "I return the line number of the slow function; I mixed up the key's fields.",
     "expect": ["name"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    rows = pstats.Stats(prof).stats
    _file, line, _name = max(rows, key=lambda key: rows[key][2])
    return line
'''},
    {"name": "cold_percall_cumtime", "kind": "wrong",
     "mistake": ("I use get_stats_profile() and rank by percall_cumtime, the column I "
                 "thought meant 'time each call costs'."),
     "expect": ["cumulative"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    functions = pstats.Stats(prof).get_stats_profile().func_profiles
    return max(functions, key=lambda name: functions[name].percall_cumtime)
'''},
    {"name": "cold_sort_by_calls", "kind": "wrong",
     "mistake": "I sort_stats('ncalls'): the function called most often must be the slow one.",
     "expect": ["calls"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    st = pstats.Stats(prof).sort_stats("ncalls")
    return st.fcn_list[0][2]
'''},
    {"name": "cold_wall_clock_wrappers", "kind": "wrong",
     "mistake": ("I do not use cProfile: I time the whole run with perf_counter and return "
                 "'run', the function that took the time."),
     "expect": ["own time"],
     "source": '''
import time


def find_slow_function(run):
    start = time.perf_counter()
    run()
    print(f"run took {time.perf_counter() - start:.3f} s")
    return "run"
'''},
    {"name": "cold_stats_profile", "kind": "wrong",
     "mistake": ("I use pstats' get_stats_profile(), whose func_profiles is keyed by the bare "
                 "function name: a method and the super() method it calls (both "
                 "_timer_handle_cancelled) overwrite each other, so the slow one may vanish."),
     "expect": ["same name"],
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runcall(run)
    functions = pstats.Stats(prof).get_stats_profile().func_profiles
    return max(functions, key=lambda name: functions[name].tottime)
'''},
    # -------------------------------------------------------------- correct
    {"name": "cold_context_manager", "kind": "correct",
     "source": '''
import cProfile
import heapq


def find_slow_function(run):
    with cProfile.Profile() as prof:
        run()
    prof.create_stats()   # prof.stats: {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    [(_own, key)] = heapq.nlargest(1, ((row[2], key) for key, row in prof.stats.items()))
    return key[2]
'''},
    {"name": "cold_runctx_own_namespace", "kind": "correct",
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    prof = cProfile.Profile()
    prof.runctx("run()", {}, {"run": run})
    table = pstats.Stats(prof).stats
    slowest = None
    for key, (_cc, _nc, own, _cum, _callers) in table.items():
        if slowest is None or own > table[slowest][2]:
            slowest = key
    return slowest[2]
'''},
    {"name": "cold_warm_up_then_profile", "kind": "correct",
     "source": '''
import cProfile
import pstats


def find_slow_function(run):
    run()                       # once unprofiled, so imports and caches are warm
    prof = cProfile.Profile()
    prof.enable()
    try:
        run()
    finally:
        prof.disable()
    stats = pstats.Stats(prof).stats
    python_only = {k: v for k, v in stats.items() if k[0] != "~"}
    return max(python_only, key=lambda k: python_only[k][2])[2]
'''},
]
