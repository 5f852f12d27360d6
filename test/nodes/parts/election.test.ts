// Unit tests of term election with pre-vote (src/nodes/parts/election.ts).

import { describe, expect, it } from "vitest";
import type { NodeEnv, SimNode } from "../../../src/sim/index.js";
import { ClusterCheckers, CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { gateConfig } from "../../../src/nodes/config.js";
import { isElectionMessage, type ClusterMessage } from "../../../src/nodes/messages.js";
import { Election } from "../../../src/nodes/parts/election.js";
import { TestCluster } from "../harness.js";

/** A node that only votes: every gate is a voter of group "g". */
class VoterNode implements SimNode<ClusterMessage> {
  readonly election: Election;
  constructor(env: NodeEnv<ClusterMessage>) {
    this.election = new Election(
      env,
      gateConfig(),
      "g",
      env.peers("gate").filter((id) => id !== env.id),
      { eligible: () => true, lhm: () => 0 },
    );
  }
  start(): void {
    this.election.start();
  }
  receive(from: string, msg: ClusterMessage): void {
    if (isElectionMessage(msg)) this.election.handle(from, msg);
  }
}

function voters(n: number, seed: number): TestCluster {
  return new TestCluster(
    { gates: n, dcs: 0, managersPerDc: 0, workersPerDc: 0, clients: 0 },
    { gate: (env) => new VoterNode(env) },
    seed,
  );
}

describe("term election (§3.7)", () => {
  it("three voters elect one leader; when it crashes another wins a higher term and the restarted one follows it", () => {
    const c = voters(3, 7);
    c.start();
    let first = "";
    c.at(20_000, () => {
      first = c.emitted("leader.elected")[0]!.node;
      c.crash(first);
    });
    c.at(60_000, () => c.restart(first));
    c.run(120_000);
    const elected = c.emitted("leader.elected");
    expect(elected.length).toBe(2);
    expect(elected[1]!.node).not.toBe(first);
    expect(Number(elected[1]!.detail["term"])).toBeGreaterThan(Number(elected[0]!.detail["term"]));
    const restarted = c.node<VoterNode>(first).election;
    expect(restarted.isLeader).toBe(false);
    expect(restarted.leader).toBe(elected[1]!.node);
    expect(restarted.term).toBe(Number(elected[1]!.detail["term"]));
  });

  it("a lone voter of three never becomes leader (pre-votes keep its term from climbing)", () => {
    const c = voters(3, 3);
    c.start();
    c.at(0, () => {
      c.crash("gate-2");
      c.crash("gate-3");
    });
    c.run(120_000);
    expect(c.emitted("leader.elected")).toEqual([]);
    expect(c.node<VoterNode>("gate-1").election.term).toBe(0);
  });

  it("a restarted voter keeps its vote: a second candidate of the same term is refused", () => {
    const c = voters(3, 5);
    c.start();
    // Only gate-1 runs; the candidates are messages handed to it.
    c.at(0, () => {
      c.crash("gate-2");
      c.crash("gate-3");
    });
    const claim = (from: string): void =>
      c.node<VoterNode>("gate-1").election.handle(from, { type: "leader-claim", term: 7, lhm: 0 });
    c.at(1_000, () => claim("gate-2"));
    c.at(2_000, () => {
      c.crash("gate-1");
      c.restart("gate-1");
    });
    c.at(3_000, () => claim("gate-3"));
    c.run(4_000);
    const granted = c.emitted("leader.voted", (e) => e.node === "gate-1" && e.detail["term"] === 7);
    expect(granted.map((e) => e.detail["candidate"])).toEqual(["gate-2"]);
    expect(c.node<VoterNode>("gate-1").election.term).toBe(7);
  });

  it("a candidate counts only votes of its own term: a late grant from an earlier term does not elect it", () => {
    const c = voters(5, 5);
    c.start();
    c.at(0, () => {
      for (const id of ["gate-2", "gate-3", "gate-4", "gate-5"]) c.crash(id);
    });
    // Once gate-1 asks for pre-votes, two grants make it a candidate of term 1 (three of five).
    let candidateAtMs = -1;
    for (let ms = 100; ms < 20_000; ms += 100)
      c.at(ms, () => {
        const e = c.node<VoterNode>("gate-1").election;
        if (candidateAtMs >= 0 || e.role !== "pre-candidate") return;
        e.handle("gate-2", { type: "pre-vote-resp", term: e.term + 1, granted: true });
        e.handle("gate-3", { type: "pre-vote-resp", term: e.term + 1, granted: true });
        candidateAtMs = ms;
        // Grants of term 0 arrive late from the other two: they must not count.
        e.handle("gate-4", { type: "leader-vote", term: e.term - 1, granted: true });
        e.handle("gate-5", { type: "leader-vote", term: e.term - 1, granted: true });
      });
    c.run(20_000);
    expect(candidateAtMs).toBeGreaterThan(0);
    expect(c.emitted("leader.elected")).toEqual([]);
  });

  it("across 30 seeds of crashes, restarts and partitions, no term ever has two leaders (durable votes)", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const c = voters(5, seed);
      const violations: string[] = [];
      const checkers = new ClusterCheckers((check, message) => violations.push(`${check}: ${message}`), {
        gateJobRetentionMs: 0,
        gateJobCleanupIntervalMs: 0,
        managerCompletedJobMaxAgeMs: 0,
        managerFailedJobMaxAgeMs: 0,
        managerJobCleanupIntervalMs: 0,
      });
      c.onEmit((e) => checkers.observe(e.node, e.kind, e.detail, e.atUs));
      c.start();
      const ids = c.ids("gate");
      for (let k = 0; k < 12; k++) {
        const victim = ids[(seed * 7 + k * 3) % ids.length]!;
        const at = 8_000 + k * 9_000 + ((seed * 1_337) % 4_000);
        if (k % 3 === 2)
          c.at(at, () =>
            c.partition(
              [victim, ids[(k + seed) % ids.length]!],
              ids.filter((x) => x !== victim),
            ),
          );
        else c.at(at, () => c.crash(victim));
        c.at(at + 5_000 + (seed % 3) * 1_000, () => {
          c.heal();
          c.restart(victim);
        });
      }
      c.run(150_000);
      expect(
        violations.filter((v) => v.startsWith(CHECK_NAMES.leaderPerTerm)),
        `seed ${seed}`,
      ).toEqual([]);
      expect(c.emitted("leader.elected").length, `seed ${seed}`).toBeGreaterThan(1);
    }
  });
});
