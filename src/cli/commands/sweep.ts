// `simctl sweep SCENARIO --seeds 1..10000 [-j N] [--swarm] [--shard k/N] [--json]`:
// runs many seeds on worker threads, groups failures by violation signature, keeps the
// fastest-failing seed of each group (fewest events) and writes its repro file. Seeds
// run untraced (the same runs, without hashing them) unless --trace-hashes.
//
// Nothing found is lost: Ctrl-C or SIGTERM stops the workers and the sweep goes on to
// print the partial summary (seeds done, failures grouped), write the repros of the
// groups found so far and exit 130. The summary is always printed before any file is
// written; a repro that cannot be written is one line on stderr and exit 74. The exit
// code is the most serious that applies (exit-codes.ts).

import { sourceIdentity } from "../../repro/source.js";
import { shardSeeds } from "../../repro/seeds.js";
import { CoverageTally } from "../../repro/coverage-summary.js";
import { buildSummary, SweepAggregator, type SweepSummary } from "../../repro/sweep-summary.js";
import { SIMCTL_VERSION } from "../../repro/version.js";
import { ExitCode, exitCodeFor, worstExit } from "../exit-codes.js";
import { catchInterrupts, type Interrupts } from "../interrupt.js";
import { SweepProgress } from "../progress.js";
import { plannedReproPath } from "../repro-output.js";
import { renderReproLines, renderSweep } from "../render-sweep.js";
import { runPool } from "../sweep-pool.js";
import { planSweep, requestFor, type SweepFlags, type SweepPlan } from "../sweep-plan.js";
import { writeGroupRepros } from "../sweep-repros.js";
import type { WorkerSetup } from "../sweep-worker.js";
import { VERDICTS } from "../../repro/schema.js";

export type { SweepFlags } from "../sweep-plan.js";

export async function sweepCommand(id: string, flags: SweepFlags): Promise<number> {
  const plan = planSweep(id, flags);
  const progress = new SweepProgress(plan.total);
  const interrupts = catchInterrupts(() => progress.line.clear());
  try {
    const summary = await runSweep(plan, progress, interrupts);
    progress.line.clear();
    if (plan.reproDir !== null)
      for (const g of summary.groups)
        g.repro = plannedReproPath(plan.reproDir, plan.scenario, requestFor(plan, g.fastest.seed));
    process.stdout.write(
      flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSweep(summary, plan.threads).join("\n")}\n`,
    );
    const codes = VERDICTS.filter((v) => summary.verdicts[v] > 0).map(exitCodeFor);
    if (interrupts.received() !== null) codes.push(ExitCode.Interrupted);
    if (plan.reproDir !== null) {
      // After a Ctrl-C the repros of the groups found so far are still written (a second Ctrl-C
      // exits at once); without one, a Ctrl-C now stops the recording.
      const stop = interrupts.received() === null ? interrupts.signal : undefined;
      const written = await writeGroupRepros(plan, summary, stop);
      codes.push(written.code);
      if (!flags.json && written.paths.length > 0)
        process.stdout.write(`${renderReproLines(written.paths, plan.force).join("\n")}\n`);
    }
    return worstExit(...codes);
  } finally {
    progress.line.clear();
    interrupts.dispose();
  }
}

async function runSweep(plan: SweepPlan, progress: SweepProgress, interrupts: Interrupts): Promise<SweepSummary> {
  const agg = new SweepAggregator();
  const tally = new CoverageTally();
  const setup: WorkerSetup = {
    scenario: plan.scenario.id,
    base: { overrides: plan.overrides, ...plan.limits, trace: plan.traced, ...(plan.force ? { force: true } : {}) },
    coverage: plan.coverage,
  };
  await runPool({
    threads: plan.threads,
    setup,
    seeds: shardSeeds(plan.range, plan.shard),
    total: plan.total,
    seedTimeoutMs: plan.seedTimeoutMs,
    memoryMb: plan.memoryMb,
    signal: interrupts.signal,
    onOutcome: (o) => {
      agg.add(o);
      if (o.marks !== undefined) tally.add(o.marks);
      progress.update(agg.seedsRun, agg.failed);
    },
  });
  const interrupted = interrupts.received() !== null && agg.seedsRun < plan.total;
  const summary = buildSummary(agg, {
    simctlVersion: SIMCTL_VERSION,
    scenario: plan.scenario.id,
    overrides: plan.overrides,
    limits: plan.limits,
    seeds: plan.range,
    shard: plan.shard,
    wallMs: progress.line.elapsedMs(),
    planned: plan.total,
    interrupted,
    source: sourceIdentity(),
    node: process.version,
  });
  if (plan.coverage) summary.coverage = tally.summary(plan.scenario.marks ?? []);
  return summary;
}
