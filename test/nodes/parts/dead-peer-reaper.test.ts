// Unit tests of dead-peer reaping (src/nodes/parts/dead-peer-reaper.ts).

import { describe, expect, it } from "vitest";
import type { NodeEnv, SimNode } from "../../../src/sim/index.js";
import type { ClusterMessage } from "../../../src/nodes/messages.js";
import { DeadPeerReaper } from "../../../src/nodes/parts/dead-peer-reaper.js";
import { TestCluster } from "../harness.js";

const CHECK_MS = 1_000;
const REAP_MS = 10_000;

/** A gate that only reaps, recording what its hooks heard. */
class ReapingNode implements SimNode<ClusterMessage> {
  readonly reaper: DeadPeerReaper;
  readonly dead: string[] = [];
  readonly purged: string[] = [];
  constructor(env: NodeEnv<ClusterMessage>) {
    this.reaper = new DeadPeerReaper(
      env,
      { checkIntervalMs: CHECK_MS, reapIntervalMs: REAP_MS },
      { onDead: (peer) => this.dead.push(peer), onPurge: (peer) => this.purged.push(peer) },
    );
  }
  start(): void {
    this.reaper.start();
  }
  receive(): void {}
}

/** gate-1 sees gate-2 unhealthy at 1 s, and healthy again at `recoverAtMs` (or never). */
function reaping(recoverAtMs: number | null): ReapingNode {
  const c = new TestCluster(
    { gates: 2, dcs: 0, managersPerDc: 0, workersPerDc: 0, clients: 0 },
    { gate: (env) => new ReapingNode(env) },
  );
  c.start();
  const gate1 = (): ReapingNode => c.node<ReapingNode>("gate-1");
  c.at(1_000, () => gate1().reaper.markUnhealthy("gate-2"));
  if (recoverAtMs !== null) c.at(recoverAtMs, () => gate1().reaper.markHealthy("gate-2"));
  c.run(1_000 + 4 * REAP_MS);
  return gate1();
}

describe("dead-peer reaper (§5.3, GP-1)", () => {
  it("a peer unhealthy for a reap interval is dead, and purged two intervals later", () => {
    const r = reaping(null);
    expect(r.dead).toEqual(["gate-2"]);
    expect(r.purged).toEqual(["gate-2"]);
  });

  it("a dead peer that recovers before its purge is alive again: never purged, no longer dead", () => {
    const r = reaping(1_000 + REAP_MS + 5_000);
    expect(r.dead).toEqual(["gate-2"]);
    expect(r.purged).toEqual([]);
    expect(r.reaper.isDead("gate-2")).toBe(false);
  });
});
