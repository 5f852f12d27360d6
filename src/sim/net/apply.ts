// Turns validated fault steps into effects on hosts, rules and the network. Steps with
// `durationMs` undo themselves (a crash restarts, a pause resumes, a clog releases).
// Every fault action leaves a `fault:<action>` trace record, undos included.

import type { Kernel } from "../kernel.js";
import { sym, type Sym } from "../trace.js";
import type { FaultStep } from "./fault-step.js";
import { Clog, PartitionRule, SlowLinkRule, type MessageTypes } from "./rules.js";
import { resolveSelectors } from "./schedule.js";
import type { NodeHost } from "./host.js";
import type { Network } from "./network.js";
import type { Topology } from "./topology.js";

/** The parts of the world a fault acts on. The World is the one implementation; the
 * interface lives here so this file need not import world.ts, which imports it. */
export interface FaultTarget {
  readonly kernel: Kernel;
  readonly topology: Topology;
  readonly network: Network;
  readonly hosts: readonly NodeHost[];
  readonly faultsOver: boolean;
  hostOf(id: string): NodeHost;
}

/** Kind of the kernel event that fires a planned step or a duration's undo (the action records itself). */
export const K_FAULT_DUE: Sym = sym("fault-due");

/** One `fault:<action>` trace record, naming the node when the step names exactly one. */
export function traceFault(kernel: Kernel, action: string, node: unknown, digest: number): void {
  kernel.trace.record(
    kernel.now,
    kernel.currentSeq,
    sym(`fault:${action}`),
    typeof node === "string" ? sym(node) : 0,
    0,
    0,
    digest,
  );
}

export class FaultApplier {
  private readonly partitions = new Map<string, PartitionRule>();
  private readonly clogs = new Map<string, Clog>();
  private readonly slowLinks = new Map<string, SlowLinkRule>();
  private counter = 0;

  constructor(private readonly world: FaultTarget) {}

  private nodes(value: unknown, field: string): string[] {
    const problems: string[] = [];
    const ids = resolveSelectors(this.world.topology, value, field, "fault step", problems);
    if (problems.length > 0) throw new Error(problems.join("; "));
    return ids;
  }

  private nameOf(step: FaultStep, prefix: string): string {
    return typeof step.name === "string" ? step.name : `${prefix}${++this.counter}`;
  }

  /**
   * Undoes the step after `durationMs` (traced as `fault:<undo>`), unless the liveness
   * phase already healed everything or the fault is no longer this step's own (`ours()`
   * is false: the node crashed or paused again since, or the name now means a newer rule).
   */
  private later(step: FaultStep, undo: string, node: string | null, ours: () => boolean, fn: () => void): void {
    if (typeof step.durationMs !== "number") return;
    const kernel = this.world.kernel;
    kernel.after(
      step.durationMs * 1000,
      () => {
        if (this.world.faultsOver || !ours()) return;
        traceFault(kernel, undo, node, 0);
        fn();
      },
      K_FAULT_DUE,
    );
  }

  apply(step: FaultStep): void {
    const w = this.world;
    const now = w.kernel.now;
    switch (step.action) {
      case "partition": {
        const name = this.nameOf(step, "p");
        const rule = new PartitionRule(
          `partition ${name}`,
          this.nodes(step.a, "a"),
          this.nodes(step.b, "b"),
          step.oneWay === true,
          messageTypes(step),
        );
        this.healPartition(name); // a reused name replaces its rule (never orphaned past a heal)
        this.partitions.set(name, rule);
        w.network.rules.install(rule);
        this.later(
          step,
          "heal",
          null,
          () => this.partitions.get(name) === rule,
          () => this.healPartition(name),
        );
        return;
      }
      case "heal":
        if (typeof step.name === "string") this.healPartition(step.name);
        else for (const name of [...this.partitions.keys()]) this.healPartition(name);
        return;
      case "clog": {
        const name = this.nameOf(step, "clog");
        const node = step.node === undefined ? null : new Set(this.nodes(step.node, "node"));
        const from = step.from === undefined ? null : new Set(this.nodes(step.from, "from"));
        const to = step.to === undefined ? null : new Set(this.nodes(step.to, "to"));
        const matches = (a: string, b: string): boolean =>
          (node !== null && (node.has(a) || node.has(b))) ||
          (node === null && (from === null || from.has(a)) && (to === null || to.has(b)));
        const expire = typeof step.expireAfterMs === "number" ? step.expireAfterMs * 1000 : null;
        const clog = new Clog(`clog ${name}`, matches, expire, messageTypes(step));
        this.unclog(name); // a reused name replaces its clog (its held messages are released, not lost)
        this.clogs.set(name, clog);
        w.network.rules.install(clog);
        this.later(
          step,
          "unclog",
          null,
          () => this.clogs.get(name) === clog,
          () => this.unclog(name),
        );
        return;
      }
      case "unclog":
        if (typeof step.name === "string") this.unclog(step.name);
        else for (const name of [...this.clogs.keys()]) this.unclog(name);
        return;
      case "slow-link": {
        const name = this.nameOf(step, "slow");
        const from = new Set(this.nodes(step.from, "from"));
        const to = new Set(this.nodes(step.to, "to"));
        const rule = new SlowLinkRule(
          `slow ${name}`,
          (a, b) => from.has(a) && to.has(b),
          Math.round(Number(step.extraMs) * 1000),
        );
        this.unslow(name);
        this.slowLinks.set(name, rule);
        w.network.rules.install(rule);
        this.later(
          step,
          "unslow",
          null,
          () => this.slowLinks.get(name) === rule,
          () => this.unslow(name),
        );
        return;
      }
      case "crash":
        for (const id of this.nodes(step.node, "node")) {
          const host = w.hostOf(id);
          // Crashing a node that is already down changes nothing, and must not cut the
          // outage it is in short with a restart of its own.
          if (host.state === "down" || host.state === "off") continue;
          host.crash();
          const life = host.crashCount;
          this.later(
            step,
            "restart",
            id,
            () => host.crashCount === life,
            () => host.boot(),
          );
        }
        return;
      case "restart":
        for (const id of this.nodes(step.node, "node")) w.hostOf(id).boot();
        return;
      case "pause":
        for (const id of this.nodes(step.node, "node")) {
          const host = w.hostOf(id);
          if (host.state !== "up") continue; // likewise: no resume of a pause it did not start
          host.pause();
          const pauses = host.pauseCount;
          const life = host.crashCount;
          this.later(
            step,
            "resume",
            id,
            () => host.pauseCount === pauses && host.crashCount === life,
            () => host.resume(),
          );
        }
        return;
      case "resume":
        for (const id of this.nodes(step.node, "node")) w.hostOf(id).resume();
        return;
      case "clock-offset":
        for (const id of this.nodes(step.node, "node"))
          w.hostOf(id).clock.offsetUs = Math.round(Number(step.offsetMs) * 1000);
        return;
      case "clock-drift":
        for (const id of this.nodes(step.node, "node")) w.hostOf(id).clock.setDrift(now, Number(step.ppm));
        return;
      case "clock-jump":
        for (const id of this.nodes(step.node, "node")) w.hostOf(id).clock.jump(Math.round(Number(step.jumpMs) * 1000));
        return;
      case "set-loss":
        w.network.setRates({ packetLossProbability: Number(step.probability) });
        return;
      case "set-duplicate":
        w.network.setRates({ duplicateProbability: Number(step.probability) });
        return;
      case "set-replay":
        w.network.setReplay(
          Number(step.probability),
          Math.round(Number(step.minDelayMs) * 1000),
          Math.round(Number(step.maxDelayMs) * 1000),
        );
        return;
      default:
        throw new Error(`unknown fault action ${JSON.stringify(step.action)}`);
    }
  }

  private healPartition(name: string): void {
    const rule = this.partitions.get(name);
    if (rule === undefined) return;
    this.partitions.delete(name);
    this.world.network.rules.remove(rule);
  }

  private unclog(name: string): void {
    const clog = this.clogs.get(name);
    if (clog === undefined) return;
    this.clogs.delete(name);
    this.world.network.rules.remove(clog);
    this.world.network.release(clog);
  }

  private unslow(name: string): void {
    const rule = this.slowLinks.get(name);
    if (rule === undefined) return;
    this.slowLinks.delete(name);
    this.world.network.rules.remove(rule);
  }

  /** Everything back to health: the liveness phase starts from here. */
  healEverything(): void {
    for (const name of [...this.partitions.keys()]) this.healPartition(name);
    for (const name of [...this.clogs.keys()]) this.unclog(name);
    for (const name of [...this.slowLinks.keys()]) this.unslow(name);
    for (const h of this.world.hosts) {
      if (h.state === "paused") h.resume();
      else if (h.state === "down") h.boot();
    }
  }
}

/** A partition's or clog's `types` filter (validated in schedule.ts); null: every message. */
function messageTypes(step: FaultStep): MessageTypes {
  return Array.isArray(step.types) ? new Set(step.types as string[]) : null;
}
