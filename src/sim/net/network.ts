// The simulated network. A send is traced, checked against the size limit, judged by the
// fault rules (partition, clog, slow link), subjected to random loss, given a latency
// from the link model, possibly duplicated, and delivered as one self-recorded event.
// A delivery is void if the target crashed after the send; a paused target queues it.
//
// A "replay" fault (set-replay) makes some messages arrive a second time long after they
// were sent: old dispatches, results and acks reach nodes that have long moved on (the
// workflow finished, the job was deleted, the sender died or restarted). Like any message
// in flight, a late copy is for the target's incarnation at the send: a target that
// restarted since never sees it (a connection does not outlive its process).
//
// Known gap (stated, as turmoil does): with `fifo` off, jitter alone can reorder two
// messages on one link; that is intended (independent delays). With `fifo` on, a
// duplicate copy also respects link order.

import { K_SELF_RECORDED, type Kernel } from "../kernel.js";
import type { Rng } from "../rng.js";
import { messageDigest, stringWord } from "../hash.js";
import { sym, type Sym } from "../trace.js";
import type { Micros } from "../time.js";
import type { Message, NodeId } from "./env.js";
import type { NodeHost } from "./host.js";
import {
  DEFAULT_LINK,
  PPM,
  LinkTable,
  drawLatency,
  toPpm,
  type LinkKnobs,
  type LinkOptions,
  type LinkOverride,
} from "./link.js";
import { RulePipeline, type Clog } from "./rules.js";
import type { MessageTap } from "./tap.js";
import type { Topology } from "./topology.js";

const K_SEND = sym("send");
const K_DELIVER = sym("deliver");
const K_DROP = sym("drop");
const K_DUP = sym("duplicate");
const K_REPLAY = sym("replay");
const K_HOLD = sym("hold");
const K_UNDELIVERABLE = sym("undeliverable");

export type DropReason = "loss" | "partition" | "clog-expiry" | "crashed-target" | "oversize";

export interface NetworkStats {
  sent: number;
  delivered: number;
  duplicated: number;
  /** Late copies scheduled by the replay fault. */
  replayed: number;
  held: number;
  dropped: Record<DropReason | string, number>;
}

/** Messages may carry their size; otherwise a small default stands in. */
const DEFAULT_MESSAGE_BYTES = 128;

function sizeOf(msg: Message): number {
  const size = (msg as { sizeBytes?: unknown }).sizeBytes;
  return typeof size === "number" ? size : DEFAULT_MESSAGE_BYTES;
}

interface MessageType {
  readonly sym: Sym;
  readonly word: number;
}

/** What an untraced run uses instead: nothing reads either field. */
const UNTRACED_TYPE: MessageType = { sym: 0, word: 0 };

/** A message in flight: what its delivery event needs, in one allocation. */
class Packet {
  constructor(
    readonly src: NodeHost,
    readonly dst: NodeHost,
    readonly msg: Message,
    readonly typeSym: Sym,
    readonly digest: number,
  ) {}
}

export class Network {
  readonly rules = new RulePipeline();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, duplicated: 0, replayed: 0, held: 0, dropped: {} };
  /** When set, replaces every link's loss / duplication rate (rates that change over time). */
  lossPpmOverride: number | null = null;
  dupPpmOverride: number | null = null;
  /** The liveness phase sets this: no random loss, duplication or reordering. */
  calm = false;
  /** The replay fault: the chance a message also arrives again, late, and how late (µs). */
  replayPpm = 0;
  replayMinUs = 0;
  replayMaxUs = 0;
  /** Called for every drop (checkers and scenarios may count them). */
  onDrop: ((reason: string, from: NodeId, to: NodeId, msg: Message) => void) | null = null;
  /** The run viewer's observer (src/sim/net/tap.ts); null, and one null check per hook, otherwise. */
  tap: MessageTap | null = null;

  private readonly options: LinkOptions;
  private readonly table: LinkTable;
  /** FIFO links only: the last arrival time per (from, to) pair that carried a message. */
  private readonly lastArrival = new Map<number, number>();
  private readonly n: number;
  private readonly reasonSyms = new Map<string, Sym>();
  private readonly types = new Map<string, MessageType>();
  private readonly traced: boolean;

  constructor(
    private readonly kernel: Kernel,
    private readonly topology: Topology,
    private readonly hosts: readonly NodeHost[],
    private readonly byId: ReadonlyMap<string, NodeHost>,
    private readonly rng: Rng,
    options: Partial<LinkOptions> = {},
    overrides: ReadonlyMap<string, LinkOverride> = new Map(),
  ) {
    this.options = { ...DEFAULT_LINK, ...options };
    this.n = topology.nodes.length;
    this.table = new LinkTable(topology, this.options, overrides);
    this.traced = kernel.trace.enabled;
  }

  get linkOptions(): Readonly<LinkOptions> {
    return this.options;
  }

  knobs(from: NodeId, to: NodeId): LinkKnobs {
    const a = this.byId.get(from);
    const b = this.byId.get(to);
    if (a === undefined || b === undefined) throw new Error(`no link ${from} -> ${to}`);
    return this.table.knobs(a.spec.index, b.spec.index);
  }

  setRates(rates: { packetLossProbability?: number; duplicateProbability?: number }): void {
    if (rates.packetLossProbability !== undefined) this.lossPpmOverride = toPpm(rates.packetLossProbability);
    if (rates.duplicateProbability !== undefined) this.dupPpmOverride = toPpm(rates.duplicateProbability);
  }

  /** The replay fault's rate and delay window (a probability of 0 turns it off). */
  setReplay(probability: number, minDelayUs: Micros, maxDelayUs: Micros): void {
    this.replayPpm = toPpm(probability);
    this.replayMinUs = minDelayUs;
    this.replayMaxUs = Math.max(minDelayUs, maxDelayUs);
  }

  send(src: NodeHost, to: NodeId, msg: Message): void {
    const dst = this.byId.get(to);
    if (dst === undefined) throw new Error(`${src.id} sent ${msg.type} to unknown node "${to}"`);
    const now = this.kernel.now;
    // An untraced run skips the type lookup and the digest (about a fifth of a cluster run).
    const type = this.traced ? this.messageType(msg.type) : UNTRACED_TYPE;
    const typeSym = type.sym;
    const digest = this.traced ? messageDigest(msg, type.word) : 0;
    this.kernel.trace.record(now, this.kernel.currentSeq, K_SEND, src.sym, dst.sym, typeSym, digest);
    if (this.tap !== null) this.tap.sent(src.id, to, msg);
    this.stats.sent++;
    src.stats.sent++;
    const knobs = this.table.knobs(src.spec.index, dst.spec.index);
    if (sizeOf(msg) > knobs.maxMessageBytes) {
      this.drop("oversize", src, dst, msg, typeSym, digest);
      const life = src.crashCount;
      const tell = (): void => {
        if (life === src.crashCount && src.instance?.undeliverable)
          src.guard("undeliverable", () => src.instance!.undeliverable!(to, msg, "oversize"));
      };
      // Like any event for the node: queued while it is paused, dropped if it died meanwhile.
      this.kernel.after(0, () => void src.whenRunnable(tell), K_UNDELIVERABLE, src.sym);
      return;
    }
    let extraUs = 0;
    if (this.rules.size > 0) {
      const verdict = this.rules.judge(msg, src.id, to, now);
      if (verdict.kind === "drop") return this.drop(verdict.reason, src, dst, msg, typeSym, digest);
      if (verdict.kind === "hold") return this.hold(verdict.clog, src, dst, msg, typeSym, digest, dst.crashCount);
      if (verdict.kind === "delay") extraUs = verdict.extraUs;
    }
    this.transmit(src, dst, msg, typeSym, digest, knobs, extraUs);
  }

  /** Random loss, latency and duplication, then the delivery event(s). */
  private transmit(
    src: NodeHost,
    dst: NodeHost,
    msg: Message,
    typeSym: Sym,
    digest: number,
    knobs: LinkKnobs,
    extraUs: Micros,
  ): void {
    const lossPpm = this.calm ? 0 : (this.lossPpmOverride ?? knobs.lossPpm);
    if (lossPpm > 0 && this.rng.int(0, PPM - 1) < lossPpm) return this.drop("loss", src, dst, msg, typeSym, digest);
    this.schedule(src, dst, msg, typeSym, digest, knobs, extraUs);
    const dupPpm = this.calm ? 0 : (this.dupPpmOverride ?? knobs.dupPpm);
    if (dupPpm > 0 && this.rng.int(0, PPM - 1) < dupPpm) {
      this.stats.duplicated++;
      this.kernel.trace.record(this.kernel.now, this.kernel.currentSeq, K_DUP, src.sym, dst.sym, typeSym, digest);
      if (this.tap !== null) this.tap.copied("duplicate");
      this.schedule(src, dst, msg, typeSym, digest, knobs, extraUs);
    }
    if (this.replayPpm > 0 && !this.calm && this.rng.int(0, PPM - 1) < this.replayPpm)
      this.scheduleReplay(src, dst, msg, typeSym, digest);
  }

  /** A late copy of a message, delivered long after the original if its target has not restarted since. */
  private scheduleReplay(src: NodeHost, dst: NodeHost, msg: Message, typeSym: Sym, digest: number): void {
    this.stats.replayed++;
    this.kernel.trace.record(this.kernel.now, this.kernel.currentSeq, K_REPLAY, src.sym, dst.sym, typeSym, digest);
    const delay = this.rng.int(this.replayMinUs, this.replayMaxUs);
    const packet = new Packet(src, dst, msg, typeSym, digest);
    if (this.tap !== null) {
      this.tap.copied("replay");
      this.tap.scheduled(packet, this.kernel.now + delay);
    }
    this.kernel.afterWith(delay, this.arrive, packet, dst.crashCount, K_SELF_RECORDED, dst.sym);
  }

  private schedule(
    src: NodeHost,
    dst: NodeHost,
    msg: Message,
    typeSym: Sym,
    digest: number,
    knobs: LinkKnobs,
    extraUs: Micros,
  ): void {
    const now = this.kernel.now;
    let delay =
      (this.calm
        ? knobs.baseUs + (knobs.spreadUs > 0 ? this.rng.int(0, knobs.spreadUs) : 0)
        : drawLatency(knobs, this.rng)) + extraUs;
    if (knobs.fifo) {
      const pair = src.spec.index * this.n + dst.spec.index;
      const earliest = this.lastArrival.get(pair) ?? 0;
      if (now + delay < earliest) delay = earliest - now;
      this.lastArrival.set(pair, now + delay);
    }
    const packet = new Packet(src, dst, msg, typeSym, digest);
    if (this.tap !== null) this.tap.scheduled(packet, now + delay);
    this.kernel.afterWith(delay, this.arrive, packet, dst.crashCount, K_SELF_RECORDED, dst.sym);
  }

  /** The delivery event's handler (one for all messages); `life` is the target's crash count at send. */
  private readonly arrive = (p: Packet, life: number): void => {
    const dst = p.dst;
    if (this.tap !== null) this.tap.resumed(p);
    if (life !== dst.crashCount || dst.state === "down" || dst.state === "off") {
      this.drop("crashed-target", p.src, dst, p.msg, p.typeSym, p.digest);
      return;
    }
    if (dst.state === "paused") {
      dst.whenRunnable(() => this.arrive(p, life));
      return;
    }
    this.deliver(p);
  };

  private deliver(p: Packet): void {
    const dst = p.dst;
    const src = p.src;
    this.kernel.trace.record(this.kernel.now, this.kernel.currentSeq, K_DELIVER, dst.sym, src.sym, p.typeSym, p.digest);
    if (this.tap !== null) this.tap.delivered();
    this.stats.delivered++;
    dst.stats.received++;
    src.stats.delivered++;
    // Inline rather than through dst.guard: this runs for every delivery, and the error
    // text (and a closure) should cost nothing unless the node actually throws.
    try {
      dst.instance!.receive(src.id, p.msg);
    } catch (error) {
      dst.failed(`receive(${p.msg.type} from ${src.id})`, error);
    }
  }

  private hold(
    clog: Clog,
    src: NodeHost,
    dst: NodeHost,
    msg: Message,
    typeSym: Sym,
    digest: number,
    life: number,
  ): void {
    this.stats.held++;
    this.kernel.trace.record(this.kernel.now, this.kernel.currentSeq, K_HOLD, src.sym, dst.sym, typeSym, digest);
    const entry = { message: msg, from: src.id, to: dst.id, heldAtUs: this.kernel.now, life };
    clog.held.push(entry);
    if (this.tap !== null) this.tap.held(entry);
  }

  /**
   * Releases a clog's held messages in the order they were sent. Expired ones are
   * dropped, and so are those whose target crashed while they were held: like any
   * message in flight, they were for the incarnation that is gone.
   */
  release(clog: Clog): void {
    const now = this.kernel.now;
    const held = clog.held.splice(0);
    for (const h of held) {
      const src = this.byId.get(h.from)!;
      const dst = this.byId.get(h.to)!;
      if (this.tap !== null) this.tap.resumed(h);
      const type = this.traced ? this.messageType(h.message.type) : UNTRACED_TYPE;
      const typeSym = type.sym;
      const digest = this.traced ? messageDigest(h.message, type.word) : 0;
      if (clog.expireAfterUs !== null && now - h.heldAtUs > clog.expireAfterUs) {
        this.drop("clog-expiry", src, dst, h.message, typeSym, digest);
        continue;
      }
      if (h.life !== dst.crashCount) {
        this.drop("crashed-target", src, dst, h.message, typeSym, digest);
        continue;
      }
      // A still-installed later rule (another partition) may judge it again.
      const verdict = this.rules.judge(h.message, h.from, h.to, now);
      if (verdict.kind === "drop") this.drop(verdict.reason, src, dst, h.message, typeSym, digest);
      else if (verdict.kind === "hold") this.hold(verdict.clog, src, dst, h.message, typeSym, digest, h.life);
      else
        this.transmit(
          src,
          dst,
          h.message,
          typeSym,
          digest,
          this.table.knobs(src.spec.index, dst.spec.index),
          verdict.kind === "delay" ? verdict.extraUs : 0,
        );
    }
  }

  private drop(reason: string, src: NodeHost, dst: NodeHost, msg: Message, typeSym: Sym, digest: number): void {
    let reasonSym = this.reasonSyms.get(reason);
    if (reasonSym === undefined) {
      reasonSym = sym(`drop:${reason}`);
      this.reasonSyms.set(reason, reasonSym);
    }
    this.kernel.trace.record(
      this.kernel.now,
      this.kernel.currentSeq,
      K_DROP,
      src.sym,
      dst.sym,
      typeSym,
      digest ^ reasonSym,
    );
    if (this.tap !== null) this.tap.dropped(reason);
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
    src.stats.dropped++;
    this.onDrop?.(reason, src.id, dst.id, msg);
  }

  /** A message type's trace symbol and digest word, looked up once per message. */
  private messageType(type: string): MessageType {
    let t = this.types.get(type);
    if (t === undefined) {
      t = { sym: sym(type), word: stringWord(type) };
      this.types.set(type, t);
    }
    return t;
  }

  get hostCount(): number {
    return this.hosts.length;
  }

  get topologyRef(): Topology {
    return this.topology;
  }
}
