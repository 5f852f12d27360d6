// A JSONL trace read into the viewer: sends paired with their deliveries and drops by
// digest, drop reasons recovered, roles read from node ids; the same counts as the run.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findScenario, runScenario } from "../../src/scenarios/index.js";
import type { TraceRecord } from "../../src/sim/index.js";
import { importTrace, nodeInfoFromId } from "../../src/view/import-trace.js";
import { decodeRun, encodeRun } from "../../src/view/model/codec.js";

const dir = mkdtempSync(join(tmpdir(), "simctl-view-trace-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run's trace as `run --trace` writes it. */
function traceFile(id: string, seed: number): { path: string; records: TraceRecord[] } {
  const records: TraceRecord[] = [];
  runScenario(findScenario(id)!, { seed, traceListener: (r) => records.push(r) });
  const path = join(dir, `${id.replace("/", "_")}-${seed}.jsonl`);
  const line = (r: TraceRecord): string =>
    JSON.stringify({
      i: r.index,
      t: r.atUs,
      seq: r.seq,
      kind: r.kind,
      node: r.node,
      peer: r.peer,
      type: r.type,
      digest: r.digest,
    });
  writeFileSync(path, `${records.map(line).join("\n")}\n`);
  return { path, records };
}

describe("reading a JSONL trace", () => {
  it("pairs every delivery and drop with its send, and recovers the drop reasons", () => {
    const { path, records } = traceFile("net/partition-heal", 1);
    const run = decodeRun(encodeRun(importTrace(path)));
    const kinds = (k: string): number => records.filter((r) => r.kind === k).length;
    expect(run.header.messageCount).toBe(kinds("send"));
    const outcomes = [...run.copies.outcome].map((o) => run.header.outcomes[o]);
    expect(outcomes.filter((o) => o === "delivered")).toHaveLength(kinds("deliver"));
    expect(outcomes.filter((o) => o === "partition")).toHaveLength(kinds("drop"));
    expect(run.header.payloads).toBe(false);
    expect(run.payload(0)).toBeUndefined();
    expect(run.header.faults.map((f) => f.action)).toEqual(["partition"]);
  });

  it("reads roles and DCs from node ids", () => {
    expect(nodeInfoFromId("dc2-wrk-03")).toMatchObject({ role: "worker", dc: "dc2" });
    expect(nodeInfoFromId("gate-1")).toMatchObject({ role: "gate", dc: null });
    expect(nodeInfoFromId("x")).toMatchObject({ role: "node" });
  });

  it("refuses a file that is not a trace, naming the line", () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"t":0,"kind":"send"}\nnot json\n');
    expect(() => importTrace(bad)).toThrow(/bad\.jsonl:2: not a JSON trace record/);
  });
});
