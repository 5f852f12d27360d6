// Turns the faults a run applied (its applied schedule, with exact times) into bands to
// shade: partitions with their two sides, clogs, slow links and loss/duplication rates as
// periods; clock faults and any action this file does not know as instants. A period ends
// the way FaultApplier ends it: at its own `durationMs`, at a heal/unclog naming it (or
// naming none), when a step reuses its name, or when the liveness phase heals everything.
// Crashes and pauses are not bands: the lanes draw the node states they cause.

import { resolveSelectors, type FaultStep, type Topology } from "../../sim/index.js";
import type { FaultBand } from "../model/run-data.js";

export interface AppliedFault {
  atUs: number;
  step: FaultStep;
}

/** Steps whose effect the lanes already show. */
const LANE_ACTIONS = new Set(["crash", "restart", "pause", "resume"]);
/** Which open-period table a named action belongs to, and the prefix of its generated names. */
const PERIODS: Readonly<Record<string, { table: string; prefix: string }>> = {
  partition: { table: "partition", prefix: "p" },
  clog: { table: "clog", prefix: "clog" },
  "slow-link": { table: "slow-link", prefix: "slow" },
};
/** Network-wide rates: each lasts until the next step of its action, or the heal-all. */
const RATES: Readonly<Record<string, string>> = {
  "set-loss": "loss",
  "set-duplicate": "duplication",
  "set-replay": "replay",
};
/** Actions that end periods of a table: by name, or all of them when the step names none. */
const ENDERS: Readonly<Record<string, string>> = { heal: "partition", unclog: "clog" };

interface Open {
  band: FaultBand;
  /** When its own duration ends it (Infinity when it has none). */
  dueUs: number;
}

export class FaultBandBuilder {
  readonly bands: FaultBand[] = [];
  private readonly open = new Map<string, Map<string, Open>>();
  private readonly rates = new Map<string, FaultBand>();
  private counter = 0;

  constructor(
    private readonly topology: Topology,
    private readonly indexOf: (id: string) => number,
  ) {}

  private nodes(value: unknown): number[] {
    if (value === undefined) return [];
    const ids = resolveSelectors(this.topology, value, "nodes", "fault", []);
    return ids.map((id) => this.indexOf(id)).filter((i) => i >= 0);
  }

  add({ atUs, step }: AppliedFault): void {
    const period = PERIODS[step.action];
    if (period !== undefined) return this.openPeriod(atUs, step, period.table, period.prefix);
    const ender = ENDERS[step.action];
    if (ender !== undefined) return this.endPeriods(atUs, ender, typeof step.name === "string" ? step.name : null);
    if (RATES[step.action] !== undefined) return this.setRate(atUs, step);
    if (LANE_ACTIONS.has(step.action)) return;
    // Clock faults, and any action added after this file: an instant on the nodes it names.
    const a = this.nodes(step["node"] ?? step["a"] ?? step["from"]);
    const b = this.nodes(step["b"] ?? step["to"]);
    this.bands.push({ action: step.action, label: instantLabel(step), fromUs: atUs, toUs: null, a, b });
  }

  private openPeriod(atUs: number, step: FaultStep, table: string, prefix: string): void {
    const name = typeof step.name === "string" ? step.name : `${prefix}${++this.counter}`;
    let periods = this.open.get(table);
    if (periods === undefined) {
      periods = new Map();
      this.open.set(table, periods);
    }
    this.close(periods, name, atUs); // a reused name replaces its period
    const [a, b] =
      step.action === "partition"
        ? [this.nodes(step["a"]), this.nodes(step["b"])]
        : step.action === "clog" && step["node"] !== undefined
          ? [this.nodes(step["node"]), []]
          : [this.nodes(step["from"]), this.nodes(step["to"])];
    const band: FaultBand = { action: step.action, label: periodLabel(name, step), fromUs: atUs, toUs: null, a, b };
    this.bands.push(band);
    const dueUs = typeof step.durationMs === "number" ? atUs + step.durationMs * 1000 : Number.POSITIVE_INFINITY;
    periods.set(name, { band, dueUs });
  }

  private close(periods: Map<string, Open>, name: string, atUs: number): void {
    const open = periods.get(name);
    if (open === undefined) return;
    periods.delete(name);
    open.band.toUs = Math.min(open.dueUs, atUs);
  }

  private endPeriods(atUs: number, table: string, name: string | null): void {
    const periods = this.open.get(table);
    if (periods === undefined) return;
    for (const key of [...periods.keys()]) if (name === null || key === name) this.close(periods, key, atUs);
  }

  private setRate(atUs: number, step: FaultStep): void {
    const what = RATES[step.action] ?? step.action;
    const previous = this.rates.get(what);
    if (previous !== undefined && previous.toUs === null) previous.toUs = atUs;
    const p = Number(step["probability"]);
    if (!(p > 0)) return;
    const band: FaultBand = {
      action: step.action,
      label: `${what} ${formatPercent(p)}${step.action === "set-replay" ? ` (${String(step["minDelayMs"])}-${String(step["maxDelayMs"])}ms late)` : ""}`,
      fromUs: atUs,
      toUs: null,
      a: [],
      b: [],
    };
    this.rates.set(what, band);
    this.bands.push(band);
  }

  /** Closes what is still open: at the heal-all (if any), else at the end of the run. */
  finish(healAllUs: number | null, endUs: number): FaultBand[] {
    const stop = healAllUs ?? endUs;
    for (const periods of this.open.values())
      for (const open of periods.values()) open.band.toUs = Math.min(open.dueUs, stop);
    this.open.clear();
    for (const band of this.rates.values()) if (band.toUs === null) band.toUs = stop;
    for (const band of this.bands) if (band.toUs !== null && band.toUs > endUs) band.toUs = endUs;
    return this.bands;
  }
}

function formatPercent(p: number): string {
  return `${Math.round(p * 10000) / 100}%`;
}

function selectors(value: unknown): string {
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function onlyTypes(step: FaultStep): string {
  return Array.isArray(step["types"]) ? ` (only ${selectors(step["types"])})` : "";
}

function periodLabel(name: string, step: FaultStep): string {
  switch (step.action) {
    case "partition":
      return `partition ${name}: ${selectors(step["a"])} ${step["oneWay"] === true ? "→" : "⇹"} ${selectors(step["b"])}${onlyTypes(step)}`;
    case "clog": {
      const what =
        step["node"] !== undefined
          ? selectors(step["node"])
          : `${selectors(step["from"] ?? "*")} → ${selectors(step["to"] ?? "*")}`;
      const expiry = typeof step["expireAfterMs"] === "number" ? ` (held > ${step["expireAfterMs"]}ms dropped)` : "";
      return `clog ${name}: ${what}${onlyTypes(step)}${expiry}`;
    }
    default:
      return `slow link ${name} +${String(step["extraMs"])}ms: ${selectors(step["from"])} → ${selectors(step["to"])}`;
  }
}

function instantLabel(step: FaultStep): string {
  const { atMs: _atMs, atUs: _atUs, action, ...rest } = step;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return fields === "" ? action : `${action} ${fields}`;
}
