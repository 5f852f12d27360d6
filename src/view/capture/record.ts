// Re-executes a run with the viewer's recorder attached and packs what it saw for the
// encoder: the run's own result (same trace hash as without the recorder), plus the
// columns, the header and the payload stores. Marks reordered copies once the run is over.

import { runScenario, type RunRequest, type RunResult, type ScenarioDef } from "../../scenarios/index.js";
import type { EncodeInput } from "../model/codec.js";
import {
  FLAG_REORDERED,
  OUTCOME_DELIVERED,
  VIEW_FORMAT,
  type RunHeader,
  type ViolationMark,
} from "../model/run-data.js";
import { FaultBandBuilder } from "./fault-bands.js";
import { familyOf } from "./families.js";
import { RunRecorder } from "./recorder.js";

export interface RecordedRun {
  result: RunResult;
  input: EncodeInput;
}

export class NoNetworkError extends Error {
  override readonly name = "NoNetworkError";
}

/** Runs `request` with a recorder attached. `command` reruns it (shown on the page). */
export function recordRun(scenario: ScenarioDef, request: RunRequest, command: string): RecordedRun {
  const recorder = new RunRecorder();
  const result = runScenario(scenario, { ...request, trace: true, tap: recorder });
  if (recorder.topology === null)
    throw new NoNetworkError(
      `scenario ${scenario.id} has no simulated network: there are no nodes or messages to draw`,
    );
  return { result, input: packRecording(recorder, result, { title: scenario.title, command }) };
}

export function packRecording(
  r: RunRecorder,
  result: RunResult,
  meta: { title: string; command: string },
): EncodeInput {
  const endUs = result.virtualTimeUs;
  settleUnfinished(r, endUs);
  markReordered(r);
  const bands = new FaultBandBuilder(r.topology!, (id) => r.nodeIndex.get(id) ?? -1);
  for (const f of r.faults) bands.add(f);
  const header: RunHeader = {
    format: VIEW_FORMAT,
    source: "run",
    scenario: result.scenario,
    title: meta.title,
    seed: result.seed,
    verdict: result.verdict,
    traceHash: result.traceHash,
    events: result.events,
    endUs,
    options: { ...result.options },
    command: meta.command,
    nodes: r.nodes,
    types: r.types.names,
    typeFamilies: r.types.names.map(familyOf),
    outcomes: r.outcomes.names,
    copyKinds: r.copyKinds.names,
    jobs: r.jobs.names,
    emitKinds: r.emitKinds.names,
    states: r.states,
    faults: bands.finish(r.healAllUs, endUs),
    violations: result.violations.map((v) => violationMark(v, r.nodeIndex)),
    healAllUs: r.healAllUs,
    messageCount: r.m.sendUs.length,
    copyCount: r.c.msg.length,
    emitCount: r.e.atUs.length,
    payloads: true,
  };
  return { header, messages: r.m, copies: r.c, emits: r.e, payloads: r.payloads, details: r.details };
}

/** Copies still in flight or held when the run stopped end with the run. */
function settleUnfinished(r: RunRecorder, endUs: number): void {
  const c = r.c;
  for (let i = 0; i < c.msg.length; i++) {
    if (c.endUs[i]! >= 0) continue;
    c.endUs[i] = endUs;
    c.endSeq[i] = r.m.sendSeq[c.msg[i]!]!;
  }
}

/**
 * Flags each delivered copy that overtook a copy sent earlier on the same link (arrived
 * before it). Copies are visited in the order they entered the network.
 */
function markReordered(r: RunRecorder): void {
  const c = r.c;
  const order = Array.from({ length: c.msg.length }, (_, i) => i);
  order.sort((x, y) => c.startUs[x]! - c.startUs[y]! || x - y);
  const latest = new Map<number, number>();
  const n = r.nodes.length;
  for (const i of order) {
    if (c.outcome[i] !== OUTCOME_DELIVERED) continue;
    const m = c.msg[i]!;
    const link = r.m.src[m]! * n + r.m.dst[m]!;
    const seen = latest.get(link) ?? -1;
    if (c.endUs[i]! < seen) c.flags[i]! |= FLAG_REORDERED;
    else latest.set(link, c.endUs[i]!);
  }
}

/** A violation with the nodes it names as lane indices (a process name `node/what` counts as its node). */
function violationMark(
  v: { check: string; message: string; atUs: number; seq: number; nodes: string[] },
  nodeIndex: ReadonlyMap<string, number>,
): ViolationMark {
  const nodes = new Set<number>();
  for (const name of v.nodes) {
    const index = nodeIndex.get(name) ?? nodeIndex.get(name.split("/")[0] ?? "");
    if (index !== undefined) nodes.add(index);
  }
  return { check: v.check, message: v.message, atUs: v.atUs, seq: v.seq, nodes: [...nodes] };
}
