// Fault rules: every message in flight passes the rules in install order; each answers
// pass, drop (with a reason), delay (extra µs) or hold (until a clog is released). The
// first non-pass answer wins. Scripted partitions and random clogs use this one mechanism.

import type { Micros } from "../time.js";
import type { Message } from "./env.js";

export type RuleVerdict =
  | { readonly kind: "pass" }
  | { readonly kind: "drop"; readonly reason: string }
  | { readonly kind: "delay"; readonly extraUs: Micros }
  | { readonly kind: "hold"; readonly clog: Clog };

export const PASS: RuleVerdict = { kind: "pass" };

export interface FaultRule {
  /** A name for traces and reports: "partition p1", "clog dc1-mgr-1". */
  readonly name: string;
  judge(message: Message, from: string, to: string, now: Micros): RuleVerdict;
}

/**
 * Only messages of these types, when set: a scripted fault that drops or holds one kind of
 * message on a link ("the worker's dispatch ACKs", "the leader's replica syncs") and lets
 * the rest through.
 */
export type MessageTypes = ReadonlySet<string> | null;

/** Drops messages from any node in `a` to any in `b` (and back, unless one-way). */
export class PartitionRule implements FaultRule {
  private readonly a: ReadonlySet<string>;
  private readonly b: ReadonlySet<string>;
  private readonly verdict: RuleVerdict;

  constructor(
    readonly name: string,
    a: readonly string[],
    b: readonly string[],
    readonly oneWay: boolean,
    private readonly types: MessageTypes = null,
  ) {
    this.a = new Set(a);
    this.b = new Set(b);
    this.verdict = { kind: "drop", reason: "partition" };
  }

  judge(message: Message, from: string, to: string): RuleVerdict {
    if (this.types !== null && !this.types.has(message.type)) return PASS;
    if (this.a.has(from) && this.b.has(to)) return this.verdict;
    if (!this.oneWay && this.b.has(from) && this.a.has(to)) return this.verdict;
    return PASS;
  }
}

/**
 * Holds messages on matching links until released (turmoil's hold/release). Held
 * messages older than `expireAfterUs` when released are dropped ("clog-expiry").
 */
export class Clog implements FaultRule {
  /** `life` is the target's crash count at send: a target that crashed since gets nothing. */
  readonly held: { message: Message; from: string; to: string; heldAtUs: Micros; life: number }[] = [];
  private readonly verdict: RuleVerdict;

  constructor(
    readonly name: string,
    private readonly matches: (from: string, to: string) => boolean,
    readonly expireAfterUs: Micros | null,
    private readonly types: MessageTypes = null,
  ) {
    this.verdict = { kind: "hold", clog: this };
  }

  judge(message: Message, from: string, to: string): RuleVerdict {
    if (this.types !== null && !this.types.has(message.type)) return PASS;
    return this.matches(from, to) ? this.verdict : PASS;
  }
}

/** Adds a fixed extra delay to matching messages (a slow link). */
export class SlowLinkRule implements FaultRule {
  private readonly verdict: RuleVerdict;
  constructor(
    readonly name: string,
    private readonly matches: (from: string, to: string) => boolean,
    extraUs: Micros,
  ) {
    this.verdict = { kind: "delay", extraUs };
  }
  judge(_message: Message, from: string, to: string): RuleVerdict {
    return this.matches(from, to) ? this.verdict : PASS;
  }
}

export class RulePipeline {
  private rules: FaultRule[] = [];

  get size(): number {
    return this.rules.length;
  }

  install(rule: FaultRule): void {
    this.rules.push(rule);
  }

  remove(rule: FaultRule): boolean {
    const i = this.rules.indexOf(rule);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    return true;
  }

  find(predicate: (rule: FaultRule) => boolean): FaultRule[] {
    return this.rules.filter(predicate);
  }

  judge(message: Message, from: string, to: string, now: Micros): RuleVerdict {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const verdict = rules[i]!.judge(message, from, to, now);
      if (verdict.kind !== "pass") return verdict;
    }
    return PASS;
  }
}
