// soak/*: the soak harness as scenarios. One scenario per soak plan item (SOAK-1..6)
// runs just that runner for `iterations` iterations; soak/all runs all six every
// iteration — the `run_soak(worker_factory, iterations, seed)` entry point (SOAK-7).
// Each invariant the runners check becomes a named check of the run; the per-iteration
// counts and the virtual-time latency histogram are reported as metrics and summary rows.

import { asyncWorkerFactory } from "../../async/async-worker.js";
import { SOAK_SCENARIOS, soakProc, type SoakCounts, type SoakReport, type SoakScenarioName } from "../../async/soak.js";
import type { ScenarioContext } from "../context.js";
import { defineScenario, type ScenarioDef } from "../types.js";
import { integer } from "../option-spec.js";

const TITLES: Record<SoakScenarioName, { id: string; title: string; covers: string; text: string }> = {
  "concurrent-load": {
    id: "soak/concurrent-load",
    title: "Soak: burst of short and long tasks under a concurrency limit",
    covers: "SOAK-1",
    text: "A burst of short and long tasks is submitted at once. The harness counts running bodies itself: the peak must equal min(limit, tasks), and every task must start and end exactly when a FIFO work-conserving pool would.",
  },
  "timeout-enforcement": {
    id: "soak/timeout-enforcement",
    title: "Soak: tasks overrunning their deadline time out promptly",
    covers: "SOAK-2",
    text: "Every task has a run-time limit and about half overrun it. An overrunning task must end timed-out exactly at start + limit, with its body unwound and its resource freed at that instant; the freed slot goes straight to the next task.",
  },
  "mid-flight-cancellation": {
    id: "soak/mid-flight-cancellation",
    title: "Soak: tasks cancelled while running",
    covers: "SOAK-3",
    text: "About half the tasks are cancelled at a drawn instant strictly inside their run. They must end cancelled, never run their completion callback, and free their resource and slot at the cancel instant.",
  },
  "failure-propagation": {
    id: "soak/failure-propagation",
    title: "Soak: task exceptions surface without stalling the worker",
    covers: "SOAK-4",
    text: "About a third of the tasks throw. Each exception must reach the caller awaiting the handle as the same object, every other task must complete on the FIFO schedule, and a task submitted afterwards must start at once.",
  },
  "rapid-reconfiguration": {
    id: "soak/rapid-reconfiguration",
    title: "Soak: worker cycled through shutdown/start with varying concurrency",
    covers: "SOAK-5",
    text: "One worker is started, loaded, shut down (drain or cancel, at a drawn instant) and restarted with another concurrency, many times. Each cycle must end with no slot or resource held, submissions refused once shutdown begins, drain finishing every task and cancel stopping at the shutdown instant.",
  },
  "jitter-storm": {
    id: "soak/jitter-storm",
    title: "Soak: jittered arrivals, durations, timeouts and cancels",
    covers: "SOAK-6",
    text: "Jittered arrivals and durations (zero included), failures, timeouts (zero included) and cancels aimed at the exact completion or timeout instant, before or after the completion event, then a drain or cancelling shutdown at a drawn instant. No callback after an accepted cancel, one terminal state per task, no leaked slots or resources, counts that add up, FIFO admission.",
  },
};

function reportChecks(ctx: ScenarioContext, get: () => SoakReport | null): void {
  ctx.check("the soak ran to the end", () => (get() !== null ? null : "the soak process did not finish"));
  ctx.onFinish(() => {
    const report = get();
    if (report === null) return;
    const byName = new Map<string, string[]>();
    for (const s of report.iterations.flatMap((it) => it.scenarios)) {
      for (const c of s.checks) {
        const list = byName.get(`${s.scenario}: ${c.name}`) ?? [];
        if (c.problem !== null) list.push(`iteration ${s.iteration}: ${c.problem}`);
        byName.set(`${s.scenario}: ${c.name}`, list);
      }
    }
    for (const [name, problems] of byName)
      ctx.check(name, () => (problems.length === 0 ? null : problems.slice(0, 3).join(" | ")));
    ctx.check("every iteration reports counts that add up and a latency sample per task", () => {
      for (const it of report.iterations) {
        for (const s of it.scenarios) {
          const c = s.counts;
          if (c.completed + c.cancelled + c.timedOut + c.failed !== c.submitted)
            return `iteration ${it.iteration} ${s.scenario}: counts ${JSON.stringify(c)}`;
          if (s.latency.count !== c.submitted)
            return `iteration ${it.iteration} ${s.scenario}: ${s.latency.count} latency samples for ${c.submitted} tasks`;
        }
      }
      return report.iterations.length === ctx.options.iterations
        ? null
        : `${report.iterations.length} iteration reports for ${ctx.options.iterations} iterations`;
    });
    const t = report.totals;
    for (const [k, v] of Object.entries(t)) ctx.metric(k, v);
    ctx.metric("latencyP50Us", report.latency.p50Us);
    ctx.metric("latencyP95Us", report.latency.p95Us);
    ctx.metric("latencyP99Us", report.latency.p99Us);
    ctx.metric("latencyMaxUs", report.latency.maxUs);
    ctx.summary(() =>
      report.iterations.flatMap((it) =>
        it.scenarios.map((s) => ({
          iteration: it.iteration,
          scenario: s.scenario,
          limit: s.concurrencyLimit,
          peak: s.peakRunning,
          ...s.counts,
          p95Us: s.latency.percentile(95),
        })),
      ),
    );
  });
}

const KINDS = ["completed", "cancelled", "timedOut", "failed"] as const;

function sameCounts(a: SoakCounts, b: SoakCounts): boolean {
  return a.submitted === b.submitted && KINDS.every((k) => a[k] === b[k]);
}

function sum(counts: readonly SoakCounts[]): SoakCounts {
  const total = { submitted: 0, completed: 0, cancelled: 0, timedOut: 0, failed: 0 };
  for (const c of counts) {
    total.submitted += c.submitted;
    for (const k of KINDS) total[k] += c[k];
  }
  return total;
}

/** Everything a soak report says, histograms as their summaries, in a comparable string. */
function canonical(report: SoakReport): string {
  return JSON.stringify({
    ...report,
    iterations: report.iterations.map((it) => ({
      ...it,
      scenarios: it.scenarios.map((s) => ({ ...s, latency: s.latency.summary() })),
    })),
  });
}

/**
 * SOAK-7, the entry point's own promises: each iteration's counts are the sum of its
 * scenarios', the totals the sum of the iterations', every outcome kind occurs, and the
 * same seed run again gives the very same report.
 */
function entryPointChecks(ctx: ScenarioContext, get: () => SoakReport | null, rerun: () => SoakReport | null): void {
  ctx.check("SOAK-7: iteration counts sum their scenarios' and the totals sum the iterations'", () => {
    const report = get();
    if (report === null) return "no report";
    for (const it of report.iterations)
      if (!sameCounts(it.counts, sum(it.scenarios.map((s) => s.counts))))
        return `iteration ${it.iteration}: counts ${JSON.stringify(it.counts)} are not the sum of its scenarios'`;
    const total = sum(report.iterations.map((it) => it.counts));
    return sameCounts(report.totals, total) && total.submitted > 0
      ? null
      : `totals ${JSON.stringify(report.totals)}, iterations sum to ${JSON.stringify(total)}`;
  });
  ctx.check("SOAK-7: every outcome kind occurs (completed, cancelled, timed out, failed)", () => {
    const t = get()?.totals;
    const missing = KINDS.filter((k) => (t?.[k] ?? 0) === 0);
    return missing.length === 0 ? null : `none ${missing.join(", ")}`;
  });
  ctx.check("SOAK-7: the same seed run again gives the identical report", () => {
    const a = get();
    const b = rerun();
    if (a === null || b === null) return "a run did not finish";
    return canonical(a) === canonical(b) ? null : "the two reports differ";
  });
}

function soakScenario(input: {
  id: string;
  title: string;
  description: string;
  covers: string[];
  scenarios: readonly SoakScenarioName[];
  iterations: number;
  /** The run_soak entry point (SOAK-7): run it twice on the same seed and check the report itself. */
  entryPoint?: boolean;
}): ScenarioDef {
  return defineScenario({
    id: input.id,
    title: input.title,
    description: input.description,
    covers: input.covers,
    options: { iterations: input.iterations },
    schema: { iterations: integer(1, 1_000, "soak iterations, each on its own seeded stream") },
    shrinkable: { iterations: 1 },
    setup(ctx) {
      let report: SoakReport | null = null;
      let rerun: SoakReport | null = null;
      const options = { iterations: ctx.options.iterations, scenarios: input.scenarios };
      // Forks are pure functions of the seed and the label, so the rerun gets the very same streams.
      const run = () => soakProc(asyncWorkerFactory(), { rng: ctx.rng.fork("soak"), seed: ctx.seed, options });
      ctx.main(
        "soak",
        (function* () {
          report = yield* run();
          if (input.entryPoint === true) rerun = yield* run();
        })(),
      );
      reportChecks(ctx, () => report);
      if (input.entryPoint === true)
        entryPointChecks(
          ctx,
          () => report,
          () => rerun,
        );
    },
  });
}

export const soakScenarios: ScenarioDef[] = [
  ...SOAK_SCENARIOS.map((name) => {
    const t = TITLES[name];
    return soakScenario({
      id: t.id,
      title: t.title,
      description: `${t.text} Runs the soak harness's ${name} runner against AsyncWorker for \`iterations\` iterations, each on its own seeded stream.`,
      covers: [t.covers],
      scenarios: [name],
      iterations: 5,
    });
  }),
  soakScenario({
    id: "soak/all",
    title: "Soak: run_soak(worker_factory, iterations, seed) — all six scenarios per iteration",
    description:
      "The soak entry point: every iteration runs concurrent load, timeout enforcement, mid-flight cancellation, failure propagation, rapid reconfiguration and the jitter storm against workers from the factory, with randomness forked from the seed per iteration and scenario. Reports per-iteration submitted/completed/cancelled/timed-out/failed counts (summary rows) and virtual-time latency percentiles (metrics). SOAK-7: each iteration's counts are the sum of its scenarios' and the totals the sum of the iterations', every outcome kind occurs, and the whole soak run again on the same seed gives the identical report. Raise `iterations` for longer soaks.",
    covers: ["SOAK-1", "SOAK-2", "SOAK-3", "SOAK-4", "SOAK-5", "SOAK-6", "SOAK-7"],
    scenarios: SOAK_SCENARIOS,
    iterations: 3,
    entryPoint: true,
  }),
];
