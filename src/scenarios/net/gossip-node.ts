// A small node for network scenarios: every `intervalMs` (local clock) it pings each
// peer with a per-link sequence number; it answers pings with pongs and logs every
// receipt, so checks can see exactly what crossed the network and when.

import type { NodeEnv, SimNode, NodeId } from "../../sim/index.js";

export type GossipMessage =
  | { type: "ping"; seq: number; sentAtUs: number; sizeBytes?: number }
  | { type: "pong"; seq: number; sentAtUs: number };

export interface Receipt {
  from: NodeId;
  to: NodeId;
  type: GossipMessage["type"];
  seq: number;
  sentAtUs: number;
  atUs: number;
  incarnation: number;
}

export interface GossipOptions {
  intervalMs: number;
  role: string;
  /** Shared log every node appends its receipts to (owned by the scenario). */
  log: Receipt[];
  /** Sent pings per link "from->to", with send times (owned by the scenario). */
  sent: Map<string, number[]>;
  /** Samples of (kernel time, local time) per node, for clock scenarios. */
  clockSamples?: Map<NodeId, { kernelUs: number; localUs: number }[]>;
  oversizeAtMs?: number;
  maxMessageBytes?: number;
  undeliverable?: { from: NodeId; to: NodeId; reason: string }[];
}

export class GossipNode implements SimNode<GossipMessage> {
  private readonly nextSeq = new Map<NodeId, number>();
  receivedThisLife = 0;

  constructor(
    private readonly env: NodeEnv<GossipMessage>,
    private readonly options: GossipOptions,
  ) {}

  start(): void {
    const boots = (this.env.durable.boots as number | undefined) ?? 0;
    this.env.durable.boots = boots + 1;
    this.tick();
    const oversizeAt = this.options.oversizeAtMs;
    if (oversizeAt !== undefined && this.env.id === this.env.peers(this.options.role)[0]) {
      this.env.after(oversizeAt * 1000, () => this.sendOversize());
    }
  }

  private tick(): void {
    this.options.clockSamples?.get(this.env.id)?.push({ kernelUs: this.env.now(), localUs: this.env.localNow() });
    for (const peer of this.env.peers(this.options.role)) {
      if (peer === this.env.id) continue;
      const seq = (this.nextSeq.get(peer) ?? 0) + 1;
      this.nextSeq.set(peer, seq);
      const key = `${this.env.id}->${peer}`;
      const list = this.options.sent.get(key) ?? [];
      list.push(this.env.now());
      this.options.sent.set(key, list);
      // Sequence numbers restart with each incarnation; sentAtUs disambiguates.
      this.env.send(peer, { type: "ping", seq, sentAtUs: this.env.now() });
    }
    this.env.after(this.options.intervalMs * 1000, () => this.tick());
  }

  private sendOversize(): void {
    const peer = this.env.peers(this.options.role).find((p) => p !== this.env.id);
    if (peer === undefined) return;
    this.env.send(peer, {
      type: "ping",
      seq: -1,
      sentAtUs: this.env.now(),
      sizeBytes: (this.options.maxMessageBytes ?? 1024) + 1,
    });
  }

  receive(from: NodeId, msg: GossipMessage): void {
    this.receivedThisLife++;
    this.options.log.push({
      from,
      to: this.env.id,
      type: msg.type,
      seq: msg.seq,
      sentAtUs: msg.sentAtUs,
      atUs: this.env.now(),
      incarnation: this.env.incarnation,
    });
    if (msg.type === "ping") this.env.send(from, { type: "pong", seq: msg.seq, sentAtUs: this.env.now() });
  }

  undeliverable(to: NodeId, _msg: GossipMessage, reason: string): void {
    this.options.undeliverable?.push({ from: this.env.id, to, reason });
  }
}
