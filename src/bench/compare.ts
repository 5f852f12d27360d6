// `npm run bench:compare -- --base REV [--rounds N]`: this working tree against another
// revision, on the standard cluster and the network echo. This machine's neighbours move
// single runs by ±20%, so two builds measured one after the other tell little: here they
// run alternately, each sample in a fresh process, and the medians are compared. Besides
// the median warm run, each process's fastest warm run is kept: interference only ever
// adds time, so the median of those bests moves least between two runs of one build.
//
// REV is built in a temporary git worktree (sharing this checkout's node_modules) and
// removed afterwards. Revisions whose cluster bench predates the cold/warm split report
// their single (cold) run only.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

interface Sample {
  coldMs: number;
  warmMs: number | null;
  /** The process's fastest warm run: the least disturbed by the neighbours. */
  bestWarmMs: number | null;
  echoNsPerMsg: number;
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function buildRevision(rev: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "simctl-compare-"));
  run("git", ["worktree", "add", "--detach", dir, rev], root);
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], dir);
  return dir;
}

function sample(dir: string): Sample {
  const cluster = JSON.parse(run(process.execPath, ["dist/bench/cluster.js", "--warm-runs=5"], dir)) as { cold?: { wallMs: number }; warm?: { wallMs: number; bestWallMs: number }; wallMs?: number };
  const echoScript = `const { networkBenchmarks } = await import(${JSON.stringify(path.join(dir, "dist/bench/network.js"))}); const r = networkBenchmarks(2)[0]; console.log(1e9 / r.deliveredPerSec);`;
  const echo = Number(run(process.execPath, ["--input-type=module", "-e", echoScript], dir).trim());
  return { coldMs: cluster.cold?.wallMs ?? cluster.wallMs ?? NaN, warmMs: cluster.warm?.wallMs ?? null, bestWarmMs: cluster.warm?.bestWallMs ?? null, echoNsPerMsg: echo };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
}

function medianOf(values: (number | null)[]): number {
  const known = values.flatMap((v) => (v === null ? [] : [v]));
  return known.length === 0 ? NaN : median(known);
}

function ms(value: number): string {
  return Number.isNaN(value) ? "     -" : value.toFixed(0).padStart(6);
}

function summary(label: string, samples: Sample[]): { cold: number; warm: number; best: number; echo: number } {
  const cold = median(samples.map((s) => s.coldMs));
  const warm = medianOf(samples.map((s) => s.warmMs));
  const best = medianOf(samples.map((s) => s.bestWarmMs));
  const echo = median(samples.map((s) => s.echoNsPerMsg));
  process.stdout.write(`${label.padEnd(28)} cluster cold ${ms(cold)} ms   warm ${ms(warm)} ms   best warm ${ms(best)} ms   echo ${echo.toFixed(0).padStart(5)} ns/msg\n`);
  return { cold, warm, best, echo };
}

function main(): void {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const base = arg("base");
  if (base === undefined) {
    process.stderr.write("usage: npm run bench:compare -- --base=REV [--rounds=N]\n");
    process.exit(2);
  }
  const rounds = Number(arg("rounds") ?? 4);
  const baseDir = buildRevision(base);
  try {
    const a: Sample[] = [];
    const b: Sample[] = [];
    for (let i = 0; i < rounds; i++) {
      // ABBA order, so a slow drift of the machine weighs on both sides alike.
      if (i % 2 === 0) {
        a.push(sample(baseDir));
        b.push(sample(root));
      } else {
        b.push(sample(root));
        a.push(sample(baseDir));
      }
      process.stderr.write(`round ${i + 1}/${rounds} done\n`);
    }
    const sa = summary(`base ${base}`, a);
    const sb = summary("working tree", b);
    const ratio = (x: number, y: number): string => (Number.isNaN(x / y) ? "-" : `${(x / y).toFixed(2)}x`);
    process.stdout.write(`speed-up (base / working tree): cluster cold ${ratio(sa.cold, sb.cold)}   warm ${ratio(sa.warm, sb.warm)}   best warm ${ratio(sa.best, sb.best)}   echo ${ratio(sa.echo, sb.echo)}\n`);
  } finally {
    run("git", ["worktree", "remove", "--force", baseDir], root);
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main();
