// Fault schedules as data: validation with one clear error per problem. A step names
// nodes with selectors (an id, `dc:dc1`, `region:eu`, `role:gate`, `role:manager@dc1`).
//
//   partition   { a: sel[], b: sel[], oneWay?, types?, name? }      heal { name? }
//   clog        { node?: sel[], from?: sel[], to?: sel[], durationMs?, expireAfterMs?, types?, name? }
//               (`types`: only messages of these types are dropped or held; default all)
//   unclog      { name? }
//   slow-link   { from: sel[], to: sel[], extraMs, durationMs?, name? }
//   crash       { node: sel, durationMs? }   restart { node: sel }
//   pause       { node: sel, durationMs? }   resume  { node: sel }
//   clock-offset { node: sel, offsetMs }  clock-drift { node: sel, ppm }  clock-jump { node: sel, jumpMs }
//   set-loss    { probability }              set-duplicate { probability }
//   set-replay  { probability, minDelayMs, maxDelayMs }  (late copies that survive restarts)

import type { FaultStep } from "./fault-step.js";
import { selectNodes, type Topology } from "./topology.js";

export const FAULT_ACTIONS = [
  "partition",
  "heal",
  "clog",
  "unclog",
  "slow-link",
  "crash",
  "restart",
  "pause",
  "resume",
  "clock-offset",
  "clock-drift",
  "clock-jump",
  "set-loss",
  "set-duplicate",
  "set-replay",
] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export class ScheduleError extends Error {
  override readonly name = "ScheduleError";
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]!
        : `${problems.length} problems in the fault schedule: ${problems.join("; ")}`,
    );
  }
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function selectorList(value: unknown): string[] | null {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value as string[];
  return null;
}

/** Resolves selectors to node ids; reports each bad one. */
export function resolveSelectors(
  topology: Topology,
  value: unknown,
  field: string,
  where: string,
  problems: string[],
): string[] {
  const list = selectorList(value);
  if (list === null) {
    problems.push(`${where}: "${field}" must be a node selector or a non-empty list of them`);
    return [];
  }
  const out: string[] = [];
  for (const sel of list) {
    const ids = selectNodes(topology, sel);
    if (ids === null) problems.push(`${where}: unknown node "${sel}"`);
    else for (const id of ids) if (!out.includes(id)) out.push(id);
  }
  return out;
}

function requireNumber(
  step: FaultStep,
  field: string,
  where: string,
  problems: string[],
  check: (n: number) => boolean,
  expected: string,
): void {
  const v = step[field];
  if (typeof v !== "number" || !Number.isFinite(v) || !check(v))
    problems.push(`${where}: "${field}" must be ${expected}`);
}

/** `types`, when given, is a non-empty list of message types. */
function checkTypes(step: FaultStep, where: string, problems: string[]): void {
  const t = step.types;
  if (t === undefined) return;
  if (!Array.isArray(t) || t.length === 0 || !t.every((x) => typeof x === "string" && x !== ""))
    problems.push(`${where}: types must be a non-empty list of message types`);
}

function validateStep(
  step: FaultStep,
  index: number,
  topology: Topology,
  partitions: Set<string>,
  clogs: Set<string>,
  problems: string[],
): void {
  const where = `step ${index} (${String(step.action)} at ${String(step.atMs)}ms)`;
  if (!isNonNegInt(step.atMs))
    problems.push(`step ${index}: atMs must be a non-negative integer, got ${JSON.stringify(step.atMs)}`);
  if (step.atUs !== undefined && (!isNonNegInt(step.atUs) || Math.floor((step.atUs as number) / 1000) !== step.atMs)) {
    problems.push(`${where}: atUs must be an integer within atMs`);
  }
  if (step.durationMs !== undefined && !isNonNegInt(step.durationMs))
    problems.push(`${where}: durationMs must be a non-negative integer`);
  const named = typeof step.name === "string" ? step.name : `#${index}`;
  switch (step.action as FaultAction) {
    case "partition":
      resolveSelectors(topology, step.a, "a", where, problems);
      resolveSelectors(topology, step.b, "b", where, problems);
      checkTypes(step, where, problems);
      partitions.add(named);
      return;
    case "heal":
      if (partitions.size === 0) problems.push(`${where}: heal without a partition before it`);
      else if (typeof step.name === "string" && !partitions.has(step.name))
        problems.push(`${where}: heal names partition "${step.name}", which was never installed`);
      if (typeof step.name === "string") partitions.delete(step.name);
      else partitions.clear();
      return;
    case "clog":
      if (step.node === undefined && step.from === undefined && step.to === undefined)
        problems.push(`${where}: clog needs node, from or to`);
      for (const f of ["node", "from", "to"])
        if (step[f] !== undefined) resolveSelectors(topology, step[f], f, where, problems);
      if (step.expireAfterMs !== undefined && !isNonNegInt(step.expireAfterMs))
        problems.push(`${where}: expireAfterMs must be a non-negative integer`);
      checkTypes(step, where, problems);
      clogs.add(named);
      return;
    case "unclog":
      if (clogs.size === 0) problems.push(`${where}: unclog without a clog before it`);
      else if (typeof step.name === "string" && !clogs.has(step.name))
        problems.push(`${where}: unclog names clog "${step.name}", which was never installed`);
      if (typeof step.name === "string") clogs.delete(step.name);
      else clogs.clear();
      return;
    case "slow-link":
      resolveSelectors(topology, step.from, "from", where, problems);
      resolveSelectors(topology, step.to, "to", where, problems);
      requireNumber(step, "extraMs", where, problems, (n) => n >= 0, "a non-negative number");
      return;
    case "crash":
    case "restart":
    case "pause":
    case "resume":
      resolveSelectors(topology, step.node, "node", where, problems);
      return;
    case "clock-offset":
      resolveSelectors(topology, step.node, "node", where, problems);
      requireNumber(step, "offsetMs", where, problems, () => true, "a number");
      return;
    case "clock-drift":
      resolveSelectors(topology, step.node, "node", where, problems);
      requireNumber(
        step,
        "ppm",
        where,
        problems,
        (n) => Math.abs(n) < 1_000_000,
        "a number of ppm strictly within ±1e6 (at -1e6 the clock stops)",
      );
      return;
    case "clock-jump":
      resolveSelectors(topology, step.node, "node", where, problems);
      requireNumber(step, "jumpMs", where, problems, () => true, "a number");
      return;
    case "set-loss":
    case "set-duplicate":
      requireNumber(step, "probability", where, problems, (n) => n >= 0 && n <= 1, "a probability in [0, 1]");
      return;
    case "set-replay":
      requireNumber(step, "probability", where, problems, (n) => n >= 0 && n <= 1, "a probability in [0, 1]");
      requireNumber(step, "minDelayMs", where, problems, (n) => Number.isInteger(n) && n >= 0, "an integer ≥ 0");
      requireNumber(
        step,
        "maxDelayMs",
        where,
        problems,
        (n) => Number.isInteger(n) && n >= Number(step.minDelayMs),
        "an integer ≥ minDelayMs",
      );
      return;
    default:
      problems.push(
        `step ${index}: unknown action ${JSON.stringify(step.action)}; expected one of ${FAULT_ACTIONS.join(", ")}`,
      );
  }
}

/** Every problem in the schedule (empty when valid). Steps are checked in time order. */
export function validateSchedule(steps: readonly unknown[], topology: Topology): string[] {
  const problems: string[] = [];
  const order = steps
    .map((step, index) => ({ step, index }))
    .sort((x, y) => timeOf(x.step) - timeOf(y.step) || x.index - y.index);
  const partitions = new Set<string>();
  const clogs = new Set<string>();
  for (const { step, index } of order) {
    if (typeof step !== "object" || step === null || Array.isArray(step)) {
      problems.push(`step ${index}: must be an object like { "atMs": 100, "action": "crash", "node": "dc1-mgr-1" }`);
      continue;
    }
    validateStep(step as FaultStep, index, topology, partitions, clogs, problems);
  }
  return problems;
}

function timeOf(step: unknown): number {
  const t = (step as { atMs?: unknown } | null)?.atMs;
  return typeof t === "number" && Number.isFinite(t) ? t : 0;
}

/** Parses and validates a JSON schedule text; throws ScheduleError listing every problem. */
export function parseSchedule(text: string, topology: Topology): FaultStep[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ScheduleError([
      `fault schedule is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  if (!Array.isArray(parsed)) throw new ScheduleError(["fault schedule must be a JSON array of steps"]);
  const problems = validateSchedule(parsed, topology);
  if (problems.length > 0) throw new ScheduleError(problems);
  return parsed as FaultStep[];
}

/** The exact µs a step applies at. */
export function stepTimeUs(step: FaultStep): number {
  return typeof step.atUs === "number" ? step.atUs : step.atMs * 1000;
}
