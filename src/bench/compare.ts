// `npm run bench:compare -- --base=REV [--processes=P] [--rounds=N] [--untraced]`: this working tree
// against another revision on the standard cluster, with its own noise floor.
//
// This machine moves a build's run time by 10-30% from one minute to the next, so two
// builds measured one after the other tell little, and even medians of alternating fresh
// processes differed by 1.21x between two builds of one commit. Here each process loads
// three builds — REV, the working tree, and a copy of the working tree — and interleaves
// their runs (dist/bench/interleave.js). A round's runs are a second apart and share the
// machine's mood, so their ratio is the measurement: the speed-up is the median over all
// rounds of base / working tree, and the same statistic for copy / working tree is the
// A/A control, the spread two identical builds show. A speed-up inside it is noise.
//
// REV is built in a temporary git worktree (sharing this checkout's node_modules) and
// removed afterwards, like the copy.
//
// `--instructions` counts instructions instead (instructions.ts: cachegrind, V8
// --predictable --predictable-gc-schedule): minutes rather than seconds, but a 1% change
// shows. --processes and --rounds do not apply to it.

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { InterleaveResult } from "./interleave.js";
import { countAll, InstructionCountError } from "./instructions.js";

const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function buildRevision(rev: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "simctl-compare-"));
  try {
    run("git", ["worktree", "add", "--detach", dir, rev], root);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  try {
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], dir);
  } catch (error) {
    removeWorktree(dir);
    throw error;
  }
  return dir;
}

function removeWorktree(dir: string): void {
  run("git", ["worktree", "remove", "--force", dir], root);
  rmSync(dir, { recursive: true, force: true });
}

/** A second, independent copy of the working tree's build: the A/A control. */
function copyOfWorkingTree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "simctl-compare-aa-"));
  cpSync(path.join(root, "dist"), path.join(dir, "dist"), { recursive: true });
  cpSync(path.join(root, "package.json"), path.join(dir, "package.json"));
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.round(q * (sorted.length - 1))]!;
}

interface Estimate {
  median: number;
  /** A ~95% confidence interval for the median, from order statistics (no distribution assumed). */
  low: number;
  high: number;
}

function estimate(values: readonly number[]): Estimate {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const reach = 0.98 * Math.sqrt(n);
  const at = (rank: number): number => sorted[Math.min(n - 1, Math.max(0, rank))]!;
  return { median: quantile(sorted, 0.5), low: at(Math.floor(n / 2 - reach)), high: at(Math.ceil(n / 2 + reach) - 1) };
}

const x = (v: number): string => `${v.toFixed(2)}x`;
const ms = (v: number): string => `${v.toFixed(0).padStart(5)} ms`;

/** Prints each build's instruction count and the ratios to the working tree's. */
async function compareInstructions(base: string, dirs: string[], untraced: boolean): Promise<void> {
  process.stderr.write("counting instructions under cachegrind (a few minutes)\n");
  const [baseCount, working, copy] = await countAll(path.join(root, "dist/bench/interleave.js"), dirs, untraced);
  const g = (n: number): string => `${(n / 1e9).toFixed(3)} G`;
  process.stdout.write(
    `instructions, cold run + one more${untraced ? ", untraced" : ""}: base ${base} ${g(baseCount!)}   working tree ${g(working!)}   copy ${g(copy!)}\n`,
  );
  process.stdout.write(
    `base / working tree ${(baseCount! / working!).toFixed(4)}   A/A control (copy / working tree) ${(copy! / working!).toFixed(4)}\n`,
  );
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const base = arg("base");
  const processes = Number(arg("processes") ?? 3);
  const rounds = Number(arg("rounds") ?? 8);
  if (base === undefined || !Number.isInteger(processes) || processes < 1 || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write(
      "usage: npm run bench:compare -- --base=REV [--processes=P] [--rounds=N] [--untraced] [--instructions]\n",
    );
    process.exit(2);
  }
  let baseDir: string;
  try {
    baseDir = buildRevision(base);
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    process.stderr.write(
      `bench:compare: cannot build "${base}": ${
        String(stderr ?? error)
          .trim()
          .split("\n")[0]
      }\n`,
    );
    process.exit(2);
  }
  const copyDir = copyOfWorkingTree();
  const untracedFlag = process.argv.includes("--untraced");
  try {
    if (process.argv.includes("--instructions")) {
      try {
        await compareInstructions(base, [baseDir, root, copyDir], untracedFlag);
      } catch (error) {
        if (!(error instanceof InstructionCountError)) throw error;
        process.stderr.write(`bench:compare: ${error.message}\n`);
        process.exitCode = 2;
      }
      return;
    }
    const results: InterleaveResult[] = [];
    for (let p = 0; p < processes; p++) {
      const untraced = untracedFlag ? ["--untraced"] : [];
      let out: string;
      try {
        out = run(
          process.execPath,
          [path.join(root, "dist/bench/interleave.js"), `--rounds=${rounds}`, ...untraced, baseDir, root, copyDir],
          root,
        );
      } catch (error) {
        // interleave says what went wrong in one line (a build too old, a failing run).
        const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim();
        process.stderr.write(`bench:compare: ${stderr.split("\n").pop()}\n`);
        process.exitCode = 2;
        return;
      }
      results.push(JSON.parse(out) as InterleaveResult);
      process.stderr.write(`process ${p + 1}/${processes} done\n`);
    }
    const labels = [`base ${base}`, "working tree", "copy of the working tree"];
    labels.forEach((label, i) => {
      const cold = quantile(
        results.map((r) => r.builds[i]!.coldMs),
        0.5,
      );
      const warm = quantile(
        results.flatMap((r) => r.builds[i]!.roundMs),
        0.5,
      );
      process.stdout.write(
        `${label.padEnd(26)} cold ${ms(cold)}   warm ${ms(warm)}   trace ${results[0]!.builds[i]!.traceHash}\n`,
      );
    });
    // Ratios of runs in the same round (same process, a second apart), pooled over processes.
    const paired = (i: number): number[] =>
      results.flatMap((r) => r.builds[i]!.roundMs.map((t, k) => t / r.builds[1]!.roundMs[k]!));
    const speedUp = estimate(paired(0));
    const aa = estimate(paired(2));
    const coldRatio = quantile(
      results.map((r) => r.builds[0]!.coldMs / r.builds[1]!.coldMs),
      0.5,
    );
    process.stdout.write(
      `speed-up (base / working tree), ${processes * rounds} paired rounds: warm ${x(speedUp.median)} (95% ${x(speedUp.low)}-${x(speedUp.high)})   cold ${x(coldRatio)}\n`,
    );
    process.stdout.write(`A/A control (copy / working tree): warm ${x(aa.median)} (95% ${x(aa.low)}-${x(aa.high)})\n`);
    const clear = speedUp.low > aa.high || speedUp.high < aa.low;
    process.stdout.write(
      clear
        ? "the two intervals do not overlap: a real difference\n"
        : "the intervals overlap: no difference beyond this machine's noise\n",
    );
  } finally {
    removeWorktree(baseDir);
    rmSync(copyDir, { recursive: true, force: true });
  }
}

void main();
