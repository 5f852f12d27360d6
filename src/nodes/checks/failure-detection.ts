// Failure detection (PROTOCOL §3.5, §5.2, §7 "Membership and failure detection"), per observer:
//   - only a confirmed member is suspected;
//   - a suspicion's bounds are the observer's configured ones, stretched by its LHM
//     (1 + lhmTimeoutFactor · lhm), and a death it ends in comes between them, measured from
//     the suspicion's start (confirmations shorten it, never restart it);
//   - not-DEAD → DEAD happens once per transition, and never at an incarnation below one the
//     observer already accepted;
//   - a confirmed member that goes down and stays down is suspected (or learned dead) within
//     the observer's probe bound: every member is probed within two passes over the table;
//   - a suspicion ends by its upper bound: by then the observer has declared the member dead
//     or heard it refute (a suspicion left open forever is a dead member never declared dead).
// Timing checks are skipped while the observer itself was paused or down (its timers froze).

import type { EmitDetail } from "../../sim/index.js";
import type { MembershipConfig } from "../config.js";
import { num, str, type Checker, type CheckerContext, type EndOfRun, type HostState } from "./checker.js";
import type { MembershipViews } from "./membership-views.js";

export const FAILURE_DETECTION = "cluster: failure detection keeps its bounds and its transitions";

interface Suspicion {
  startUs: number;
  minMs: number;
  maxMs: number;
}

interface Watch {
  observer: string;
  member: string;
  sinceUs: number;
  deadlineUs: number;
  /** What the observer owes by the deadline: a suspicion of a member that went down, or a verdict on its own suspicion. */
  owes: "suspicion" | "verdict";
}

export class FailureDetection implements Checker {
  private readonly suspicions = new Map<string, Suspicion>();
  /** When each node last stopped (paused or down): its timers were frozen from then. */
  private readonly frozenAtUs = new Map<string, number>();
  private readonly down = new Set<string>();
  private watches: Watch[] = [];
  /** No watch is due before this (a lower bound; most events skip the scan). */
  private nextDueUs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly ctx: CheckerContext,
    private readonly views: MembershipViews,
  ) {}

  private cfgOf(node: string): MembershipConfig | null {
    const role = this.ctx.roles.get(node);
    return role === "gate"
      ? this.ctx.gate
      : role === "manager"
        ? this.ctx.manager
        : role === "worker"
          ? this.ctx.worker
          : null;
  }

  /** Call before the shared views apply the event. */
  observe(observer: string, kind: string, d: EmitDetail, atUs: number): void {
    this.expireWatches(atUs);
    if (kind === "node.started") {
      for (const k of [...this.suspicions.keys()]) if (k.startsWith(`${observer}|`)) this.suspicions.delete(k);
      return;
    }
    if (kind !== "member.suspect" && kind !== "member.dead") {
      if (kind.startsWith("member.")) this.settleWatch(observer, str(d, "node"));
      if (kind === "member.forgotten") this.suspicions.delete(`${observer}|${str(d, "node")}`);
      return;
    }
    const member = str(d, "node");
    const before = this.views.before(observer, member);
    if (kind === "member.suspect") return this.suspected(observer, member, before, d, atUs);
    this.died(observer, member, before, d, atUs);
  }

  private suspected(
    observer: string,
    member: string,
    before: { status: string; incarnation: number } | null,
    d: EmitDetail,
    atUs: number,
  ): void {
    this.settleWatch(observer, member);
    // A suspect member suspected again at a higher incarnation is a new suspicion (SWIM).
    const renewed = before?.status === "suspect" && num(d, "incarnation") > before.incarnation;
    if (before?.status !== "ok" && !renewed)
      this.ctx.sink(
        FAILURE_DETECTION,
        `${observer} suspected ${member}, which it held ${before?.status ?? "unconfirmed"}`,
        [observer],
      );
    const cfg = this.cfgOf(observer);
    if (cfg !== null) {
      const scale = 1 + cfg.lhmTimeoutFactor * num(d, "lhm");
      const [min, max] = [cfg.globalSuspicionMinMs * scale, cfg.globalSuspicionMaxMs * scale];
      if (Math.abs(num(d, "minMs") - min) > 1e-6 || Math.abs(num(d, "maxMs") - max) > 1e-6)
        this.ctx.sink(
          FAILURE_DETECTION,
          `${observer} suspected ${member} with bounds ${num(d, "minMs")}–${num(d, "maxMs")} ms, not ${min}–${max} ms`,
          [observer],
        );
    }
    const maxMs = num(d, "maxMs");
    this.suspicions.set(`${observer}|${member}`, { startUs: atUs, minMs: num(d, "minMs"), maxMs });
    // The observer's own deadline fires by maxMs (confirmations only shorten it): dead or refuted by then.
    this.watch({
      observer,
      member,
      sinceUs: atUs,
      deadlineUs: atUs + Math.ceil((maxMs + slackMs(maxMs)) * 1000),
      owes: "verdict",
    });
  }

  private died(
    observer: string,
    member: string,
    before: { status: string; incarnation: number } | null,
    d: EmitDetail,
    atUs: number,
  ): void {
    this.settleWatch(observer, member);
    const inc = num(d, "incarnation");
    if (before?.status === "dead")
      this.ctx.sink(FAILURE_DETECTION, `${observer} declared ${member} dead twice without a revival`, [observer]);
    if (before !== null && inc < before.incarnation)
      this.ctx.sink(
        FAILURE_DETECTION,
        `${observer} declared ${member} dead at incarnation ${inc}, below ${before.incarnation} it had accepted`,
        [observer],
      );
    const s = this.suspicions.get(`${observer}|${member}`);
    this.suspicions.delete(`${observer}|${member}`);
    if (str(d, "via") !== "probe" || s === undefined || (this.frozenAtUs.get(observer) ?? -1) >= s.startUs) return;
    const tookMs = (atUs - s.startUs) / 1000;
    const slack = slackMs(s.maxMs);
    if (tookMs > s.maxMs + slack || tookMs < s.minMs - slack)
      this.ctx.sink(
        FAILURE_DETECTION,
        `${observer} declared ${member} dead ${tookMs.toFixed(0)} ms after suspecting it, outside ${s.minMs.toFixed(0)}–${s.maxMs.toFixed(0)} ms`,
        [observer],
      );
  }

  host(node: string, state: HostState, atUs: number): void {
    this.expireWatches(atUs);
    if (state === "up") {
      this.down.delete(node);
      // It may answer again: no suspicion is owed any more. A verdict on a suspicion already begun still is.
      this.watches = this.watches.filter((w) => w.member !== node || w.owes === "verdict");
      return;
    }
    this.frozenAtUs.set(node, atUs);
    this.down.add(node);
    // The node's own watches end: it can no longer observe anything.
    this.watches = this.watches.filter((w) => w.observer !== node);
    for (const observer of this.views.observersHoldingOk(node)) {
      const cfg = this.cfgOf(observer);
      if (cfg === null || this.down.has(observer)) continue;
      const deadlineUs = atUs + probeBoundUs(cfg, this.views.trackedCount(observer));
      this.watch({ observer, member: node, sinceUs: atUs, deadlineUs, owes: "suspicion" });
    }
  }

  private settleWatch(observer: string, member: string): void {
    if (this.watches.length > 0)
      this.watches = this.watches.filter((w) => w.observer !== observer || w.member !== member);
  }

  private watch(w: Watch): void {
    this.watches.push(w);
    this.nextDueUs = Math.min(this.nextDueUs, w.deadlineUs);
  }

  private expireWatches(nowUs: number): void {
    if (nowUs <= this.nextDueUs) return;
    const late = this.watches.filter((w) => w.deadlineUs < nowUs);
    this.watches = this.watches.filter((w) => w.deadlineUs >= nowUs);
    this.nextDueUs = Number.POSITIVE_INFINITY;
    for (const w of this.watches) this.nextDueUs = Math.min(this.nextDueUs, w.deadlineUs);
    for (const w of late)
      this.ctx.sink(
        FAILURE_DETECTION,
        w.owes === "suspicion"
          ? `${w.observer} never suspected ${w.member}, down since ${Math.round(w.sinceUs / 1000)} ms`
          : `${w.observer} suspected ${w.member} at ${Math.round(w.sinceUs / 1000)} ms and neither declared it dead nor saw it refute by ${Math.round(w.deadlineUs / 1000)} ms`,
        [w.observer],
      );
  }

  finish(end: EndOfRun): void {
    this.expireWatches(end.nowUs);
  }
}

/** Timing tolerance: the observer's clock may drift a little (2000 ppm of the bound, plus 2 ms). */
function slackMs(maxMs: number): number {
  return maxMs / 500 + 2;
}

/**
 * How long a confirmed member can stay down before `observer` must suspect it: two passes
 * over a table of `tracked` members, each probe round at most its retries plus the indirect
 * wait (every probe timeout stretched by the largest LHM) plus the wait for the probe tick
 * that starts it. The probe timeout is the base clamped to [min, max], then stretched
 * (probe-rounds.ts `timeoutUs`): the max bounds the base, not the stretched timeout.
 */
function probeBoundUs(cfg: MembershipConfig, tracked: number): number {
  const baseMs = Math.min(cfg.probeTimeoutMaxMs, Math.max(cfg.probeTimeoutMinMs, cfg.probeTimeoutBaseMs));
  const timeoutMs = baseMs * (1 + cfg.lhmTimeoutFactor * cfg.lhmMaxScore);
  const roundMs = timeoutMs * (0.5 * cfg.probeRetryCount + 0.8 + 1);
  return Math.ceil((2 * (tracked + 1) * (cfg.probeIntervalMs + roundMs) + roundMs) * 1000);
}
