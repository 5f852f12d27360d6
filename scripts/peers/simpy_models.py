"""SimPy 3's side of `npm run bench:peers` (src/bench/peers.ts): the same models as ours.

  hold PENDING EVENTS   PENDING generator processes, each looping `yield env.timeout(d)`
                        over the same LCG delays as src/bench/kernel.ts; stops after
                        EVENTS resumes.
  orch PIPELINES        ORCH-1 (src/scenarios/async/orch-concurrent.ts): PIPELINES
                        three-node pipelines at t=0 sharing 500 slots; a node holds a slot
                        for 2 ms + Exp(8 ms) of virtual time, under a 250 ms node timeout
                        (a race of the node's process against a timeout) and a 1 s
                        pipeline timeout; outputs, the slot bound and the p95 are checked.

Each model runs once to warm up, then REPEATS times; prints one JSON line per model with
the median wall seconds (time.perf_counter) and the events (resumes) it counted.
Times are integer microseconds, as ours are.
"""

import json
import random
import sys
import time

import simpy


def delays(count=65536):
    out = [0] * count
    x = 12345
    for i in range(count):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = 1 + (x % 1000)
    return out


DELAYS = delays()
MASK = len(DELAYS) - 1


def hold(pending, events):
    env = simpy.Environment()
    state = {"n": 0}
    done = env.event()

    def holder():
        while True:
            n = state["n"]
            state["n"] = n + 1
            if n == events:
                done.succeed()
            yield env.timeout(DELAYS[n & MASK])

    for _ in range(pending):
        env.process(holder())
    start = time.perf_counter()
    env.run(until=done)
    return time.perf_counter() - start, events


class NodeTimeout(Exception):
    pass


def orch(pipelines, seed=1):
    rng = random.Random(seed)
    env = simpy.Environment()
    slots = simpy.Resource(env, capacity=500)
    durations = [2000 + round(rng.expovariate(1 / 8000)) for _ in range(pipelines * 3)]
    outputs = [None] * pipelines
    latencies = []
    logs = []
    errors = []

    def sleeper(dur):
        yield env.timeout(dur)

    def node(dur, fn, x):
        with slots.request() as req:
            yield req
            started = env.now
            body = env.process(sleeper(dur))
            timeout = env.timeout(250_000)
            result = yield body | timeout
            if body not in result:
                body.interrupt()
                raise NodeTimeout()
            logs.append((started, env.now))
        return fn(x)

    def run_nodes(p):
        x = p
        for i, fn in enumerate((lambda v: v + 1, lambda v: v * 2, lambda v: v + p)):
            x = yield env.process(node(durations[p * 3 + i], fn, x))
        return x

    def one(p):
        started = env.now
        child = env.process(run_nodes(p))
        timeout = env.timeout(1_000_000)
        result = yield child | timeout
        if child not in result:
            child.interrupt()
            errors.append(p)
            return
        outputs[p] = child.value
        latencies.append(env.now - started)

    def main():
        yield simpy.AllOf(env, [env.process(one(p)) for p in range(pipelines)])

    start = time.perf_counter()
    env.process(main())
    env.run()
    # The same checks as the scenario: outputs, the slot bound, the p95.
    assert not errors and all(outputs[p] == (p + 1) * 2 + p for p in range(pipelines))
    edges = sorted([(s, 1) for s, _ in logs] + [(e, -1) for _, e in logs], key=lambda e: (e[0], e[1]))
    running = peak = 0
    for _, d in edges:
        running += d
        peak = max(peak, running)
    assert peak <= 500
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, (95 * len(latencies)) // 100)]
    assert p95 < 250_000
    return time.perf_counter() - start, 0


def median_run(fn, repeats, *args):
    fn(*args)  # warm-up
    runs = sorted(fn(*args) for _ in range(repeats))
    return runs[len(runs) // 2]


def main(argv):
    model, repeats = argv[1], int(argv[2])
    if model == "hold":
        wall, events = median_run(hold, repeats, int(argv[3]), int(argv[4]))
    elif model == "orch":
        wall, events = median_run(orch, repeats, int(argv[3]))
    else:
        raise SystemExit(f"unknown model {model}")
    print(json.dumps({"model": model, "args": argv[3:], "wallS": wall, "events": events, "simpy": simpy.__version__}))


if __name__ == "__main__":
    main(sys.argv)
