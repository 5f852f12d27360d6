// cluster/refutation-rate-limit: a scripted manager keeps telling one real worker that it
// is suspected, always at the worker's latest incarnation, so the worker has to refute
// again and again. It checks the refutation rate limit of the membership layer (PROTOCOL
// §4.1 refutationRateLimitCount / refutationRateLimitWindowMs, parts/membership.ts
// `refute`): at most that many refutations inside one window, the rest refused without an
// incarnation bump, and refutation working again once the window has moved on.
//
// A stand-in is needed: real peers gossip a suspicion only after a failed probe round, far
// less often than the limit allows, so no run of real nodes refutes this fast.

import type { NodeEnv, NodeId, SimNode } from "../../sim/index.js";
import type { ClusterMessage } from "../../nodes/messages.js";
import { workerConfig } from "../../nodes/config.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { phaseSpecs } from "../phase-specs.js";

const WORKER = workerConfig();
const FIRST_SUSPICION_US = 3_000_000;
/** Not a divisor of the window, so no suspicion lands on its edge (link jitter cannot flip a verdict). */
const SUSPICION_PERIOD_US = 700_000;
const SUSPICIONS = 40;

interface Suspicion {
  atUs: number;
  incarnation: number;
}

/** Stands in for dc1's only manager: registers the worker, answers its probes, and suspects it every 700 ms. */
class SuspiciousManager implements SimNode<ClusterMessage> {
  /** The worker's latest incarnation, from its probes and alive broadcasts. */
  private workerIncarnation = 0;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly sent: Suspicion[],
  ) {}

  start(): void {
    const worker = this.env.peers("worker", this.env.dc ?? "")[0];
    if (worker === undefined) return;
    for (let i = 0; i < SUSPICIONS; i++)
      this.env.after(FIRST_SUSPICION_US + i * SUSPICION_PERIOD_US, () => this.suspect(worker));
  }

  private suspect(worker: NodeId): void {
    this.sent.push({ atUs: this.env.now(), incarnation: this.workerIncarnation });
    this.env.send(worker, { type: "suspect", node: worker, incarnation: this.workerIncarnation });
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    if (msg.type === "worker-registration")
      this.env.send(from, {
        type: "registration-response",
        accepted: true,
        managerId: this.env.id,
        leaderId: this.env.id,
        healthyManagers: [this.env.id],
      });
    else if (msg.type === "probe") {
      this.workerIncarnation = Math.max(this.workerIncarnation, msg.incarnation);
      this.env.send(from, { type: "ack", seq: msg.seq, incarnation: 1, embedded: null });
    } else if (msg.type === "alive" && msg.node === from)
      this.workerIncarnation = Math.max(this.workerIncarnation, msg.incarnation);
  }
}

export const refutationRateLimit = defineScenario({
  id: "cluster/refutation-rate-limit",
  title: "A worker suspected every 700 ms refutes at most refutationRateLimitCount times per window",
  description:
    "One real worker; a scripted manager (dc1's only manager) sends it a suspect gossip about itself at its latest " +
    "incarnation every 700 ms from 3 s on. The worker refutes the first refutationRateLimitCount (5) suspicions, each " +
    "with an alive broadcast one incarnation higher; every suspicion after that inside the 10 s window is refused (no " +
    "refutation, incarnation unchanged); the first suspicion after the window is refuted again, and no 10 s window " +
    "ever holds more than 5 refutations.",
  covers: [],
  options: { faultPhaseMs: 35_000, livenessBudgetMs: 1_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const sent: Suspicion[] = [];
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 0,
      dcs: 1,
      managersPerDc: 1,
      workersPerDc: 1,
      clients: 0,
      factories: { manager: (env) => new SuspiciousManager(env, sent) },
    });
    const worker = c.ids("worker")[0] ?? "";
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const limit = WORKER.refutationRateLimitCount;
    const windowUs = WORKER.refutationRateLimitWindowMs * 1000;
    const refuted = (): { atUs: number; incarnation: number }[] =>
      c
        .events("member.refuted", (e) => e.node === worker)
        .map((e) => ({ atUs: e.atUs, incarnation: Number(e.detail?.["incarnation"]) }));
    /** The suspicion each refutation answered: the last one sent before it. */
    const answered = (atUs: number): Suspicion | undefined => sent.filter((s) => s.atUs <= atUs).at(-1);

    ctx.check(`exactly ${limit} refutations in the first window, each one incarnation above the suspicion`, () => {
      const r = refuted();
      const first = r[0];
      if (first === undefined) return "the worker never refuted";
      const inWindow = r.filter((x) => x.atUs < first.atUs + windowUs);
      if (inWindow.length !== limit) return `${inWindow.length} refutations in the first window`;
      for (const x of inWindow) {
        const s = answered(x.atUs);
        if (s === undefined || x.incarnation !== s.incarnation + 1)
          return `refuted to ${x.incarnation} a suspicion at ${s?.incarnation ?? "?"}`;
      }
      return null;
    });
    ctx.check("every suspicion after the limit inside the window was refused: no refutation, no bump", () => {
      const r = refuted();
      const first = r[0];
      const last = r[limit - 1];
      if (first === undefined || last === undefined) return `only ${r.length} refutations`;
      const refused = sent.filter((s) => s.atUs > last.atUs && s.atUs < first.atUs + windowUs);
      if (refused.length === 0) return "no suspicion fell inside the refused span";
      const bumped = r.filter((x) => x.atUs > last.atUs && x.atUs < first.atUs + windowUs);
      if (bumped.length > 0) return `${bumped.length} refutations inside the refused span`;
      return refused.every((s) => s.incarnation === last.incarnation)
        ? null
        : "the worker's incarnation moved while its refutations were refused";
    });
    ctx.check("refutation resumes once the window has moved on", () => {
      const r = refuted();
      const first = r[0];
      const resumed = sent.find((s) => first !== undefined && s.atUs >= first.atUs + windowUs);
      if (resumed === undefined) return "no suspicion after the first window";
      return r.some((x) => x.atUs >= resumed.atUs && x.incarnation === resumed.incarnation + 1)
        ? null
        : `the suspicion at ${resumed.atUs / 1000} ms was not refuted`;
    });
    ctx.check(`no ${WORKER.refutationRateLimitWindowMs / 1000} s window holds more than ${limit} refutations`, () => {
      const r = refuted();
      for (let i = limit; i < r.length; i++)
        if (r[i]!.atUs - r[i - limit]!.atUs < windowUs)
          return `${limit + 1} refutations within ${(r[i]!.atUs - r[i - limit]!.atUs) / 1000} ms`;
      return r.length > 2 * limit ? null : `only ${r.length} refutations over the run`;
    });
  },
});
