// Instruction counts: a measure of a build's cost that this machine's noise cannot move.
//
// Wall-clock A/B on this VM needs dozens of paired rounds to see a 5% change. A warm
// cluster run is instruction-bound (3.3 G instructions in about 0.6 s, IPC near 2), so
// the number of instructions it executes tracks its speed. Under cachegrind with V8's
// `--predictable` (no concurrent compilation, so the JIT tiers up at the same points) and
// `--predictable-gc-schedule` (heap sizing from allocation, not from timings) two runs of
// one build agree to 0.1%; without the second flag they differed by 2-3%. It counts
// instructions only: a change that trades instructions for cache misses still needs the
// wall-clock compare.

import { spawn } from "node:child_process";
import path from "node:path";

export class InstructionCountError extends Error {}

const VALGRIND_ARGS = [
  "--tool=cachegrind",
  "--cache-sim=no",
  "--smc-check=all-non-file",
  "--cachegrind-out-file=/dev/null",
];

/** Parses cachegrind's "I refs: 12,345" summary line. */
export function parseInstructionRefs(stderr: string): number | null {
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  return match === null ? null : Number(match[1]!.replaceAll(",", ""));
}

/**
 * Instructions executed by `node --predictable --predictable-gc-schedule` running the standard cluster of the
 * build in `dir` (a cold run and one more: interleave.js with one round, no warm-up).
 */
export async function countInstructions(interleaveScript: string, dir: string, untraced: boolean): Promise<number> {
  const args = [interleaveScript, "--rounds=1", "--warm-up=0", ...(untraced ? ["--untraced"] : []), dir];
  return (await countNodeInstructions(args, path.basename(dir))).instructions;
}

/**
 * Instructions executed by `node --predictable --predictable-gc-schedule ...args` under cachegrind, and what the
 * script printed on stdout. `label` names the run in errors.
 */
export function countNodeInstructions(
  args: readonly string[],
  label: string,
): Promise<{ instructions: number; stdout: string }> {
  const argv = [...VALGRIND_ARGS, process.execPath, "--predictable", "--predictable-gc-schedule", ...args];
  return new Promise((resolve, reject) => {
    const child = spawn("valgrind", argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) =>
      reject(
        new InstructionCountError(`cannot run valgrind (${error.message}); --instructions needs valgrind installed`),
      ),
    );
    child.on("close", (code) => {
      const refs = parseInstructionRefs(stderr);
      if (code === 0 && refs !== null) return resolve({ instructions: refs, stdout });
      const last =
        stderr
          .trim()
          .split("\n")
          .filter((l) => !l.startsWith("=="))
          .pop() ?? `exit ${code}`;
      reject(new InstructionCountError(`${label}: the counted run failed: ${last}`));
    });
  });
}

/** Runs the counts two at a time (this machine has two cores), keeping the order of `dirs`. */
export async function countAll(
  interleaveScript: string,
  dirs: readonly string[],
  untraced: boolean,
): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < dirs.length; i += 2) {
    counts.push(
      ...(await Promise.all(dirs.slice(i, i + 2).map((dir) => countInstructions(interleaveScript, dir, untraced)))),
    );
  }
  return counts;
}
