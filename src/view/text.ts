// The terminal's view of a run: one line per event, in time order, like TigerBeetle's
// one-line-per-event status. For `--job J` the events are that job's whole life: every
// message about it (with its fate) and every observation that names it, across gates,
// managers and workers. Reads the decoded run, so it shows exactly what the page shows.

import { formatTime } from "../sim/index.js";
import type { DecodedRun } from "./model/codec.js";
import { mentionsJob } from "./model/filter.js";
import { FLAG_EXTRA, FLAG_HELD, FLAG_REORDERED, OUTCOME_DELIVERED } from "./model/run-data.js";

interface Line {
  atUs: number;
  /** The event's sequence number; -1 for what the run records without one (faults, node states). */
  seq: number;
  order: number;
  text: string;
}

const STATE_WORDS: Readonly<Record<string, string>> = { down: "crashed", paused: "paused" };

/** Node state changes and faults: part of the whole run's story, not of one job's. */
function worldLines(run: DecodedRun, first: number): Line[] {
  const h = run.header;
  const out: Line[] = [];
  const booted = new Set<number>();
  const last = new Map<number, string>();
  for (const s of h.states) {
    const node = h.nodes[s.node]?.id ?? `#${s.node}`;
    let word: string;
    if (s.state !== "up") word = STATE_WORDS[s.state] ?? s.state;
    else if (!booted.has(s.node)) word = "booted";
    else word = last.get(s.node) === "paused" ? "resumed" : `restarted (incarnation ${s.incarnation})`;
    booted.add(s.node);
    last.set(s.node, s.state);
    out.push({ atUs: s.atUs, seq: -1, order: first + out.length, text: `${node}  ${word}` });
  }
  for (const f of h.faults) {
    const until = f.toUs === null ? "" : `  (until ${formatTime(f.toUs)})`;
    out.push({ atUs: f.fromUs, seq: -1, order: first + out.length, text: `fault  ${f.label}${until}` });
  }
  return out;
}

function fate(run: DecodedRun, i: number): string {
  const c = run.copies;
  const latency = c.endUs[i]! - c.startUs[i]!;
  const name = run.header.outcomes[c.outcome[i]!] ?? "?";
  const notes: string[] = [];
  const flags = c.flags[i]!;
  if ((flags & FLAG_EXTRA) !== 0) notes.push(`${run.header.copyKinds[c.kind[i]!]} copy`);
  if ((flags & FLAG_HELD) !== 0) notes.push("held");
  if ((flags & FLAG_REORDERED) !== 0) notes.push("reordered");
  const what =
    c.outcome[i] === OUTCOME_DELIVERED
      ? `delivered +${latency}µs`
      : name === "in-flight" || name === "held"
        ? `${name} at the end`
        : `DROPPED ${name} +${latency}µs`;
  return notes.length === 0 ? what : `${what} (${notes.join(", ")})`;
}

function compact(value: unknown): string {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/**
 * The events of `job` (or of the whole run when null), one line each. Message lines sit at
 * the send: time, the send's event sequence number, sender → target, type, fate.
 */
export function timeline(run: DecodedRun, job: string | null): string[] {
  const h = run.header;
  const jobIndex = job === null ? 0 : h.jobs.indexOf(job) + 1;
  if (job !== null && jobIndex === 0) return [];
  const lines: Line[] = [];
  const { copies: c, messages: m, emits: e } = run;
  const node = (n: number): string => h.nodes[n]?.id ?? `#${n}`;
  for (let i = 0; i < h.copyCount; i++) {
    const msg = c.msg[i]!;
    if (jobIndex !== 0 && m.job[msg] !== jobIndex) continue;
    const head = `${node(m.src[msg]!)} → ${node(m.dst[msg]!)}  ${h.types[m.type[msg]!]}  ${fate(run, i)}`;
    const body = h.payloads && (c.flags[i]! & FLAG_EXTRA) === 0 ? `  ${compact(run.payload(msg))}` : "";
    lines.push({ atUs: c.startUs[i]!, seq: m.sendSeq[msg]!, order: lines.length, text: head + body });
  }
  for (let i = 0; i < h.emitCount; i++) {
    if (jobIndex !== 0 && e.job[i] !== jobIndex) continue;
    const text = `${node(e.node[i]!)}  ${h.emitKinds[e.kind[i]!]}  ${compact(run.detail(i))}`;
    lines.push({ atUs: e.atUs[i]!, seq: e.seq[i]!, order: lines.length, text });
  }
  if (job === null) lines.push(...worldLines(run, lines.length));
  for (const v of h.violations) {
    if (job !== null && !mentionsJob(v.message, job)) continue;
    lines.push({ atUs: v.atUs, seq: v.seq, order: lines.length, text: `✗ ${v.check}: ${v.message}` });
  }
  lines.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq || a.order - b.order);
  const width = String(Math.max(0, ...lines.map((l) => l.seq))).length;
  const seq = (n: number): string => (n < 0 ? " ".repeat(width + 1) : `#${String(n).padStart(width)}`);
  return lines.map((l) => `${formatTime(l.atUs)}  ${seq(l.seq)}  ${l.text}`);
}
