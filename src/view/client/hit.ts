// What the last frame drew where, so the pointer can find it: each drawn arrow, stub,
// observation dot, violation or fault mark is a segment (a dot is a segment of length 0)
// tagged with what it is. Nearest within a few pixels wins.

export type HitKind = "copy" | "emit" | "violation" | "fault";

const KINDS: readonly HitKind[] = ["copy", "emit", "violation", "fault"];

export interface Hit {
  kind: HitKind;
  index: number;
}

export class HitList {
  private n = 0;
  private kind = new Uint8Array(1024);
  private index = new Int32Array(1024);
  private seg = new Float32Array(4096);

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.kind.length * 2;
    const kind = new Uint8Array(cap);
    const index = new Int32Array(cap);
    const seg = new Float32Array(cap * 4);
    kind.set(this.kind);
    index.set(this.index);
    seg.set(this.seg);
    this.kind = kind;
    this.index = index;
    this.seg = seg;
  }

  add(kind: HitKind, index: number, x1: number, y1: number, x2: number, y2: number): void {
    if (this.n === this.kind.length) this.grow();
    const i = this.n++;
    this.kind[i] = KINDS.indexOf(kind);
    this.index[i] = index;
    const s = i * 4;
    this.seg[s] = x1;
    this.seg[s + 1] = y1;
    this.seg[s + 2] = x2;
    this.seg[s + 3] = y2;
  }

  /** The nearest thing within `radius` pixels of (x, y); marks and dots win ties over arrows. */
  nearest(x: number, y: number, radius = 6): Hit | null {
    let best = -1;
    let bestD = radius * radius;
    for (let i = 0; i < this.n; i++) {
      const s = i * 4;
      const d = distance2(x, y, this.seg[s]!, this.seg[s + 1]!, this.seg[s + 2]!, this.seg[s + 3]!);
      const bias = this.kind[i] === 0 ? 4 : 0; // a dot on an arrow is what the pointer aims at
      if (d + bias <= bestD) {
        bestD = d + bias;
        best = i;
      }
    }
    return best < 0 ? null : { kind: KINDS[this.kind[best]!]!, index: this.index[best]! };
  }
}

/** Squared distance from a point to a segment. */
function distance2(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  const ex = x1 + t * dx - px;
  const ey = y1 + t * dy - py;
  return ex * ex + ey * ey;
}
