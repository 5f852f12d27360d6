// Streams trace records to a JSONL file in 64 KiB chunks, so memory stays flat however
// long the run. Real I/O lives here in the CLI, never in src/sim.

import { closeSync, openSync, writeSync } from "node:fs";
import type { TraceListener } from "../sim/index.js";

export class JsonlTraceFile {
  private readonly fd: number;
  private chunk: string[] = [];
  private size = 0;
  written = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  readonly listener: TraceListener = (r) => {
    const line = `{"i":${r.index},"t":${r.atUs},"seq":${r.seq},"kind":${JSON.stringify(r.kind)},"node":${JSON.stringify(r.node)},"peer":${JSON.stringify(r.peer)},"type":${JSON.stringify(r.type)},"digest":${r.digest}}\n`;
    this.chunk.push(line);
    this.size += line.length;
    this.written++;
    if (this.size >= 65536) this.flush();
  };

  flush(): void {
    if (this.chunk.length === 0) return;
    writeSync(this.fd, this.chunk.join(""));
    this.chunk = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
