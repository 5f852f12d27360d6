// Gate peer scenarios (catalog GP-1, GP-2, GP-5): dead-peer reaping, the gate-cluster
// leader's quorum stepdown, and the one- and two-gate edge cases. All run the protocol's
// default intervals (reap 120 s, quorum check 10 s, 3 failures to step down), so their
// fault phases are minutes of virtual time.

import type { Observation } from "../../sim/index.js";
import { CHECK_NAMES } from "../../nodes/checkers.js";
import { gateConfig } from "../../nodes/config.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectAll } from "./expect.js";

const GATE = gateConfig();
const REAP_MS = GATE.deadPeerReapIntervalMs;

/** The global checkers a cluster without jobs, managers or workers cannot trigger (gate elections remain). */
const JOB_CHECKERS = [
  CHECK_NAMES.terminalOnce,
  CHECK_NAMES.clientOnce,
  CHECK_NAMES.cores,
  CHECK_NAMES.fencing,
  CHECK_NAMES.singleRun,
  CHECK_NAMES.cleanup,
  CHECK_NAMES.coresAtRest,
  CHECK_NAMES.finalizeReports,
  CHECK_NAMES.workLeavesWorker,
  CHECK_NAMES.transitions,
  CHECK_NAMES.quiescence,
];

function gatesOnly(ctx: ConstructorParameters<typeof ClusterWorld>[0], gates: number, withDc = false): ClusterWorld {
  const c = new ClusterWorld(ctx, {
    gates,
    dcs: withDc ? 1 : 0,
    managersPerDc: withDc ? 3 : 0,
    workersPerDc: withDc ? 3 : 0,
    clients: withDc ? 1 : 0,
    client: { jobCount: withDc ? 1 : 0 },
    keepEvents: true,
  });
  // Their silence here would read as a pass that proves nothing.
  if (!withDc) for (const name of JOB_CHECKERS) ctx.notApplicable(name, "gates only: no jobs, managers or workers");
  return c;
}

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

export const gatePeerReaped = defineScenario({
  id: "cluster/gate-peer-reaped",
  title: "Gate peers that go down and stay down are reaped, then purged",
  description:
    "4 gates; gate-3 crashes at 20 s and gate-4 at 50 s, and both stay down. GP-1.1: each survivor moves each peer from " +
    "unhealthy to dead once it has been unhealthy for deadPeerReapIntervalMs (120 s), and purges it after twice that, " +
    "forgetting it in membership too; the two peers are reaped on their own clocks, ~30 s apart like their crashes.",
  covers: ["GP-1.1"],
  options: { faultPhaseMs: 500_000, livenessBudgetMs: 10_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = gatesOnly(ctx, 4);
    c.world.plan([
      { atMs: 20_000, action: "crash", node: "gate-3" },
      { atMs: 50_000, action: "crash", node: "gate-4" },
    ]);
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    const survivors = ["gate-1", "gate-2"];
    ctx.check(
      "GP-1.1: each survivor declares each peer dead after ≥ 120 s unhealthy (within one check interval)",
      () => {
        for (const g of survivors) {
          for (const p of ["gate-3", "gate-4"]) {
            const dead = c.events("peer.dead", (e) => e.node === g && detail(e, "peer") === p);
            if (dead.length !== 1) return `${g} declared ${p} dead ${dead.length} times`;
            const ms = Number(dead[0]!.detail?.["unhealthyForMs"]);
            if (ms < REAP_MS || ms >= REAP_MS + GATE.deadPeerCheckIntervalMs)
              return `${g} reaped ${p} after ${ms} ms unhealthy`;
          }
        }
        return null;
      },
    );
    ctx.check("GP-1.1: each dead peer is purged ≥ 2 × the reap interval later, and forgotten by membership", () => {
      for (const g of survivors) {
        for (const p of ["gate-3", "gate-4"]) {
          const dead = c.events("peer.dead", (e) => e.node === g && detail(e, "peer") === p)[0];
          const purged = c.events("peer.purged", (e) => e.node === g && detail(e, "peer") === p)[0];
          if (dead === undefined || purged === undefined)
            return `${g}: ${p} ${dead === undefined ? "never dead" : "never purged"}`;
          if (purged.atUs - dead.atUs < 2 * REAP_MS * 1000)
            return `${g} purged ${p} ${Math.round((purged.atUs - dead.atUs) / 1000)} ms after death`;
          if (c.gate(g)?.membership.status(p) !== null) return `${g} still lists ${p} in membership`;
        }
        const r = c.gate(g)?.reaper;
        if (r === undefined || r.deadPeers.size + r.unhealthySinceUs.size > 0) return `${g} still tracks reaped peers`;
      }
      return null;
    });
    ctx.check("GP-1.1: the two peers were reaped independently, ~30 s apart like their crashes", () => {
      const d3 = c.events("peer.dead", (e) => e.node === "gate-1" && detail(e, "peer") === "gate-3")[0];
      const d4 = c.events("peer.dead", (e) => e.node === "gate-1" && detail(e, "peer") === "gate-4")[0];
      if (d3 === undefined || d4 === undefined) return "a peer was never reaped";
      const gapMs = (d4.atUs - d3.atUs) / 1000;
      return gapMs >= 30_000 - GATE.deadPeerCheckIntervalMs && gapMs <= 30_000 + GATE.deadPeerCheckIntervalMs + 60_000
        ? null
        : `reaped ${gapMs} ms apart`;
    });
  },
});

export const gatePeersFailTogether = defineScenario({
  id: "cluster/gate-peers-fail-together",
  title: "Three gate peers fail at the same instant: each is tracked and reaped on its own clock",
  description:
    "7 gates; gate-3, gate-4 and gate-5 crash together at 20 s and stay down. With four survivors probing, the three " +
    "are suspected within seconds of each other, so they fall due in the same reap check. GP-1.3: each survivor starts " +
    "each peer's unhealthy clock at its own first signal about that peer, declares every one of them dead once it has " +
    "been unhealthy for deadPeerReapIntervalMs — within one check interval, none held back by the others — and purges " +
    "and forgets all three.",
  covers: ["GP-1.3"],
  options: { gates: 7, crashAtMs: 20_000, faultPhaseMs: 500_000, livenessBudgetMs: 10_000 },
  schema: {
    gates: integer(5, 50, "gates (gate-3, gate-4 and gate-5 crash; the rest survive)"),
    crashAtMs: duration("0ms", "24h", "when the three gates crash together"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const c = gatesOnly(ctx, ctx.options.gates);
    const peers = ["gate-3", "gate-4", "gate-5"];
    c.world.plan(peers.map((node) => ({ atMs: ctx.options.crashAtMs, action: "crash", node })));
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    const survivors = c.ids("gate").filter((g) => !peers.includes(g));
    ctx.check("GP-1.3: each survivor's unhealthy clock for each peer starts at its own suspicion of that peer", () => {
      for (const g of survivors) {
        for (const p of peers) {
          // The first unhealthy signal: a suspicion, or a death learned by gossip before any suspicion.
          const firstSignal = (e: Observation): boolean =>
            e.node === g && detail(e, "node") === p && (e.kind === "member.suspect" || e.kind === "member.dead");
          const suspect = [...c.events("member.suspect", firstSignal), ...c.events("member.dead", firstSignal)].sort(
            (a, b) => a.atUs - b.atUs,
          )[0];
          const dead = c.events("peer.dead", (e) => e.node === g && detail(e, "peer") === p)[0];
          if (suspect === undefined || dead === undefined) return `${g}: ${p} never suspected or never dead`;
          const sinceUs = dead.atUs - Number(dead.detail?.["unhealthyForMs"]) * 1000;
          if (Math.abs(sinceUs - suspect.atUs) >= 1000)
            return `${g} counted ${p} unhealthy from ${sinceUs / 1000} ms, suspected it at ${suspect.atUs / 1000} ms`;
        }
      }
      return null;
    });
    ctx.check("GP-1.3: every peer is declared dead once per survivor, ≥ 120 s unhealthy and within one check", () => {
      for (const g of survivors) {
        for (const p of peers) {
          const dead = c.events("peer.dead", (e) => e.node === g && detail(e, "peer") === p);
          if (dead.length !== 1) return `${g} declared ${p} dead ${dead.length} times`;
          const ms = Number(dead[0]!.detail?.["unhealthyForMs"]);
          if (ms < REAP_MS || ms >= REAP_MS + GATE.deadPeerCheckIntervalMs)
            return `${g} reaped ${p} after ${ms} ms unhealthy`;
        }
      }
      return null;
    });
    ctx.check("GP-1.3: all three are purged ≥ 2 × the reap interval after death and forgotten", () => {
      for (const g of survivors) {
        for (const p of peers) {
          const dead = c.events("peer.dead", (e) => e.node === g && detail(e, "peer") === p)[0];
          const purged = c.events("peer.purged", (e) => e.node === g && detail(e, "peer") === p);
          if (dead === undefined || purged.length !== 1) return `${g} purged ${p} ${purged.length} times`;
          if (purged[0]!.atUs - dead.atUs < 2 * REAP_MS * 1000) return `${g} purged ${p} too early`;
          if (c.gate(g)?.membership.status(p) !== null) return `${g} still lists ${p} in membership`;
        }
        const r = c.gate(g)?.reaper;
        if (r === undefined || r.deadPeers.size + r.unhealthySinceUs.size + r.epochs.size > 0)
          return `${g} still tracks reaped peers`;
      }
      return null;
    });
  },
});

export const gatePeerRecovers = defineScenario({
  id: "cluster/gate-peer-recovers",
  title: "A gate peer that recovers before the reap threshold is never reaped",
  description:
    "3 gates; gate-3 is cut off from the others at 20 s and reconnected at 60 s, well inside the 120 s reap interval. " +
    "GP-1.2: the survivors suspect it (unhealthy), then mark it healthy when it refutes, and never declare it dead.",
  covers: ["GP-1.2"],
  options: { cutAtMs: 20_000, healAtMs: 60_000, faultPhaseMs: 400_000, livenessBudgetMs: 10_000 },
  schema: {
    cutAtMs: duration("0ms", "24h", "when gate-3 is cut off from the other gates"),
    healAtMs: duration("0ms", "24h", "when gate-3 is reconnected"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const o = ctx.options;
    const c = gatesOnly(ctx, 3);
    c.world.plan([
      { atMs: o.cutAtMs, action: "partition", a: ["gate-3"], b: ["gate-1", "gate-2"], oneWay: false, name: "cut" },
      { atMs: o.healAtMs, action: "heal", name: "cut" },
    ]);
    c.run(o.faultPhaseMs, o.livenessBudgetMs);
    ctx.check("GP-1.2: the survivors saw gate-3 unhealthy (suspected) during the cut", () =>
      c.events("member.suspect", (e) => e.node !== "gate-3" && detail(e, "node") === "gate-3").length > 0
        ? null
        : "gate-3 was never suspected",
    );
    ctx.check("GP-1.2: each survivor marked gate-3 healthy after the heal, and nothing is left tracked", () => {
      for (const g of ["gate-1", "gate-2"]) {
        if (
          c.events("peer.healthy", (e) => e.node === g && detail(e, "peer") === "gate-3" && e.atUs >= o.healAtMs * 1000)
            .length === 0
        )
          return `${g} never marked gate-3 healthy`;
        if ((c.gate(g)?.reaper.unhealthySinceUs.size ?? 1) > 0) return `${g} still has an unhealthy timestamp`;
      }
      return null;
    });
    ctx.check("GP-1.2: gate-3 was never reaped", () =>
      c.events("peer.dead").length === 0 ? null : `${c.events("peer.dead").length} peer.dead events`,
    );
  },
});

/** The gate-cluster leader's failed-check streaks, in order. */
function streaks(c: ClusterWorld, leader: string): number[] {
  return c.events("quorum.check", (e) => e.node === leader).map((e) => Number(e.detail?.["streak"]));
}

export const quorumLoss = defineScenario({
  id: "cluster/quorum-loss",
  title: "Gates fail one by one until the leader loses quorum and steps down",
  description:
    "5 gates. From 30 s the non-leader gates crash one every 30 s until two are left (quorum is 3). GP-2.1: the leader's " +
    "checks pass while quorum holds, then fail with streak 1, 2, 3 and it steps down at the third. GP-2.3: no other gate " +
    "runs the quorum check or steps down. The survivors' probes of dead peers keep failing, so their LHM (and with it " +
    "the Lifeguard suspicion time) climbs: the last death is only confirmed minutes later, hence the long fault phase.",
  covers: ["GP-2.1", "GP-2.3"],
  options: { faultPhaseMs: 900_000, livenessBudgetMs: 10_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = gatesOnly(ctx, 5);
    let leader = "";
    ctx.kernel.at(25_000_000, () => {
      leader = c.gateLeader() ?? "";
      const victims = c
        .ids("gate")
        .filter((g) => g !== leader)
        .slice(0, 3);
      victims.forEach((g, i) => {
        ctx.kernel.at((30_000 + 30_000 * i) * 1000, () => c.world.crash(g));
      });
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("GP-2.1: the leader's failed checks run 1, 2, 3 and it steps down for quorum at the third", () => {
      if (leader === "") return "no gate leader at 25 s";
      const failing = streaks(c, leader).filter((s) => s > 0);
      if (failing.join(",") !== "1,2,3") return `failed streaks ${failing.join(",")}`;
      const down = c.events("leader.stepdown", (e) => e.node === leader);
      const third = c.events("quorum.check", (e) => e.node === leader && e.detail?.["streak"] === 3)[0];
      return down.length === 1 && detail(down[0]!, "reason") === "quorum" && down[0]!.atUs === third?.atUs
        ? null
        : `stepdowns: ${down.map((d) => detail(d, "reason")).join(",")}`;
    });
    ctx.check("GP-2.1: quorum held (streak 0) until the third gate was gone", () => {
      const firstFail = c.events("quorum.check", (e) => e.node === leader && e.detail?.["ok"] === false)[0];
      return firstFail !== undefined && firstFail.atUs > 90_000_000
        ? null
        : `first failed check at ${firstFail?.atUs ?? "never"}`;
    });
    ctx.check("GP-2.3: non-leaders never ran the check nor stepped down", () => {
      const others = [...c.events("quorum.check"), ...c.events("leader.stepdown")].filter(
        (e) => e.role === "gate" && e.node !== leader,
      );
      return others.length === 0 ? null : `${others[0]!.node} emitted ${others[0]!.kind}`;
    });
  },
});

export const quorumRegained = defineScenario({
  id: "cluster/quorum-regained",
  title: "Quorum lost for one check and regained: the streak resets and the leader stays",
  description:
    "3 gates. At 30 s both non-leaders crash; as soon as the leader's first quorum check fails they restart. GP-2.2: the " +
    "streak never passes 1, returns to 0, and the leader never steps down.",
  covers: ["GP-2.2"],
  options: { faultPhaseMs: 300_000, livenessBudgetMs: 10_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = gatesOnly(ctx, 3);
    let leader = "";
    let others: string[] = [];
    ctx.kernel.at(30_000_000, () => {
      leader = c.gateLeader() ?? "";
      others = c.ids("gate").filter((g) => g !== leader);
      for (const g of others) c.world.crash(g);
    });
    c.once(
      "quorum.check",
      () => {
        for (const g of others) c.world.restart(g);
      },
      (e) => e.detail?.["ok"] === false,
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("GP-2.2: the failed streak reached 1, never 2, and reset to 0", () => {
      const s = streaks(c, leader);
      return s.includes(1) && Math.max(...s) === 1 && s[s.length - 1] === 0 ? null : `streaks ${s.join(",")}`;
    });
    ctx.check("GP-2.2: the leader stayed leader", () =>
      c.events("leader.stepdown", (e) => e.node === leader).length === 0 && c.gate(leader)?.isLeader === true
        ? null
        : `${leader} lost the leadership`,
    );
  },
});

export const splitBrain = defineScenario({
  id: "cluster/split-brain",
  title: "A partition leaves no side with quorum: every leader steps down",
  description:
    "4 gates split 2 | 2 at 30 s (quorum is 3) until the heal. GP-2.4: the leader steps down for quorum, no gate on " +
    "either side is elected while the split lasts, at every quorum check at most one gate believes it leads, and just " +
    "before the heal no gate leads. Long fault phase: LHM stretches each side's suspicion of the other.",
  covers: ["GP-2.4"],
  options: { splitAtMs: 30_000, faultPhaseMs: 900_000, livenessBudgetMs: 30_000 },
  schema: { splitAtMs: duration("0ms", "24h", "when the gates split 2 | 2"), ...phaseSpecs },
  setup(ctx) {
    const o = ctx.options;
    const c = gatesOnly(ctx, 4);
    c.world.plan([
      {
        atMs: o.splitAtMs,
        action: "partition",
        a: ["gate-1", "gate-2"],
        b: ["gate-3", "gate-4"],
        oneWay: false,
        name: "split",
      },
    ]);
    // Sampled at each quorum check (any gate's), when a second self-believed leader would matter.
    const doubleLeads: string[] = [];
    c.world.onEmit((e) => {
      if (e.kind !== "quorum.check" || e.role !== "gate") return;
      const leading = c.ids("gate").filter((g) => c.gate(g)?.isLeader === true);
      if (leading.length > 1) doubleLeads.push(`${leading.join(" and ")} at ${e.atUs / 1000} ms`);
    });
    let leadersBeforeHeal: string[] = ["?"];
    ctx.kernel.at(o.faultPhaseMs * 1000 - 1, () => {
      leadersBeforeHeal = c.ids("gate").filter((g) => c.gate(g)?.isLeader === true);
    });
    c.run(o.faultPhaseMs, o.livenessBudgetMs);
    ctx.check("GP-2.4: every gate that led during the split stepped down for quorum", () => {
      const led = new Set(c.events("leader.elected", (e) => e.role === "gate").map((e) => e.node));
      for (const g of led)
        if (c.events("leader.stepdown", (e) => e.node === g && detail(e, "reason") === "quorum").length === 0)
          return `${g} never stepped down for quorum`;
      return led.size > 0 ? null : "no leader was ever elected";
    });
    ctx.check("GP-2.4: no gate on either side was elected between the split and the heal", () => {
      const during = c.events(
        "leader.elected",
        (e) => e.role === "gate" && e.atUs > o.splitAtMs * 1000 && e.atUs < o.faultPhaseMs * 1000,
      );
      return during.length === 0
        ? null
        : `elected: ${during.map((e) => `${e.node} (term ${detail(e, "term")}) at ${e.atUs / 1000} ms`).join(", ")}`;
    });
    ctx.check("GP-2.4: at every quorum check at most one gate believed it leads", () =>
      doubleLeads.length === 0 ? null : `${doubleLeads.length} checks with two leaders; first: ${doubleLeads[0]}`,
    );
    ctx.check("GP-2.4: no gate leads at the end of the split", () =>
      leadersBeforeHeal.length === 0 ? null : `leaders: ${leadersBeforeHeal.join(", ")}`,
    );
  },
});

export const singleGate = defineScenario({
  id: "cluster/single-gate",
  title: "A single gate always has quorum (1/1)",
  description:
    "1 gate with dc1 (3 managers, 3 workers) and a client. GP-5.1: every quorum check passes with size 1, the gate stays leader and runs a job to completion.",
  covers: ["GP-5.1"],
  options: { faultPhaseMs: 120_000, livenessBudgetMs: 60_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = gatesOnly(ctx, 1, true);
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("GP-5.1: every quorum check passed with quorum size 1", () => {
      const checks = c.events("quorum.check", (e) => e.role === "gate");
      return checks.length >= 10 && checks.every((e) => e.detail?.["ok"] === true && e.detail?.["size"] === 1)
        ? null
        : `${checks.length} checks, some failing or sized ≠ 1`;
    });
    ctx.check("GP-5.1: the lone gate is leader and completed the job", () =>
      c.gate("gate-1")?.isLeader === true ? expectAll(c.clientStatuses(), "completed", 1) : "gate-1 is not leader",
    );
  },
});

export const twoGates = defineScenario({
  id: "cluster/two-gates",
  title: "Two gates: quorum is 2, so losing either loses quorum",
  description:
    "2 gates with dc1 and a client. At 30 s the non-leader gate crashes. GP-5.2: checks report size 2; the leader steps " +
    "down after 3 failed checks, and while quorum is lost the gate refuses submissions (`quorum unavailable`). After the " +
    "heal the peer returns and the client's job completes.",
  covers: ["GP-5.2"],
  options: { faultPhaseMs: 300_000, livenessBudgetMs: 120_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 2,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 3,
      client: { jobCount: 1, firstSubmitDelayMs: 200_000, submitMaxAttempts: 1000, submitRetryBaseMs: 5_000 },
    });
    let leader = "";
    ctx.kernel.at(30_000_000, () => {
      leader = c.gateLeader() ?? "";
      c.world.crash(leader === "gate-1" ? "gate-2" : "gate-1");
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("GP-5.2: quorum size is 2 in every gate check", () =>
      c.events("quorum.check", (e) => e.role === "gate").every((e) => e.detail?.["size"] === 2)
        ? null
        : "a check with size ≠ 2",
    );
    ctx.check("GP-5.2: losing one gate made the leader step down for quorum", () =>
      c.events("leader.stepdown", (e) => e.node === leader && detail(e, "reason") === "quorum").length === 1
        ? null
        : `no quorum stepdown on ${leader}`,
    );
    ctx.check("GP-5.2: without quorum the gate refused the submission", () =>
      c.events("job.rejected", (e) => detail(e, "reason") === "quorum unavailable").length > 0
        ? null
        : "no quorum-unavailable rejection",
    );
    ctx.check("after the heal the job completed", () => expectAll(c.clientStatuses(), "completed", 1));
  },
});
