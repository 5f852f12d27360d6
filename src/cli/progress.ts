// The sweep progress bar: seeds done, failures, seeds/s and ETA on one redrawn line of
// stderr, only when stderr is a terminal (never in CI logs or when piped).

import { performance } from "node:perf_hooks";

export class Progress {
  private readonly startMs = performance.now();
  private lastDrawMs = -Infinity;
  private readonly enabled: boolean;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = out.isTTY === true;
  }

  elapsedMs(): number {
    return performance.now() - this.startMs;
  }

  update(done: number, failures: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.lastDrawMs < 100) return;
    this.lastDrawMs = now;
    const secs = (now - this.startMs) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const width = 28;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    this.out.write(
      `\r${bar} ${done}/${this.total} seeds  ${failures} failed  ${rate.toFixed(0)} seeds/s  ETA ${formatEta(eta)}   `,
    );
  }

  finish(): void {
    if (this.enabled) this.out.write("\r\x1b[2K");
  }
}

function formatEta(secs: number): string {
  if (secs < 60) return `${secs.toFixed(0)}s`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m${String(Math.round(secs % 60)).padStart(2, "0")}s`;
  return `${Math.floor(secs / 3600)}h${String(Math.floor((secs % 3600) / 60)).padStart(2, "0")}m`;
}
