// Words for what the pointer found: a one-line summary for the hover tooltip, and the
// side panel's full account for a click — times in virtual µs and formatted, event
// sequence numbers, endpoints, outcome, job, and the payload the run re-execution captured.

import { formatTime } from "../../sim/time.js";
import type { DecodedRun } from "../model/codec.js";
import { FLAG_EXTRA, FLAG_HELD, FLAG_REORDERED, OUTCOME_DELIVERED } from "../model/run-data.js";
import type { Hit } from "./hit.js";

function when(us: number): string {
  return `${formatTime(us)} (${us.toLocaleString("en-US")} µs)`;
}

function outcomeText(run: DecodedRun, i: number): string {
  const o = run.copies.outcome[i]!;
  const name = run.header.outcomes[o] ?? "?";
  if (o === OUTCOME_DELIVERED) return "delivered";
  if (name === "in-flight") return "still in flight when the run ended";
  if (name === "held") return "still held by a clog when the run ended";
  return `dropped: ${name}`;
}

function copyFlags(run: DecodedRun, i: number): string[] {
  const f = run.copies.flags[i]!;
  const out: string[] = [];
  if ((f & FLAG_EXTRA) !== 0) out.push(`extra copy (${run.header.copyKinds[run.copies.kind[i]!] ?? "?"})`);
  if ((f & FLAG_HELD) !== 0) out.push("held by a clog");
  if ((f & FLAG_REORDERED) !== 0) out.push("reordered: overtook an earlier message on its link");
  return out;
}

function jobName(run: DecodedRun, job: number): string | null {
  return job === 0 ? null : (run.header.jobs[job - 1] ?? null);
}

export function summary(run: DecodedRun, hit: Hit): string {
  const h = run.header;
  if (hit.kind === "copy") {
    const m = run.copies.msg[hit.index]!;
    const type = h.types[run.messages.type[m]!];
    return `${type}  ${h.nodes[run.messages.src[m]!]?.id} → ${h.nodes[run.messages.dst[m]!]?.id}  ${outcomeText(run, hit.index)}  @ ${formatTime(run.copies.startUs[hit.index]!)}`;
  }
  if (hit.kind === "emit") {
    const e = run.emits;
    return `${h.nodes[e.node[hit.index]!]?.id}: ${h.emitKinds[e.kind[hit.index]!]} @ ${formatTime(e.atUs[hit.index]!)}`;
  }
  if (hit.kind === "violation") {
    const v = h.violations[hit.index]!;
    return `✗ ${v.check}: ${v.message}`;
  }
  const band = h.faults[hit.index]!;
  return `${band.label} @ ${formatTime(band.fromUs)}${band.toUs === null ? "" : ` – ${formatTime(band.toUs)}`}`;
}

/** Rows of (label, value) for the side panel, and a payload to pretty-print. */
export interface Account {
  title: string;
  rows: [string, string][];
  job: string | null;
  payload: unknown;
}

export function account(run: DecodedRun, hit: Hit): Account {
  const h = run.header;
  if (hit.kind === "copy") {
    const i = hit.index;
    const m = run.copies.msg[i]!;
    const msgs = run.messages;
    const rows: [string, string][] = [
      ["family", h.typeFamilies[msgs.type[m]!] ?? "?"],
      ["from → to", `${h.nodes[msgs.src[m]!]?.id} → ${h.nodes[msgs.dst[m]!]?.id}`],
      ["sent", `${when(msgs.sendUs[m]!)} seq ${msgs.sendSeq[m]}`],
      [
        run.copies.outcome[i] === OUTCOME_DELIVERED ? "delivered" : "ended",
        `${when(run.copies.endUs[i]!)} seq ${run.copies.endSeq[i]}`,
      ],
      ["latency", `${(run.copies.endUs[i]! - run.copies.startUs[i]!).toLocaleString("en-US")} µs`],
      ["outcome", outcomeText(run, i)],
      ...copyFlags(run, i).map((f): [string, string] => ["note", f]),
    ];
    const job = jobName(run, msgs.job[m]!);
    return { title: h.types[msgs.type[m]!] ?? "?", rows, job, payload: run.payload(m) };
  }
  if (hit.kind === "emit") {
    const e = run.emits;
    const i = hit.index;
    const rows: [string, string][] = [
      ["node", h.nodes[e.node[i]!]?.id ?? "?"],
      ["at", `${when(e.atUs[i]!)} seq ${e.seq[i]}`],
    ];
    return { title: `emit ${h.emitKinds[e.kind[i]!]}`, rows, job: jobName(run, e.job[i]!), payload: run.detail(i) };
  }
  if (hit.kind === "violation") {
    const v = h.violations[hit.index]!;
    const rows: [string, string][] = [
      ["check", v.check],
      ["at", `${when(v.atUs)} seq ${v.seq}`],
      ["nodes", v.nodes.map((n) => h.nodes[n]?.id).join(", ") || "(the whole run)"],
    ];
    return { title: `✗ ${v.message}`, rows, job: null, payload: undefined };
  }
  const band = h.faults[hit.index]!;
  const rows: [string, string][] = [
    ["from", when(band.fromUs)],
    ["to", band.toUs === null ? "(an instant)" : when(band.toUs)],
    ["nodes", [...band.a, ...band.b].map((n) => h.nodes[n]?.id).join(", ") || "(every link)"],
  ];
  return { title: band.label, rows, job: null, payload: undefined };
}
