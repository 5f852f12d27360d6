// The repro files of a sweep: one per failure group, for its fastest seed, rerun traced
// on a guarded worker thread under the sweep's own wall-clock and memory limits (so a
// hung seed is recorded as a hang, not rerun unguarded). Runs after the summary is
// printed; the paths were planned before it. A second Ctrl-C still stops at once.

import type { SweepSummary } from "../repro/sweep-summary.js";
import { ExitCode, FileError, worstExit } from "./exit-codes.js";
import { StatusLine } from "./progress.js";
import { captureRepro, writeRepro } from "./repro-output.js";
import { requestFor, type SweepPlan } from "./sweep-plan.js";

export interface WrittenRepros {
  paths: string[];
  code: ExitCode;
}

export async function writeGroupRepros(
  plan: SweepPlan,
  summary: SweepSummary,
  signal: AbortSignal | undefined,
): Promise<WrittenRepros> {
  const paths: string[] = [];
  const codes: ExitCode[] = [];
  const status = new StatusLine();
  try {
    for (const [i, group] of summary.groups.entries()) {
      if (group.repro === null) continue;
      status.draw(`recording repro ${i + 1}/${summary.groups.length}: seed ${group.fastest.seed}`, true);
      // A seed that left no run (an exception, a hang, out of memory) has nothing to compare the rerun with.
      const original = group.fastest.traceHash === "" ? null : group.fastest;
      let captured: Awaited<ReturnType<typeof captureRepro>>;
      try {
        captured = await captureRepro(plan.scenario, requestFor(plan, group.fastest.seed), "sweep", original, {
          timeoutMs: plan.seedTimeoutMs,
          memoryMb: plan.memoryMb,
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        captured = { kind: "crashed", message: error instanceof Error ? error.message : String(error) };
      }
      status.clear();
      if (captured.kind === "interrupted") return { paths, code: worstExit(...codes, ExitCode.Interrupted) };
      if (captured.kind === "crashed") {
        process.stderr.write(`simctl: note: no repro for seed ${group.fastest.seed}: ${captured.message}\n`);
        codes.push(group.check === "exception" ? ExitCode.Pass : ExitCode.Internal);
        continue;
      }
      try {
        writeRepro(group.repro, captured.repro);
      } catch (error) {
        if (!(error instanceof FileError)) throw error;
        process.stderr.write(`simctl: error: ${error.message}\n`);
        return { paths, code: worstExit(...codes, error.exitCode) };
      }
      paths.push(group.repro);
      if (!captured.sameRun) {
        process.stderr.write(
          `simctl: warning: seed ${group.fastest.seed} ran differently rerun alone than in its sweep worker: state leaks between runs (try simctl check)\n`,
        );
        codes.push(ExitCode.Determinism);
      }
    }
  } finally {
    status.clear();
  }
  return { paths, code: worstExit(...codes) };
}
