// Which peers a node's membership tracks (PROTOCOL.md §1, issue 22): a worker its DC's
// managers; a manager its DC's managers and workers, and the gates; a gate the gates and
// every manager. The relation is symmetric, so whoever probes a node is a peer it tracks
// too. State per node is then O(peers it needs), not O(all nodes): a DC of 1,000 workers
// no longer gives every worker a table of 1,000.
//
// A scope answers two questions: is an id tracked here (and in which role), and would a
// member of one role track a peer of another (so gossip about a worker is not sent to the
// other workers, who would only drop it). The id sets are built from the world's shared
// seed lists and cached per list, so the managers of a DC share one set of its workers.

import type { NodeEnv } from "../../sim/index.js";
import type { ClusterMessage, NodeId } from "../messages.js";

/** Roles each role tracks. A role not listed (tests' stand-ins, open scopes) tracks every role. */
const TRACKS: Readonly<Record<string, readonly string[]>> = {
  worker: ["manager"],
  manager: ["manager", "worker", "gate"],
  gate: ["gate", "manager"],
};

interface Group {
  readonly role: string;
  readonly ids: ReadonlySet<NodeId>;
}

/** One Set per seed list, shared by every node that reads the same list. */
const setsOfLists = new WeakMap<readonly NodeId[], ReadonlySet<NodeId>>();

function setOf(list: readonly NodeId[]): ReadonlySet<NodeId> {
  let set = setsOfLists.get(list);
  if (set === undefined) {
    set = new Set(list);
    setsOfLists.set(list, set);
  }
  return set;
}

export class PeerScope {
  private constructor(
    /** Seeds in order, self excluded. */
    readonly seeds: readonly NodeId[],
    /** null: an open scope, which tracks whoever it hears of. */
    private readonly groups: readonly Group[] | null,
    /** An open scope's seeds as a set (a closed scope's seeds are its groups). */
    private readonly seedIds: ReadonlySet<NodeId> | null = null,
  ) {}

  /** The scope PROTOCOL.md §1 gives a gate, manager or worker; other roles track exactly `fallback`. */
  static forNode(env: NodeEnv<ClusterMessage>, fallback: readonly NodeId[] = []): PeerScope {
    const dc = env.dc ?? "";
    const lists: [string, readonly NodeId[]][] =
      env.role === "worker"
        ? [["manager", env.peers("manager", dc)]]
        : env.role === "manager"
          ? [
              ["manager", env.peers("manager", dc)],
              ["worker", env.peers("worker", dc)],
              ["gate", env.peers("gate")],
            ]
          : env.role === "gate"
            ? [
                ["gate", env.peers("gate")],
                ["manager", env.peers("manager")],
              ]
            : [];
    if (lists.length === 0) return PeerScope.open(fallback.filter((id) => id !== env.id));
    const seeds: NodeId[] = [];
    for (const [, ids] of lists) for (const id of ids) if (id !== env.id) seeds.push(id);
    return new PeerScope(
      seeds,
      lists.map(([role, ids]) => ({ role, ids: setOf(ids) })),
    );
  }

  /** Starts from `seeds` and tracks any peer it hears from or of (the membership's original behaviour). */
  static open(seeds: readonly NodeId[]): PeerScope {
    return new PeerScope(seeds, null, new Set(seeds));
  }

  /** The role an id is tracked in, "" in an open scope, or null when this node does not track it. */
  roleOf(id: NodeId): string | null {
    if (this.groups === null) return "";
    for (const g of this.groups) if (g.ids.has(id)) return g.role;
    return null;
  }

  /** Whether `id` is one of the seeds (a closed scope's seeds are every peer it tracks). */
  isSeed(id: NodeId): boolean {
    return this.seedIds !== null ? this.seedIds.has(id) : this.roleOf(id) !== null;
  }

  /** Whether a peer in role `observer` tracks peers in role `subject` (gossip about one is news to the other). */
  static tracks(observer: string, subject: string): boolean {
    const roles = TRACKS[observer];
    return roles === undefined || roles.includes(subject);
  }
}
