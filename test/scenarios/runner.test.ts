// runScenario: every registered scenario is deterministic, traced or not.

import { describe, expect, it } from "vitest";
import {
  allScenarios,
  defineScenario,
  integer,
  runScenario,
  type RunResult,
  type ScenarioDef,
} from "../../src/scenarios/index.js";
import { ms, sleep, UNTRACED, type TraceRecord } from "../../src/sim/index.js";

// ---------------------------------------------------------------------------------------
// Determinism: every registered scenario, five seeds, each run twice.

const SEEDS = [0, 1, 7, 123_456_789, 2 ** 53 - 1];
/** CPU time the whole determinism sweep may take, shared by every registered scenario. */
const TOTAL_BUDGET_MS = 5_000;
/** Events in the probe run that estimates a scenario's cost. */
const PROBE_EVENTS = 5_000;
/** Never compare fewer events than this, however costly a scenario is. */
const MIN_EVENTS = 2_000;
/** CPU milliseconds used by this process so far: unlike wall time, not inflated by a busy machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** How long (CPU time) to keep lengthening a capped prefix whose seeds all hash alike. */
const FALLBACK_MS = 2_000;
/** A probe slower than this skips the scenario (its owner must make it cheaper to test). */
const PROBE_LIMIT_MS = 5_000; // CPU time

interface Plan {
  maxEvents: number | undefined;
  note: string;
}

/**
 * Scenarios by other engineers can be long, and more families keep arriving, so the
 * sweep shares one CPU-time budget: each scenario gets an equal slice for its ten runs.
 * A capped run is still a fair determinism test: the trace hash covers every event up to
 * the cap, and both runs of a pair (and all seeds) use the same cap.
 */
function planFor(scenario: ScenarioDef, scenarioCount: number): Plan | null {
  const start = cpuMs();
  const probe = runScenario(scenario, { seed: 0, maxEvents: PROBE_EVENTS });
  const spentMs = cpuMs() - start; // includes setup and first-run compilation: errs on the cheap side
  if (spentMs > PROBE_LIMIT_MS) return null;
  const perRunMs = TOTAL_BUDGET_MS / scenarioCount / (2 * SEEDS.length);
  if (probe.events < PROBE_EVENTS && spentMs <= perRunMs) return { maxEvents: undefined, note: "full runs" };
  const perEventMs = spentMs / Math.max(1, probe.events);
  const full = scenario.limits?.maxEvents ?? Number.POSITIVE_INFINITY;
  const cap = Math.min(full, Math.max(MIN_EVENTS, Math.floor(perRunMs / perEventMs)));
  return { maxEvents: cap, note: `first ${cap} events` };
}

function fingerprint(r: RunResult): unknown {
  return {
    hash: r.traceHash,
    checkpoints: r.checkpoints,
    events: r.events,
    now: r.virtualTimeUs,
    verdict: r.verdict,
    violations: r.violations,
  };
}

/** What an untraced run must share with the traced run of the same request: all but the hash. */
function runWithoutTrace(r: RunResult): unknown {
  return {
    events: r.events,
    now: r.virtualTimeUs,
    verdict: r.verdict,
    violations: r.violations,
    metrics: r.metrics,
    faults: r.faultSchedule,
  };
}

describe("determinism of every registered scenario", () => {
  const scenarios = allScenarios();

  it("the registry is not empty and ids are unique", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(2);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
  });

  it.each(scenarios.map((s) => [s.id, s] as const))(
    "%s: each of 5 seeds run twice gives one trace; different seeds give different traces",
    (id, scenario) => {
      const plan = planFor(scenario, scenarios.length);
      if (plan === null) {
        console.warn(`determinism: skipped ${id}: a ${PROBE_EVENTS}-event probe took over ${PROBE_LIMIT_MS} ms`);
        return;
      }
      const request = (seed: number): { seed: number; maxEvents?: number } =>
        plan.maxEvents === undefined ? { seed } : { seed, maxEvents: plan.maxEvents };
      let hashes: string[] = [];
      for (const seed of SEEDS) {
        const a = runScenario(scenario, request(seed));
        const b = runScenario(scenario, request(seed));
        expect(fingerprint(b), `${id} seed ${seed} (${plan.note})`).toEqual(fingerprint(a));
        expect(a.events, `${id} seed ${seed} fired no events`).toBeGreaterThan(0);
        if (seed === SEEDS[0]) {
          // Running untraced (what sweeps do) skips the hashing, never a step of the run.
          const untraced = runScenario(scenario, { ...request(seed), trace: false });
          expect(runWithoutTrace(untraced), `${id} seed ${seed} untraced (${plan.note})`).toEqual(runWithoutTrace(a));
          expect(untraced.traceHash).toBe(UNTRACED);
          expect(untraced.checkpoints).toEqual([]);
        }
        hashes.push(a.traceHash);
      }
      // A capped prefix may not reach the first seeded draw: then judge longer prefixes,
      // up to whole runs, for a bounded time.
      let cap = plan.maxEvents;
      const deadline = cpuMs() + FALLBACK_MS;
      while (new Set(hashes).size < SEEDS.length && cap !== undefined && cpuMs() < deadline) {
        cap = cap * 4 >= (scenario.limits?.maxEvents ?? Number.POSITIVE_INFINITY) ? undefined : cap * 4;
        const capped = cap;
        hashes = SEEDS.map(
          (seed) => runScenario(scenario, capped === undefined ? { seed } : { seed, maxEvents: capped }).traceHash,
        );
      }
      expect(new Set(hashes).size, `${id}: seeds ${SEEDS.join(", ")} gave hashes ${hashes.join(", ")}`).toBe(
        SEEDS.length,
      );
    },
  );
});

// ---------------------------------------------------------------------------------------
// The runner's own contract, on small scenarios defined here.

function scenario(
  setup: ScenarioDef["setup"],
  options: ScenarioDef["options"] = {},
  schema: ScenarioDef["schema"] = {},
): ScenarioDef {
  return defineScenario({ id: "test/inline", title: "inline", description: "", covers: [], options, schema, setup });
}

describe("runScenario", () => {
  it("a main process that throws fails the run, naming the process, even though main's end is observed", () => {
    const def = scenario((ctx) => {
      ctx.spawn("bystander", sleep(ms(100)));
      ctx.main(
        "driver",
        (function* () {
          yield* sleep(ms(2));
          throw new Error("driver broke");
        })(),
      );
    });
    const r = runScenario(def, { seed: 1 });
    expect(r.verdict).toBe("fail");
    expect(r.violations).toEqual([
      {
        check: "process",
        message: 'process "driver" failed: Error: driver broke',
        atUs: ms(2),
        seq: expect.any(Number),
        nodes: ["driver"],
      },
    ]);
    expect(r.virtualTimeUs).toBe(ms(2));
  });

  it("a main process that returns stops the run, even with other processes still pending", () => {
    const def = scenario((ctx) => {
      ctx.spawn(
        "ticker",
        (function* () {
          for (;;) yield* sleep(ms(1));
        })(),
      );
      ctx.main("driver", sleep(ms(5)));
    });
    const r = runScenario(def, { seed: 1 });
    expect(r.verdict).toBe("pass");
    expect(r.virtualTimeUs).toBe(ms(5));
  });

  it("a failing check makes the verdict fail and is listed with its detail", () => {
    const def = scenario((ctx) => {
      ctx.main("driver", sleep(1));
      ctx.check("always holds", () => null);
      ctx.check("never holds", () => "it did not hold");
    });
    const r = runScenario(def, { seed: 1 });
    expect(r.verdict).toBe("fail");
    expect(r.checks).toEqual([
      { name: "always holds", ok: true, status: "pass", detail: "" },
      { name: "never holds", ok: false, status: "fail", detail: "it did not hold" },
    ]);
    expect(r.violations.map((v) => v.check)).toEqual(["never holds"]);
  });

  it("a check declared not applicable shows as such with its reason, unless it was violated", () => {
    const def = scenario((ctx) => {
      ctx.main("driver", sleep(1));
      ctx.declareChecker("quiet checker");
      ctx.declareChecker("violated checker");
      ctx.notApplicable("quiet checker", "nothing here can trigger it");
      ctx.notApplicable("violated checker", "claimed, wrongly");
      ctx.violation("violated checker", "it fired anyway");
    });
    const r = runScenario(def, { seed: 1 });
    expect(r.checks).toEqual([
      { name: "quiet checker", ok: true, status: "not-applicable", detail: "nothing here can trigger it" },
      { name: "violated checker", ok: false, status: "fail", detail: "1 violation(s); first: it fired anyway" },
    ]);
    expect(r.verdict).toBe("fail");
  });

  it("declaring an unknown check not applicable is a setup error, not a silent no-op", () => {
    const def = scenario((ctx) => {
      ctx.main("driver", sleep(1));
      ctx.notApplicable("no such check", "typo");
    });
    const r = runScenario(def, { seed: 1 });
    expect(r.verdict).toBe("error");
    expect(r.failure?.message).toContain('no check named "no such check"');
  });

  it("Math.random in a scenario's setup is caught too: the run is an error naming the call", () => {
    const def = scenario((ctx) => {
      const jitter = Math.random();
      ctx.main("driver", sleep(Math.round(jitter * 10)));
    });
    const r = runScenario(def, { seed: 1 });
    expect(r.verdict).toBe("error");
    expect(r.violations[0]?.message).toContain("Math.random()");
    const after = Math.random();
    expect(after >= 0 && after < 1).toBe(true);
  });

  it("Math.random in a process fails the run with a message naming the call", () => {
    const def = scenario((ctx) => {
      ctx.main(
        "driver",
        (function* () {
          yield* sleep(ms(1));
          Math.random();
        })(),
      );
    });
    const r = runScenario(def, { seed: 3 });
    expect(r.verdict).toBe("fail");
    expect(r.violations[0]?.message).toMatch(/driver.*Math\.random\(\) called during a simulation run/);
  });

  it("a deadlock and an exhausted budget get their own verdicts", () => {
    const stuck = scenario((ctx) => {
      ctx.main(
        "driver",
        (function* () {
          yield* sleep(1);
          yield { what: "nothing", arm() {}, disarm() {} };
        })(),
      );
    });
    expect(runScenario(stuck, { seed: 1 }).verdict).toBe("deadlock");
    const endless = scenario((ctx) => {
      ctx.main(
        "driver",
        (function* () {
          for (;;) yield* sleep(ms(1));
        })(),
      );
    });
    const r = runScenario(endless, { seed: 1, maxEvents: 50 });
    expect(r.verdict).toBe("liveness");
    expect(r.limits.maxEvents).toBe(50);
  });

  it("the trace listener sees one record per event, and the hash does not depend on it", () => {
    const def = allScenarios().find((s) => s.id === "kernel/ping-pong")!;
    const records: TraceRecord[] = [];
    const withListener = runScenario(def, {
      seed: 5,
      traceListener: (r) => records.push(r),
      overrides: { rounds: 20 },
    });
    const plain = runScenario(def, { seed: 5, overrides: { rounds: 20 } });
    expect(withListener.traceHash).toBe(plain.traceHash);
    expect(records).toHaveLength(plain.events);
    expect(records.map((r) => r.index)).toEqual(records.map((_, i) => i));
  });

  it("refuses a trace listener or a perturbation on an untraced run, which has no records", () => {
    const s = scenario((ctx) => void ctx.kernel.after(1, () => {}));
    expect(() => runScenario(s, { seed: 1, trace: false, traceListener: () => {} })).toThrow(
      /untraced run .* no trace records/,
    );
    expect(() => runScenario(s, { seed: 1, trace: false, testPerturbAtRecord: 0 })).toThrow(RangeError);
    expect(runScenario(s, { seed: 1, trace: false }).verdict).toBe("pass");
  });

  it("rejects seeds outside [0, 2^53) and unknown options", () => {
    const def = scenario((ctx) => ctx.main("driver", sleep(1)), { count: 1 }, { count: integer(0, 9, "a count") });
    for (const seed of [-1, 1.5, 2 ** 53, Number.NaN]) expect(() => runScenario(def, { seed })).toThrow(RangeError);
    expect(() => runScenario(def, { seed: 1, overrides: { cuont: 2 } })).toThrow(/unknown option "cuont"/);
  });
});
