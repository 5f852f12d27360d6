// Synthetic event feeds for the global checkers of src/nodes/checks/ (issue 21 item 3). Each
// test file next to this one plants, for one checker, event streams that violate exactly its
// invariant and near-miss streams that do not. Events go through ClusterCheckers, as a run
// feeds them, with the PROTOCOL default configs, so every other checker is watching too: a
// violating stream must trip its own check and no other, a clean stream must trip none.

import { ClusterCheckers } from "../../../src/nodes/checkers.js";
import type { HostState, PerJobView } from "../../../src/nodes/checks/checker.js";
import { gateConfig, managerConfig, workerConfig } from "../../../src/nodes/config.js";
import type { EmitDetail } from "../../../src/sim/index.js";

/** Retention far beyond every feed: the older cleanup check never has a say here. */
const RETENTION = {
  gateJobRetentionMs: 1e9,
  gateJobCleanupIntervalMs: 1e9,
  managerCompletedJobMaxAgeMs: 1e9,
  managerFailedJobMaxAgeMs: 1e9,
  managerJobCleanupIntervalMs: 1e9,
};

/** The cluster every feed runs in: two gates ("global", 2 voters), one DC of three managers, two workers. */
const ROLES = new Map([
  ["gate-1", "gate"],
  ["gate-2", "gate"],
  ["m1", "manager"],
  ["m2", "manager"],
  ["m3", "manager"],
  ["w1", "worker"],
  ["w2", "worker"],
  ["client-1", "client"],
]);

const GROUP_SIZES = new Map([
  ["global", 2],
  ["dc1", 3],
]);

/** Manager suspicion bounds at LHM 0 (PROTOCOL §4.1 defaults), in ms. */
export const M_MIN = managerConfig().globalSuspicionMinMs;
export const M_MAX = managerConfig().globalSuspicionMaxMs;

export interface EndOfFeed {
  /** Default true: the run healed, so end-of-run obligations are judged. */
  settled?: boolean;
  /** Default false: the run did not wait for every job's retention. */
  cleanedUp?: boolean;
  /** Each node's view at the end; null for a node that is down, absent for one with no view. */
  views?: Record<string, PerJobView | null>;
}

export interface Feed {
  /** One node event; `atMs` defaults to the time of the previous event. */
  event(node: string, kind: string, d?: EmitDetail, atMs?: number): void;
  host(node: string, state: HostState, atMs: number): void;
  finish(atMs: number, end?: EndOfFeed): void;
  /** The check names reported so far, in order. */
  checks(): string[];
  messages(): string[];
}

export function feed(): Feed {
  const checks: string[] = [];
  const messages: string[] = [];
  const checkers = new ClusterCheckers(
    (check, message) => {
      checks.push(check);
      messages.push(message);
    },
    RETENTION,
    { gate: gateConfig(), manager: managerConfig(), worker: workerConfig(), groupSizes: GROUP_SIZES, roles: ROLES },
  );
  let nowMs = 0;
  return {
    event(node, kind, d = {}, atMs = nowMs) {
      nowMs = atMs;
      checkers.observe(node, kind, d, atMs * 1000);
    },
    host(node, state, atMs) {
      nowMs = atMs;
      checkers.observeHost(node, state, atMs * 1000);
    },
    finish(atMs, end = {}) {
      const views = end.views ?? {};
      checkers.finish(
        atMs * 1000,
        end.settled ?? true,
        (node) => views[node] !== null,
        (node) => views[node] ?? null,
        end.cleanedUp ?? false,
      );
    },
    checks: () => checks,
    messages: () => messages,
  };
}

/** `times` reports of one check: what a feed that trips only that checker produces. */
export function only(check: string, times = 1): string[] {
  return Array.from({ length: times }, () => check);
}
