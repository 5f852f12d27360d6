// Message families, for colouring arrows and filtering: what part of the protocol a
// message type belongs to (PROTOCOL.md §2). The table covers the cluster's whole union
// (tsc refuses it when a type is added without a family); types outside it (the net
// scenarios' gossip, test messages) fall into "other" and still get drawn.
// Also: which job a message or observation is about, read from its fields.

import type { MessageType } from "../../nodes/messages.js";

const FAMILY_OF: Readonly<Record<MessageType, string>> = {
  probe: "membership",
  ack: "membership",
  "ping-req": "membership",
  "ping-req-ack": "membership",
  suspect: "membership",
  alive: "membership",
  dead: "membership",
  "worker-registration": "heartbeat",
  "registration-response": "heartbeat",
  "worker-heartbeat": "heartbeat",
  "manager-registration": "heartbeat",
  "manager-registration-response": "heartbeat",
  "manager-heartbeat": "heartbeat",
  "pre-vote-req": "election",
  "pre-vote-resp": "election",
  "leader-claim": "election",
  "leader-vote": "election",
  "leader-heartbeat": "election",
  "leader-heartbeat-ack": "election",
  "leader-stepdown": "election",
  "job-submission": "job flow",
  "job-ack": "job flow",
  "workflow-dispatch": "job flow",
  "workflow-dispatch-ack": "job flow",
  "workflow-cancel-request": "job flow",
  "workflow-cancel-response": "job flow",
  "job-global-timeout": "job flow",
  "job-state-sync": "leadership",
  "job-state-sync-ack": "leadership",
  "job-state-pull": "leadership",
  "job-state-pull-response": "leadership",
  "job-leader-worker-transfer": "leadership",
  "job-leader-worker-transfer-ack": "leadership",
  "job-leader-manager-transfer": "leadership",
  "job-leader-manager-transfer-ack": "leadership",
  "job-leadership-announcement": "leadership",
  "job-lease-request": "leadership",
  "job-lease-grant": "leadership",
  "job-leader-gate-transfer": "leadership",
  "job-leader-gate-transfer-ack": "leadership",
  "gate-job-leader-transfer": "leadership",
  "job-superseded": "leadership",
  "workflow-progress": "progress",
  "workflow-progress-ack": "progress",
  "job-progress": "progress",
  "job-progress-ack": "progress",
  "workflow-final-result": "results",
  "workflow-final-result-ack": "results",
  "job-final-result": "results",
  "job-final-result-ack": "results",
  "global-job-result": "results",
  "global-job-result-ack": "results",
  "register-callback": "results",
  "register-callback-response": "results",
  "error-reply": "other",
};

export function familyOf(type: string): string {
  return (FAMILY_OF as Readonly<Record<string, string>>)[type] ?? "other";
}

function jobField(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const job = (value as { jobId?: unknown }).jobId;
  return typeof job === "string" ? job : null;
}

/**
 * The job a message is about: its `jobId`, or that of a field one or two levels down
 * (`job.jobId` in a submission, `replica.jobId`, `replica.job.jobId`). Null when none.
 */
export function jobOfMessage(msg: object): string | null {
  const direct = jobField(msg);
  if (direct !== null) return direct;
  for (const v of Object.values(msg)) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) continue;
    const one = jobField(v);
    if (one !== null) return one;
    for (const w of Object.values(v)) {
      const two = jobField(w);
      if (two !== null) return two;
    }
  }
  return null;
}

/** The job an observation is about: its `job` (the nodes' convention) or `jobId`. */
export function jobOfDetail(detail: Readonly<Record<string, unknown>> | undefined): string | null {
  if (detail === undefined) return null;
  const job = detail["job"] ?? detail["jobId"];
  return typeof job === "string" ? job : null;
}
