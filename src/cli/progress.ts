// Progress on stderr, only when stderr is a terminal (never in CI logs or when piped;
// `--json` on stdout does not matter). One line, redrawn in place: a carriage return, the
// text cut to the terminal's width minus one column (so the terminal never wraps it and
// every redraw stays on the same line), then erase-to-end-of-line. ASCII only, so no
// East-Asian-width character can make it wider than counted. SIMCTL_PROGRESS=0 turns it
// off on a terminal; SIMCTL_PROGRESS=1 turns it on elsewhere, as plain lines once a second
// (for a CI log that should show a long sweep moving).
//
//   [########..........] 1234/3000 seeds  2 failed  41.7 seeds/s  ETA 42s
//   run cluster/chaos  virtual 00:01:02.100000  1,234,567 events  812k events/s

import { performance } from "node:perf_hooks";
import { formatTime } from "../sim/index.js";
import { terminalColumns } from "./terminal.js";

const REDRAW_MS = 100;
const LOG_LINE_MS = 1_000;

type Mode = "terminal" | "lines" | "off";

function progressMode(out: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Mode {
  const wanted = env["SIMCTL_PROGRESS"];
  if (wanted === "0") return "off";
  if (terminalColumns(out) !== null) return "terminal";
  return wanted === "1" ? "lines" : "off";
}

/** One redrawn line on a terminal stream; silent on anything else (see the header). */
export class StatusLine {
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private shown = false;
  private readonly mode: Mode;
  readonly startMs = performance.now();

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.mode = progressMode(out, env);
  }

  get enabled(): boolean {
    return this.mode !== "off";
  }

  /** The width a line may use (80 when writing plain lines). */
  columns(): number {
    return terminalColumns(this.out) ?? 80;
  }

  elapsedMs(): number {
    return performance.now() - this.startMs;
  }

  /** Draws `text` (throttled unless `force`), cut to the width. */
  draw(text: string, force = false): void {
    if (this.mode === "off") return;
    const now = performance.now();
    if (!force && now - this.lastDrawMs < (this.mode === "terminal" ? REDRAW_MS : LOG_LINE_MS)) return;
    this.lastDrawMs = now;
    if (this.mode === "lines") {
      this.out.write(`${text}\n`);
      return;
    }
    this.out.write(`\r${fitLine(text, this.columns())}\x1b[K`);
    this.shown = true;
  }

  /** Erases the line, so what is printed next starts on a clean line. */
  clear(): void {
    if (!this.shown || this.mode !== "terminal") return;
    this.out.write("\r\x1b[K");
    this.shown = false;
  }
}

/** `text` cut to `columns - 1` characters (the last column would make some terminals wrap). */
export function fitLine(text: string, columns: number): string {
  const room = Math.max(1, columns - 1);
  return text.length <= room ? text : text.slice(0, room);
}

/** `45s`, `2m05s`, `1h02m`: whole seconds, rounded once, so 119.6 s is 2m00s and never 1m60s. */
export function formatEta(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return "--";
  const total = Math.round(secs);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The sweep's line; the bar shrinks first, then goes, when the terminal is narrow. */
export function sweepLine(p: { done: number; total: number; failed: number; elapsedMs: number }, columns = 80): string {
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? p.done / secs : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : Number.NaN;
  const facts = `${p.done}/${p.total} seeds  ${p.failed} failed  ${rate.toFixed(1)} seeds/s  ETA ${formatEta(eta)}`;
  const room = columns - 1 - facts.length - 3;
  if (room < 5) return facts;
  const width = Math.min(30, room);
  const filled = Math.min(width, Math.floor((p.done / Math.max(1, p.total)) * width));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${facts}`;
}

export class SweepProgress {
  readonly line: StatusLine;

  constructor(
    private readonly total: number,
    out: NodeJS.WriteStream = process.stderr,
  ) {
    this.line = new StatusLine(out);
  }

  update(done: number, failed: number, force = false): void {
    if (!this.line.enabled) return;
    const columns = this.line.columns();
    this.line.draw(sweepLine({ done, total: this.total, failed, elapsedMs: this.line.elapsedMs() }, columns), force);
  }
}

/** A long single run's line: shown after the first second, with virtual time and events/s. */
export function runLine(p: { scenario: string; events: number; virtualTimeUs: number; elapsedMs: number }): string {
  const rate = p.elapsedMs > 0 ? (p.events / p.elapsedMs) * 1000 : 0;
  return `run ${p.scenario}  virtual ${formatTime(p.virtualTimeUs)}  ${p.events.toLocaleString("en-US")} events  ${compact(rate)} events/s`;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return n.toFixed(0);
}
