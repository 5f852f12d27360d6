// `node dist/bench/interleave.js --rounds=N --warm-up=W [--untraced] BUILD...`: the standard cluster
// of several builds in ONE process, their runs interleaved. Each BUILD is a directory
// holding a compiled simctl (`dist/`); each is imported as its own module graph, so no
// build shares compiled code with another.
//
// Why one process: on this machine a build's run time drifts by 10-30% from one minute
// to the next (memory-bound work; a register-only loop stays within 1%). Runs of two
// builds a few hundred milliseconds apart see the same drift, so the ratio of a round's
// two runs is far steadier than either figure. bench:compare reads this output.
//
// Prints one JSON object: per build, its cold run (the first in the process) and the
// wall time of its run in each round, and the trace hash all its runs gave.

import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { UNTRACED } from "../sim/index.js";

export interface InterleaveResult {
  builds: { dir: string; coldMs: number; roundMs: number[]; traceHash: string }[];
}

interface Build {
  dir: string;
  runOnce: () => string;
}

async function load(dir: string, trace: boolean): Promise<Build> {
  const url = (file: string): string => pathToFileURL(path.join(dir, "dist", file)).href;
  if (!existsSync(path.join(dir, "dist", "bench", "cluster.js")))
    throw new Error(
      `${dir}: has no dist/bench/cluster.js (a revision older than the standard-cluster bench cannot be compared)`,
    );
  const bench = (await import(url("bench/cluster.js"))) as { standardCluster?: unknown };
  const runner = (await import(url("scenarios/index.js"))) as {
    runScenario: (s: unknown, r: object) => { traceHash: string; verdict: string; events: number };
  };
  if (bench.standardCluster === undefined)
    throw new Error(`${dir}: its dist/bench/cluster.js does not export standardCluster (too old to compare)`);
  return {
    dir,
    runOnce: () => {
      const r = runner.runScenario(bench.standardCluster, { seed: 1, overrides: {}, maxEvents: 500_000_000, trace });
      if (r.verdict !== "pass") throw new Error(`${dir}: the standard cluster did not pass (${r.verdict})`);
      // Untraced, a build has no hash: its events stand in (a build too old to run untraced shows a hash).
      return r.traceHash === UNTRACED ? `${UNTRACED}, ${r.events} events` : r.traceHash;
    },
  };
}

function timed(build: Build): { ms: number; hash: string } {
  const start = performance.now();
  const hash = build.runOnce();
  return { ms: performance.now() - start, hash };
}

export async function interleave(
  dirs: readonly string[],
  rounds: number,
  warmUp: number,
  trace = true,
): Promise<InterleaveResult> {
  const builds: Build[] = [];
  for (const dir of dirs) builds.push(await load(dir, trace));
  const hashes = builds.map(() => new Set<string>());
  const cold = builds.map((b, i) => {
    const t = timed(b);
    hashes[i]!.add(t.hash);
    return t.ms;
  });
  for (let w = 0; w < warmUp; w++)
    builds.forEach((b, i) => {
      hashes[i]!.add(timed(b).hash);
    });
  const walls = builds.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    // Each build takes each position in turn (a build run right after another may inherit its garbage).
    for (let k = 0; k < builds.length; k++) {
      const i = (r + k) % builds.length;
      const t = timed(builds[i]!);
      hashes[i]!.add(t.hash);
      walls[i]!.push(t.ms);
    }
  }
  return {
    builds: builds.map((b, i) => {
      if (hashes[i]!.size !== 1)
        throw new Error(`${b.dir}: runs of one seed gave different trace hashes: ${[...hashes[i]!].join(", ")}`);
      return { dir: b.dir, coldMs: cold[i]!, roundMs: walls[i]!, traceHash: [...hashes[i]!][0]! };
    }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const dirs = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const rounds = Number(arg("rounds") ?? 8);
  const warmUp = Number(arg("warm-up") ?? 3);
  if (dirs.length === 0 || !Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(warmUp) || warmUp < 0) {
    process.stderr.write("usage: node dist/bench/interleave.js [--rounds=N] [--warm-up=N] [--untraced] BUILD_DIR...\n");
    process.exit(2);
  }
  try {
    process.stdout.write(
      `${JSON.stringify(await interleave(dirs, rounds, warmUp, !process.argv.includes("--untraced")))}\n`,
    );
  } catch (error) {
    process.stderr.write(`interleave: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
