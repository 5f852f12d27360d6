// `npm run bench:compare -- --base REV [--rounds N]`: this working tree against another
// revision, on the standard cluster and the network echo. This machine's neighbours move
// single runs by ±20%, so two builds measured one after the other tell little: here they
// run alternately, each sample in a fresh process, and the medians are compared.
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
  const cluster = JSON.parse(run(process.execPath, ["dist/bench/cluster.js", "--warm-runs=3"], dir)) as { cold?: { wallMs: number }; warm?: { wallMs: number }; wallMs?: number };
  const echoScript = `const { networkBenchmarks } = await import(${JSON.stringify(path.join(dir, "dist/bench/network.js"))}); const r = networkBenchmarks(2)[0]; console.log(1e9 / r.deliveredPerSec);`;
  const echo = Number(run(process.execPath, ["--input-type=module", "-e", echoScript], dir).trim());
  return { coldMs: cluster.cold?.wallMs ?? cluster.wallMs ?? NaN, warmMs: cluster.warm?.wallMs ?? null, echoNsPerMsg: echo };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
}

function summary(label: string, samples: Sample[]): { cold: number; warm: number; echo: number } {
  const cold = median(samples.map((s) => s.coldMs));
  const warms = samples.flatMap((s) => (s.warmMs === null ? [] : [s.warmMs]));
  const warm = warms.length === 0 ? NaN : median(warms);
  const echo = median(samples.map((s) => s.echoNsPerMsg));
  process.stdout.write(`${label.padEnd(28)} cluster cold ${cold.toFixed(0).padStart(6)} ms   warm ${Number.isNaN(warm) ? "     -" : warm.toFixed(0).padStart(6)} ms   echo ${echo.toFixed(0).padStart(5)} ns/msg\n`);
  return { cold, warm, echo };
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
      a.push(sample(baseDir));
      b.push(sample(root));
      process.stderr.write(`round ${i + 1}/${rounds} done\n`);
    }
    const sa = summary(`base ${base}`, a);
    const sb = summary("working tree", b);
    const ratio = (x: number, y: number): string => (Number.isNaN(x / y) ? "-" : `${(x / y).toFixed(2)}x`);
    process.stdout.write(`speed-up (base / working tree): cluster cold ${ratio(sa.cold, sb.cold)}   warm ${ratio(sa.warm, sb.warm)}   echo ${ratio(sa.echo, sb.echo)}\n`);
  } finally {
    run("git", ["worktree", "remove", "--force", baseDir], root);
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main();
