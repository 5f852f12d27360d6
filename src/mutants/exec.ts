// Runs one child process for the harness (tsc, a sweep, vitest) in its own process group,
// collecting its output. On timeout the whole group is killed (vitest's forks with it), so
// a hanging mutant never leaves processes behind; the harness kills only what it started.

import { spawn } from "node:child_process";

export interface ExecResult {
  /** Exit code; null when killed (timeout or signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  wallMs: number;
}

export interface ExecOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Children running now, so an interrupted harness can stop them. */
const live = new Set<number>();

export function execute(command: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let timedOut = false;
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        wallMs: Date.now() - started,
      });
    });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Kills every child group still running (used when the harness itself is interrupted). */
export function killAllChildren(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}
