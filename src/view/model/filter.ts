// Which copies (arrows) and observations pass the page's filters: one job's whole life,
// one node's traffic, some message families, some outcomes. Pure, over decoded columns,
// so the page and the tests apply the same rule.

import type { DecodedRun } from "./codec.js";
import { FLAG_EXTRA, FLAG_REORDERED, OUTCOME_DELIVERED } from "./run-data.js";

export type ShowOutcome = "all" | "delivered" | "dropped" | "anomalies";

export interface Filter {
  /** 1 + index into header.jobs, or 0 for every job (and none). */
  job: number;
  /** A node index, or -1 for every node. */
  node: number;
  /** Family names hidden; empty hides none. */
  hiddenFamilies: ReadonlySet<string>;
  show: ShowOutcome;
}

export const NO_FILTER: Filter = { job: 0, node: -1, hiddenFamilies: new Set(), show: "all" };

function outcomePasses(show: ShowOutcome, outcome: number, flags: number): boolean {
  switch (show) {
    case "all":
      return true;
    case "delivered":
      return outcome === OUTCOME_DELIVERED;
    case "dropped":
      return outcome !== OUTCOME_DELIVERED;
    case "anomalies":
      return outcome !== OUTCOME_DELIVERED || (flags & (FLAG_EXTRA | FLAG_REORDERED)) !== 0;
  }
}

/** 1 for each copy that passes, else 0. */
export function copyMask(run: DecodedRun, filter: Filter): Uint8Array {
  const { copies: c, messages: m, header } = run;
  const hidden = header.typeFamilies.map((f) => filter.hiddenFamilies.has(f));
  const mask = new Uint8Array(header.copyCount);
  for (let i = 0; i < mask.length; i++) {
    const msg = c.msg[i]!;
    if (filter.job !== 0 && m.job[msg] !== filter.job) continue;
    if (filter.node >= 0 && m.src[msg] !== filter.node && m.dst[msg] !== filter.node) continue;
    if (hidden[m.type[msg]!] === true) continue;
    if (!outcomePasses(filter.show, c.outcome[i]!, c.flags[i]!)) continue;
    mask[i] = 1;
  }
  return mask;
}

/** 1 for each observation that passes (families and outcomes do not apply to observations). */
export function emitMask(run: DecodedRun, filter: Filter): Uint8Array {
  const e = run.emits;
  const mask = new Uint8Array(run.header.emitCount);
  for (let i = 0; i < mask.length; i++) {
    if (filter.job !== 0 && e.job[i] !== filter.job) continue;
    if (filter.node >= 0 && e.node[i] !== filter.node) continue;
    mask[i] = 1;
  }
  return mask;
}

/** Whether `text` names `job` as a whole id (client-1-j1 is not named by client-1-j10). */
export function mentionsJob(text: string, job: string): boolean {
  for (let at = text.indexOf(job); at >= 0; at = text.indexOf(job, at + 1))
    if (!/[A-Za-z0-9]/.test(text[at + job.length] ?? "")) return true;
  return false;
}
