// Terminal rendering of run results (chalk). Pure string building; callers print.

import chalk from "chalk";
import type { Outcome } from "../repro/schema.js";
import { formatTime } from "../sim/index.js";
import {
  formatOptionValue,
  type Options,
  type OptionSchema,
  type RunResult,
  type SummaryRow,
} from "../scenarios/index.js";

export interface Timing {
  wallMs: number;
}

export function verdictLabel(verdict: Outcome): string {
  switch (verdict) {
    case "pass":
      return chalk.green.bold("PASS");
    case "fail":
      return chalk.red.bold("FAIL");
    case "liveness":
      return chalk.yellow.bold("LIVENESS FAILURE");
    case "deadlock":
      return chalk.yellow.bold("DEADLOCK");
    case "error":
      return chalk.red.bold("ERROR");
    case "hang":
      return chalk.yellow.bold("HANG");
    case "oom":
      return chalk.yellow.bold("OUT OF MEMORY");
  }
}

export type Limits = RunResult["limits"];

/**
 * The exact command that reruns this result. Budgets that differ from the scenario's
 * defaults are part of it: a liveness failure under --max-events 10 only recurs with it.
 */
export function reproduceCommand(
  result: RunResult,
  scenario: { options: Options; schema: OptionSchema },
  defaultLimits?: Limits,
): string {
  const parts = ["npx simctl run", result.scenario, "--seed", String(result.seed)];
  for (const [key, value] of Object.entries(result.options)) {
    if (scenario.options[key] !== value)
      parts.push("--set", `${key}=${formatOptionValue(scenario.schema[key], value)}`);
  }
  if (result.limits.maxEvents !== defaultLimits?.maxEvents) parts.push("--max-events", String(result.limits.maxEvents));
  if (result.limits.maxTimeUs !== defaultLimits?.maxTimeUs)
    parts.push("--max-time", durationFlag(result.limits.maxTimeUs));
  return parts.join(" ");
}

function durationFlag(us: number): string {
  return us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`;
}

export function renderRun(
  result: RunResult,
  timing: Timing,
  scenario: { options: Options; schema: OptionSchema },
  defaultLimits?: Limits,
): string {
  const lines: string[] = [];
  const secs = timing.wallMs / 1000;
  const eventsPerSec = secs > 0 ? Math.round(result.events / secs) : 0;
  const ratio = timing.wallMs > 0 ? result.virtualTimeUs / 1000 / timing.wallMs : 0;
  lines.push(`${chalk.bold("scenario")}  ${result.scenario}`);
  lines.push(`${chalk.bold("seed")}      ${result.seed}`);
  lines.push(`${chalk.bold("options")}   ${renderOptions(result.options, scenario.schema)}`);
  const drawn = result.artifacts["drawnOptions"];
  if (Array.isArray(drawn) && drawn.length > 0)
    lines.push(`${chalk.bold("drawn")}     ${chalk.dim(`${drawn.join(" ")} (swarm, from the seed)`)}`);
  const faults = result.artifacts["faultOptions"];
  if (faults !== undefined && faults !== null && typeof faults === "object")
    lines.push(`${chalk.bold("faults")}    ${renderFaultOptions(faults as Record<string, unknown>)}`);
  lines.push(
    `${chalk.bold("limits")}    max-events ${result.limits.maxEvents}, max-time ${formatTime(result.limits.maxTimeUs)}`,
  );
  lines.push(
    `${chalk.bold("virtual")}   ${formatTime(result.virtualTimeUs)}   ${chalk.bold("events")} ${result.events}`,
  );
  lines.push(
    `${chalk.bold("wall")}      ${timing.wallMs.toFixed(1)} ms   ${eventsPerSec.toLocaleString("en-US")} events/s   virtual/wall ${ratio.toFixed(1)}x`,
  );
  if (Object.keys(result.metrics).length > 0) {
    lines.push(chalk.bold("metrics"));
    for (const [k, v] of Object.entries(result.metrics)) lines.push(`  ${k} = ${v}`);
  }
  if (result.summary.length > 0) lines.push(chalk.bold("summary"), ...renderTable(result.summary).map((l) => `  ${l}`));
  lines.push(chalk.bold("checks"));
  for (const c of result.checks) {
    if (c.status === "not-applicable") lines.push(chalk.dim(`  – ${c.name} — not applicable: ${c.detail}`));
    else
      lines.push(`  ${c.ok ? chalk.green("✓") : chalk.red("✗")} ${c.name}${c.ok ? "" : chalk.red(` — ${c.detail}`)}`);
  }
  const extra = result.violations.filter((v) => !result.checks.some((c) => c.name === v.check));
  for (const v of extra)
    lines.push(
      `  ${chalk.red("✗")} ${v.check} — ${chalk.red(v.message)} ${chalk.dim(`@${formatTime(v.atUs)} seq ${v.seq}`)}`,
    );
  const marks = Object.keys(result.coverage);
  if (marks.length > 0) lines.push(`${chalk.bold("marks")}     ${marks.length} reached: ${chalk.dim(marks.join(" "))}`);
  lines.push(`${chalk.bold("trace")}     ${result.traceHash}`);
  lines.push(`${chalk.bold("verdict")}   ${verdictLabel(result.verdict)}`);
  if (result.verdict !== "pass")
    lines.push(`${chalk.bold("reproduce")} ${reproduceCommand(result, scenario, defaultLimits)}`);
  return lines.join("\n");
}

/** Swarm fault options: kinds that are off are listed once, kinds that are on with their knobs. */
function renderFaultOptions(faults: Record<string, unknown>): string {
  const kinds = Object.keys(faults)
    .filter((k) => k.endsWith("Enabled"))
    .map((k) => k.slice(0, -"Enabled".length));
  const on = kinds.filter((k) => faults[`${k}Enabled`] === true);
  const off = kinds.filter((k) => faults[`${k}Enabled`] !== true);
  const prefixes: Record<string, string[]> = {
    partitions: ["partition"],
    clogs: ["clog", "swizzle"],
    crashes: ["crash", "maxNodesDown"],
    pauses: ["pause"],
    clockSkew: ["clock"],
    lossChanges: ["lossChange"],
  };
  const knobs = (kind: string) =>
    Object.entries(faults)
      .filter(([k]) => (prefixes[kind] ?? [kind]).some((p) => k.startsWith(p)) && !k.endsWith("Enabled"))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" ");
  const parts = on.map((k) => `${chalk.yellow(k)}(${knobs(k)})`);
  const rates = `packetLossProbability=${String(faults["packetLossProbability"])} duplicateProbability=${String(faults["duplicateProbability"])}`;
  return [...parts, rates, off.length > 0 ? chalk.dim(`off: ${off.join(", ")}`) : ""]
    .filter((p) => p !== "")
    .join("\n          ");
}

function renderOptions(options: Options, schema: OptionSchema): string {
  const entries = Object.entries(options);
  return entries.length === 0
    ? chalk.dim("(none)")
    : entries.map(([k, v]) => `${k}=${formatOptionValue(schema[k], v)}`).join(" ");
}

export function renderTable(rows: readonly SummaryRow[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? "").length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [chalk.dim(fmt(columns)), ...rows.map((r) => fmt(columns.map((c) => String(r[c] ?? ""))))];
}
