"""Learner answers to chapter 1's ``round_robin(*generators) -> (yielded, returned)``."""

ANSWERS = [
    # ---------------------------------------------------------------- wrong
    {"name": "list_up_front", "kind": "wrong",
     "mistake": ("I turn every generator into a list first, so each one runs to the end before the"
                 " next starts and the return values are lost."),
     "expect": ["turn"],
     "source": '''
def round_robin(*generators):
    lists = [list(g) for g in generators]
    yielded = []
    for i in range(max((len(l) for l in lists), default=0)):
        for l in lists:
            if i < len(l):
                yielded.append(l[i])
    return yielded, [None] * len(generators)
'''},
    {"name": "one_after_another", "kind": "wrong",
     "mistake": "I run the first generator to the end, then the second: no turns at all.",
     "expect": ["turn"],
     "source": '''
def round_robin(*generators):
    yielded, returned = [], []
    for gen in generators:
        while True:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned.append(stop.value)
                break
    return yielded, returned
'''},
    {"name": "remove_while_iterating", "kind": "wrong",
     "mistake": ("I remove a finished generator from the list I am looping over, which skips the "
                 "next one's turn that round."),
     "expect": ["order"],
     "source": '''
def round_robin(*generators):
    running = list(generators)
    yielded = []
    returned = [None] * len(generators)
    while running:
        for gen in running:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[generators.index(gen)] = stop.value
                running.remove(gen)
    return yielded, returned
'''},
    {"name": "swallows_exception", "kind": "wrong",
     "mistake": "When a generator raises, I quietly drop it instead of letting its exception out.",
     "expect": ["exception"],
     "source": '''
def round_robin(*generators):
    running = list(enumerate(generators))
    yielded, returned = [], [None] * len(generators)
    while running:
        still = []
        for pos, gen in running:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[pos] = stop.value
            except Exception:
                continue  # a broken generator: just leave it out
            else:
                still.append((pos, gen))
        running = still
    return yielded, returned
'''},
    {"name": "none_means_done", "kind": "wrong",
     "mistake": ("I use next(gen, None) and treat None as the end, so a generator that yields None"
                 " is cut off and its return value lost."),
     "expect": ["none"],
     "source": '''
def round_robin(*generators):
    running = list(generators)
    yielded = []
    while running:
        still = []
        for gen in running:
            value = next(gen, None)
            if value is None:
                continue
            yielded.append(value)
            still.append(gen)
        running = still
    return yielded, [None] * len(generators)
'''},
    {"name": "finishing_order", "kind": "wrong",
     "mistake": ("I append return values in the order the generators finish, not in argument "
                 "order."),
     "expect": ["argument order"],
     "source": '''
def round_robin(*generators):
    running = list(generators)
    yielded, returned = [], []
    while running:
        still = []
        for gen in running:
            try:
                yielded.append(next(gen))
                still.append(gen)
            except StopIteration as stop:
                returned.append(stop.value)
        running = still
    return yielded, returned
'''},
    {"name": "for_loop_loses_return", "kind": "wrong",
     "mistake": ("I take each turn with a for loop that breaks after one value; the for loop "
                 "swallows StopIteration, so every return value is None."),
     "expect": ["return value"],
     "source": '''
def round_robin(*generators):
    running = list(generators)
    yielded = []
    while running:
        still = []
        for gen in running:
            for value in gen:
                yielded.append(value)
                still.append(gen)
                break
        running = still
    return yielded, [None for _ in generators]
'''},
    {"name": "zip_stops_at_shortest", "kind": "wrong",
     "mistake": "I used zip(*generators), which stops as soon as the shortest generator ends.",
     "expect": ["others"],
     "source": '''
def round_robin(*generators):
    yielded = []
    for values in zip(*generators):
        yielded.extend(values)
    return yielded, [None] * len(generators)
'''},
    {"name": "empty_returns_none", "kind": "wrong",
     "mistake": "With no generators I return None instead of two empty lists.",
     "expect": ["no generators"],
     "source": '''
def round_robin(*generators):
    if not generators:
        return None
    running = list(enumerate(generators))
    yielded, returned = [], [None] * len(generators)
    while running:
        still = []
        for pos, gen in running:
            try:
                yielded.append(next(gen))
                still.append((pos, gen))
            except StopIteration as stop:
                returned[pos] = stop.value
        running = still
    return yielded, returned
'''},
    {"name": "only_yielded", "kind": "wrong",
     "mistake": "I return only the list of yielded values, not the pair (yielded, returned).",
     "expect": ["pair"],
     "source": '''
def round_robin(*generators):
    running = list(generators)
    yielded = []
    while running:
        still = []
        for gen in running:
            try:
                yielded.append(next(gen))
                still.append(gen)
            except StopIteration:
                pass
        running = still
    return yielded
'''},
    {"name": "two_per_turn", "kind": "wrong",
     "mistake": "I take two values from each generator per turn instead of one.",
     "expect": ["one value"],
     "source": '''
def round_robin(*generators):
    running = list(enumerate(generators))
    yielded, returned = [], [None] * len(generators)
    while running:
        still = []
        for pos, gen in running:
            try:
                yielded.append(next(gen))
                yielded.append(next(gen))
                still.append((pos, gen))
            except StopIteration as stop:
                returned[pos] = stop.value
        running = still
    return yielded, returned
'''},
    {"name": "break_keeps_exhausted", "kind": "wrong",
     "mistake": ("On StopIteration I break out of the round but keep the finished generator in the"
                 " list, so I keep calling next on it forever."),
     "expect": ["finished"], "hangs": True,
     "source": '''
def round_robin(*generators):
    gens = list(generators)
    yielded, returned = [], [None] * len(generators)
    done = 0
    while done < len(gens):
        for pos, gen in enumerate(gens):
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                if returned[pos] is None:
                    returned[pos] = stop.value
                    done += 1
                break
    return yielded, returned
'''},
    {"name": "mutable_defaults", "kind": "wrong",
     "mistake": ("I keep the results in default-argument lists, so a second call still holds the "
                 "first call's values."),
     "expect": ["previous"],
     "source": '''
def round_robin(*generators, yielded=[], returned=[]):
    running = list(enumerate(generators))
    returned.extend([None] * len(generators))
    offset = len(returned) - len(generators)
    while running:
        still = []
        for pos, gen in running:
            try:
                yielded.append(next(gen))
                still.append((pos, gen))
            except StopIteration as stop:
                returned[offset + pos] = stop.value
        running = still
    return yielded, returned
'''},
    {"name": "stores_the_exception", "kind": "wrong",
     "mistake": "I store the StopIteration object itself instead of its .value.",
     "expect": ["stopiteration"],
     "source": '''
def round_robin(*generators):
    running = list(enumerate(generators))
    yielded, returned = [], [None] * len(generators)
    while running:
        still = []
        for pos, gen in running:
            try:
                yielded.append(next(gen))
                still.append((pos, gen))
            except StopIteration as stop:
                returned[pos] = stop
        running = still
    return yielded, returned
'''},
    {"name": "fixed_number_of_rounds", "kind": "wrong",
     "mistake": "I run as many rounds as there are generators instead of until all are exhausted.",
     "expect": ["exhausted"],
     "source": '''
def round_robin(*generators):
    yielded, returned = [], [None] * len(generators)
    alive = [True] * len(generators)
    for _ in range(len(generators)):
        for pos, gen in enumerate(generators):
            if not alive[pos]:
                continue
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[pos] = stop.value
                alive[pos] = False
    return yielded, returned
'''},
    {"name": "reversed_returns", "kind": "wrong",
     "mistake": "I insert return values at the front, so they come back in reverse order.",
     "expect": ["argument order"],
     "source": '''
def round_robin(*generators):
    yielded, returned = [], []
    running = list(generators)
    while running:
        still = []
        for gen in running:
            try:
                yielded.append(next(gen))
                still.append(gen)
            except StopIteration as stop:
                returned.insert(0, stop.value)
        running = still
    return yielded, returned
'''},
    {"name": "value_keyed_dict", "kind": "wrong",
     "mistake": ("I collect the return values in a dict and sort it, so they come back sorted, not"
                 " in argument order (the notebook's example happens to be sorted)."),
     "expect": ["argument order"],
     "source": '''
def round_robin(*generators):
    running = list(generators)
    yielded = []
    done = {}
    while running:
        still = []
        for gen in running:
            try:
                yielded.append(next(gen))
                still.append(gen)
            except StopIteration as stop:
                done[str(stop.value)] = stop.value
        running = still
    return yielded, [done[k] for k in sorted(done)]
'''},
    # ---------------------------------------------------------------- correct
    {"name": "deque_rotation", "kind": "correct",
     "source": '''
from collections import deque

def round_robin(*generators):
    queue = deque(enumerate(generators))
    yielded = []
    returned = [None] * len(generators)
    while queue:
        index, gen = queue.popleft()
        try:
            value = next(gen)
        except StopIteration as stop:
            returned[index] = stop.value
        else:
            yielded.append(value)
            queue.append((index, gen))
    return yielded, returned
'''},
    {"name": "dict_of_running", "kind": "correct",
     "source": '''
def round_robin(*generators):
    running = dict(enumerate(generators))   # dicts keep insertion order
    out, results = [], {}
    while running:
        for idx in list(running):
            try:
                out.append(running[idx].send(None))
            except StopIteration as e:
                results[idx] = e.value
                del running[idx]
    return out, [results[i] for i in range(len(generators))]
'''},
    {"name": "yield_from_wrapper", "kind": "correct",
     "source": '''
def round_robin(*generators):
    returned = [None] * len(generators)

    def keep_return(i, gen):
        returned[i] = yield from gen

    wrapped = [keep_return(i, g) for i, g in enumerate(generators)]
    yielded = []
    while wrapped:
        survivors = []
        for w in wrapped:
            try:
                yielded.append(next(w))
            except StopIteration:
                continue
            survivors.append(w)
        wrapped = survivors
    return (yielded, returned)
'''},
    {"name": "alive_flags", "kind": "correct",
     "source": '''
def round_robin(*generators):
    n = len(generators)
    alive = [True] * n
    yielded, returned = [], [None] * n
    while any(alive):
        for i in range(n):
            if alive[i]:
                try:
                    yielded.append(next(generators[i]))
                except StopIteration as stop:
                    alive[i] = False
                    returned[i] = stop.value
    return yielded, returned
'''},
]
