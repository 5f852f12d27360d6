// Unit tests of SWIM membership with Lifeguard suspicion (src/nodes/parts/membership.ts).

import { describe, expect, it } from "vitest";
import type { NodeEnv, SimNode } from "../../../src/sim/index.js";
import { gateConfig, type MembershipConfig } from "../../../src/nodes/config.js";
import { isMembershipMessage, type ClusterMessage } from "../../../src/nodes/messages.js";
import { Membership } from "../../../src/nodes/parts/membership.js";
import { TestCluster } from "../harness.js";

/** A node that only runs membership over the gate seed list. */
class MemberNode implements SimNode<ClusterMessage> {
  readonly membership: Membership;
  constructor(env: NodeEnv<ClusterMessage>, cfg: MembershipConfig) {
    this.membership = new Membership(
      env,
      cfg,
      env.peers("gate").filter((id) => id !== env.id),
    );
  }
  start(): void {
    this.membership.start();
  }
  receive(from: string, msg: ClusterMessage): void {
    this.membership.heard(from);
    if (isMembershipMessage(msg)) this.membership.handle(from, msg);
  }
}

function members(n: number, cfg: MembershipConfig = gateConfig(), seed = 1): TestCluster {
  return new TestCluster(
    { gates: n, dcs: 0, managersPerDc: 0, workersPerDc: 0, clients: 0 },
    { gate: (env) => new MemberNode(env, cfg) },
    seed,
  );
}

describe("membership (§3.5, §5.2)", () => {
  it("a crashed peer is suspected, then declared dead exactly once per observer, no sooner than the Lifeguard minimum", () => {
    const c = members(4);
    c.start();
    c.at(10_000, () => c.crash("gate-4"));
    c.run(200_000);
    for (const observer of ["gate-1", "gate-2", "gate-3"]) {
      const suspect = c.emitted("member.suspect", (e) => e.node === observer && e.detail["node"] === "gate-4");
      const dead = c.emitted("member.dead", (e) => e.node === observer && e.detail["node"] === "gate-4");
      expect(suspect.length).toBe(1);
      expect(dead.length).toBe(1);
      expect(dead[0]!.atUs - suspect[0]!.atUs).toBeGreaterThanOrEqual(gateConfig().globalSuspicionMinMs * 1000);
    }
    // Confirmations only shorten the deadline: whoever suspected first (no confirmers yet) still
    // waits the full single-confirmer time, measured from its own start.
    const deaths = c.emitted("member.dead", (e) => e.detail["node"] === "gate-4");
    expect(
      deaths.filter((e) => e.detail["via"] === "probe").length +
        deaths.filter((e) => e.detail["via"] === "gossip").length,
    ).toBe(3);
  });

  it("a peer cut off for less than its suspicion refutes with a higher incarnation and is never declared dead", () => {
    const c = members(3);
    c.start();
    c.at(10_000, () => c.isolate("gate-3"));
    c.at(25_000, () => c.heal());
    c.run(200_000);
    expect(c.emitted("member.suspect", (e) => e.detail["node"] === "gate-3").length).toBeGreaterThan(0);
    const refuted = c.emitted("member.refuted", (e) => e.node === "gate-3");
    expect(refuted.length).toBeGreaterThan(0);
    expect(
      c.emitted("member.alive", (e) => e.detail["node"] === "gate-3" && Number(e.detail["incarnation"]) > 1).length,
    ).toBeGreaterThan(0);
    expect(c.emitted("member.dead")).toEqual([]);
    expect(c.node<MemberNode>("gate-1").membership.status("gate-3")).toBe("ok");
  });

  it("a seed that never starts stays unconfirmed: never suspected, and dropped after unconfirmedCleanupMs", () => {
    const c = members(3);
    c.start({ except: ["gate-3"] });
    c.run(400_000);
    expect(c.emitted("member.suspect", (e) => e.detail["node"] === "gate-3")).toEqual([]);
    expect(c.node<MemberNode>("gate-1").membership.status("gate-3")).toBeNull();
  });

  it("a peer restarted before anyone declared it dead is recognised by its incarnation jump", () => {
    const c = members(3);
    c.start();
    c.at(10_000, () => c.crash("gate-3"));
    c.at(20_000, () => c.restart("gate-3"));
    c.run(100_000);
    expect(c.emitted("member.restarted", (e) => e.node === "gate-1" && e.detail["node"] === "gate-3").length).toBe(1);
    expect(c.emitted("member.dead")).toEqual([]);
  });

  it("a peer restarted after being declared dead rejoins through the zombie guard and fires join once", () => {
    const c = members(3);
    c.start();
    c.at(10_000, () => c.crash("gate-3"));
    // Suspicion is stretched by the observers' LHM (their probes of gate-3 time out), so
    // death comes well after the unstretched 75 s; restart once it surely has.
    c.at(250_000, () => c.restart("gate-3"));
    c.run(350_000);
    expect(c.emitted("member.dead", (e) => e.node === "gate-1" && e.detail["node"] === "gate-3").length).toBe(1);
    const join = c.emitted("member.join", (e) => e.node === "gate-1" && e.detail["node"] === "gate-3");
    expect(join.length).toBe(1);
    expect(Number(join[0]!.detail["incarnation"])).toBeGreaterThanOrEqual(1 + gateConfig().zombieIncarnationBump);
    expect(c.node<MemberNode>("gate-1").membership.status("gate-3")).toBe("ok");
  });

  it("inside the zombie window, only a restart-sized incarnation jump revives a dead member", () => {
    const cfg = gateConfig();
    const c = members(3, cfg);
    c.start();
    c.at(10_000, () => c.crash("gate-3"));
    let deathInc = -1;
    let deadAtUs = -1;
    c.onEmit((e) => {
      if (deadAtUs >= 0 || e.kind !== "member.dead" || e.node !== "gate-1" || e.detail["node"] !== "gate-3") return;
      deathInc = Number(e.detail["incarnation"]);
      deadAtUs = e.atUs;
      // A rumour of an alive gate-3 one below the bump (sent before its death, say) arrives soon after.
      c.kernel.after(1_000_000, () =>
        c.node<MemberNode>("gate-1").membership.handle("gate-2", {
          type: "alive",
          node: "gate-3",
          incarnation: deathInc + cfg.zombieIncarnationBump - 1,
        }),
      );
    });
    c.run(300_000);
    expect(deadAtUs).toBeGreaterThan(0);
    expect(c.emitted("member.join", (e) => e.node === "gate-1" && e.detail["node"] === "gate-3")).toEqual([]);
    expect(c.node<MemberNode>("gate-1").membership.status("gate-3")).toBe("dead");
  });

  it("an ack answers only the probe round it names: a stale ack from the target does not save the round", () => {
    const c = members(2);
    c.start();
    c.at(5_000, () => c.crash("gate-2"));
    // gate-2's old acks keep arriving (replayed) while it is down; seq 0 is never a round's.
    for (let ms = 5_050; ms < 100_000; ms += 50)
      c.at(ms, () =>
        c
          .node<MemberNode>("gate-1")
          .membership.handle("gate-2", { type: "ack", seq: 0, incarnation: 1, embedded: null }),
      );
    c.run(100_000);
    expect(c.emitted("member.suspect", (e) => e.node === "gate-1" && e.detail["node"] === "gate-2").length).toBe(1);
  });

  it("the LHM score stays within [0, lhmMaxScore] through a long outage of most peers", () => {
    const cfg = gateConfig();
    const c = members(5, cfg);
    let maxSeen = 0;
    c.onEmit(() => {
      maxSeen = Math.max(maxSeen, c.node<MemberNode>("gate-1").membership.lhm);
    });
    c.start();
    c.at(5_000, () => c.isolate("gate-1"));
    c.at(200_000, () => c.heal());
    c.run(300_000);
    expect(maxSeen).toBeGreaterThan(0);
    expect(maxSeen).toBeLessThanOrEqual(cfg.lhmMaxScore);
  });
});
