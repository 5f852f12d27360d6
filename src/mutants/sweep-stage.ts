// The sweep stage: the default property sweep (`simctl sweep cluster/chaos --seeds 1..N
// --swarm -j J`) run in the scratch copy against one mutant. The seeds go in ascending
// chunks (1..10, 11..50, 51..200, 201..N) and the stage stops at the first chunk with a
// failure: every lower seed has run by then, so "killed" and the first failing seed are
// exactly what the whole sweep would report, at a fraction of the cost for a mutant the
// sweep catches early (and a mutant that makes every seed hang costs one small chunk).
// A seed past its wall-clock limit is a failure of the sweep's own: killed by a hang.
// simctl exits with the most serious verdict among its seeds (README, exit codes): 1 a
// failed check, 3 liveness (a hang included), 70 a seed whose run threw. Each of those is
// a kill the summary describes; any other code, or no summary, is the harness's problem.

import path from "node:path";
import { execute } from "./exec.js";

export interface SweepOptions {
  scenario: string;
  seeds: number;
  jobs: number;
  /** Wall-clock limit per seed, in simctl's duration syntax (e.g. 20s). */
  seedTimeout: string;
}

export interface SweepVerdict {
  killed: boolean;
  /** The lowest failing seed, or null when none failed. */
  firstSeed: number | null;
  /** The violated check (or the verdict) and message of that seed's group. */
  check: string;
  message: string;
  /** The first failing seed ran past its wall-clock limit. */
  hang: boolean;
  seedsRun: number;
}

/** The ascending seed chunks of a sweep over 1..n. */
export function sweepChunks(n: number): [number, number][] {
  const chunks: [number, number][] = [];
  let first = 1;
  for (const last of [10, 50, 200, n]) {
    if (first > n) break;
    const end = Math.min(last, n);
    if (end < first) continue;
    chunks.push([first, end]);
    first = end + 1;
  }
  return chunks;
}

/** The part of a `simctl sweep --json` summary this stage reads. */
interface SummaryJson {
  seedsRun: number;
  failed: number;
  groups: {
    check: string;
    message?: string;
    template?: string;
    seeds: number[];
    fastest: { message: string; verdict?: string };
  }[];
}

/** Exit codes of a sweep that ran and summarised its seeds (src/cli/exit-codes.ts). */
const SWEEP_RAN = new Set([0, 1, 3, 70]);

/** Reads a sweep summary: whether it failed, and the lowest failing seed's group. */
export function readSweepSummary(summary: SummaryJson): SweepVerdict {
  let best: { seed: number; check: string; message: string; hang: boolean } | null = null;
  for (const g of summary.groups) {
    const seed = Math.min(...g.seeds);
    // A seed past its limit is the "hang" verdict; older sweeps reported it as an exception.
    const hang =
      g.check === "hang" ||
      g.fastest.verdict === "hang" ||
      (g.check === "exception" && /wall-clock limit/.test(g.fastest.message));
    if (best === null || seed < best.seed) best = { seed, check: g.check, message: g.fastest.message, hang };
  }
  const killed = summary.failed > 0;
  return {
    killed,
    firstSeed: killed && best !== null ? best.seed : null,
    check: best?.check ?? "",
    message: best?.message ?? "",
    hang: best?.hang ?? false,
    seedsRun: summary.seedsRun,
  };
}

/** Runs the sweep in `dir` until a chunk fails; throws when the CLI itself breaks. */
export async function runSweepStage(dir: string, o: SweepOptions): Promise<SweepVerdict> {
  let seedsRun = 0;
  for (const [first, last] of sweepChunks(o.seeds)) {
    const args = [
      path.join(dir, "bin", "simctl.js"),
      "sweep",
      o.scenario,
      "--seeds",
      `${first}..${last}`,
      "--swarm",
      "-j",
      String(o.jobs),
      "--json",
      "--no-repro",
      "--seed-timeout",
      o.seedTimeout,
    ];
    // The per-seed limit bounds every seed; this only catches a CLI that never exits.
    const r = await execute(process.execPath, args, { cwd: dir, timeoutMs: 60 * 60_000 });
    const summary = r.code !== null && SWEEP_RAN.has(r.code) ? parseSummary(r.stdout) : null;
    if (summary === null)
      throw new Error(`sweep ${first}..${last} exited ${r.code ?? "by signal"}: ${r.stderr.trim().slice(-2000)}`);
    const verdict = readSweepSummary(summary);
    seedsRun += verdict.seedsRun;
    if (verdict.killed) return { ...verdict, seedsRun };
  }
  return { killed: false, firstSeed: null, check: "", message: "", hang: false, seedsRun };
}

/** The sweep's JSON summary, or null when stdout holds none (simctl itself broke). */
function parseSummary(stdout: string): SummaryJson | null {
  try {
    const s = JSON.parse(stdout) as Partial<SummaryJson>;
    return typeof s.seedsRun === "number" && typeof s.failed === "number" && Array.isArray(s.groups)
      ? (s as SummaryJson)
      : null;
  } catch {
    return null;
  }
}
