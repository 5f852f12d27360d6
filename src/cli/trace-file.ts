// `run --trace FILE`: every trace record as one JSON line, streamed in 64 KiB chunks so
// memory stays flat however long the run, then one closing line:
//
//   {"end":true,"records":N,"traceHash":"…","verdict":"pass","events":E,"virtualTimeUs":T}
//   {"interrupted":true,"signal":"SIGINT","afterEvents":E,"atUs":T}   (Ctrl-C, SIGTERM)
//
// A regular file is written under a temporary name beside it and renamed once complete,
// so FILE never holds half a trace; a pipe or device (/dev/stdout) is written in place.
// A write error stops the tracing, not the run: the run's verdict is still reported and
// the error follows as one line (exit 74). Real I/O lives here in the CLI, never in src/sim.

import { appendFileSync, closeSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { TraceListener } from "../sim/index.js";
import { fileReason } from "./files.js";

/** Where the records go: a temporary sibling (renamed at the end) or the path itself. */
export interface TracePlan {
  path: string;
  writePath: string;
  rename: boolean;
}

export function planTraceFile(path: string): TracePlan {
  let special = false;
  try {
    const st = statSync(path);
    special = !st.isFile() && !st.isDirectory();
  } catch {
    special = false;
  }
  if (special) return { path, writePath: path, rename: false };
  return { path, writePath: join(dirname(path), `.${basename(path)}.${process.pid}.tmp`), rename: true };
}

export interface TraceEnd {
  traceHash: string;
  verdict: string;
  events: number;
  virtualTimeUs: number;
}

export class JsonlTraceFile {
  private fd: number | null;
  private chunk: string[] = [];
  private size = 0;
  written = 0;
  /** The first write error, in words; tracing stops there. */
  error: string | null = null;

  constructor(readonly writePath: string) {
    try {
      this.fd = openSync(writePath, "w");
    } catch (error) {
      this.fd = null;
      this.error = fileReason(error) ?? String(error);
    }
  }

  readonly listener: TraceListener = (r) => {
    if (this.fd === null) return;
    const line = `{"i":${r.index},"t":${r.atUs},"seq":${r.seq},"kind":${JSON.stringify(r.kind)},"node":${JSON.stringify(r.node)},"peer":${JSON.stringify(r.peer)},"type":${JSON.stringify(r.type)},"digest":${r.digest}}\n`;
    this.chunk.push(line);
    this.size += line.length;
    this.written++;
    if (this.size >= 65536) this.flush();
  };

  flush(): void {
    if (this.chunk.length === 0 || this.fd === null) return;
    const text = this.chunk.join("");
    this.chunk = [];
    this.size = 0;
    try {
      writeSync(this.fd, text);
    } catch (error) {
      this.error = fileReason(error) ?? String(error);
      this.closeQuietly();
    }
  }

  /** Writes the closing record and closes the file. */
  end(info: TraceEnd): void {
    this.flush();
    if (this.fd === null) return;
    try {
      writeSync(this.fd, `${JSON.stringify({ end: true, records: this.written, ...info })}\n`);
    } catch (error) {
      this.error = fileReason(error) ?? String(error);
    }
    this.closeQuietly();
  }

  private closeQuietly(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closing after a failed write can fail again; the error is already recorded.
    }
    this.fd = null;
  }
}

/** After an interrupt killed the writer: the clear closing line, appended to what was written. */
export function appendInterrupted(writePath: string, info: { signal: string; events: number; atUs: number }): void {
  appendFileSync(
    writePath,
    `${JSON.stringify({ interrupted: true, signal: info.signal, afterEvents: info.events, atUs: info.atUs })}\n`,
  );
}

/** Puts a finished trace in place (rename), or removes it when it must not be left. */
export function settleTraceFile(plan: TracePlan, keep: boolean): void {
  if (!plan.rename) return;
  if (keep) renameSync(plan.writePath, plan.path);
  else rmSync(plan.writePath, { force: true });
}
