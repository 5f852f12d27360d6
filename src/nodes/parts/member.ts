// One row of a node's membership table (PROTOCOL.md §3.5): the member's status and
// incarnation, and its suspicion bookkeeping. Kept apart from membership.ts because the
// probe rounds read it too, and the two must not import each other.

import type { TimerHandle } from "../../sim/index.js";
import type { NodeId } from "../messages.js";

export type MemberStatus = "unconfirmed" | "ok" | "suspect" | "dead";

export interface Member {
  readonly id: NodeId;
  /** The role it is tracked in (peer-scope.ts); "" in an open scope. */
  readonly role: string;
  status: MemberStatus;
  incarnation: number;
  learnedAtUs: number;
  suspectStartUs: number;
  suspectMinMs: number;
  suspectMaxMs: number;
  confirmers: Set<NodeId> | null;
  deadline: TimerHandle;
  deadAtUs: number;
  deathIncarnation: number;
}

/** A member as first learned: unconfirmed until it answers or sends (AD-29). */
export function newMember(id: NodeId, now: number, role = ""): Member {
  return {
    id,
    role,
    status: "unconfirmed",
    incarnation: 0,
    learnedAtUs: now,
    suspectStartUs: 0,
    suspectMinMs: 0,
    suspectMaxMs: 0,
    confirmers: null,
    deadline: -1,
    deadAtUs: 0,
    deathIncarnation: 0,
  };
}
