// What the viewer knows of a run, as the encoder takes it and the decoder gives it back:
// a small JSON header (nodes, name tables, node states, fault bands, violations) and
// three column sets — messages (one per send), copies (one per arrow: a send's own copy,
// and any further copy the network made, each with its outcome) and observations (what
// nodes emitted). Columns are parallel arrays of numbers; names are indices into the
// header's tables. Payloads live in their own column store (payloads.ts).

export const VIEW_FORMAT = 1;
export const VIEW_MAGIC = "simctl-view";

/** Outcomes 0..2 are fixed; the rest of the table is drop reasons, in first-seen order. */
export const OUTCOME_DELIVERED = 0;
export const OUTCOME_IN_FLIGHT = 1;
export const OUTCOME_HELD = 2;
export const FIXED_OUTCOMES: readonly string[] = ["delivered", "in-flight", "held"];

/** Copy flags. */
export const FLAG_EXTRA = 1; // a further copy the network made (duplicate, ...); its kind names how
export const FLAG_HELD = 2; // waited in a clog
export const FLAG_REORDERED = 4; // delivered before a message sent earlier on the same link

export interface NodeInfo {
  id: string;
  role: string;
  region: string;
  dc: string | null;
}

/** A node's state from `atUs` on: "up", "down" (crashed) or "paused". Before its first entry a node is off. */
export interface StateChange {
  node: number;
  atUs: number;
  state: string;
  incarnation: number;
}

/** A fault drawn across lanes: a period (toUs set) or an instant (toUs null). */
export interface FaultBand {
  action: string;
  label: string;
  fromUs: number;
  toUs: number | null;
  /** Node indices: a partition's first side, a clog's or slow link's senders, a clock fault's nodes. */
  a: number[];
  /** A partition's other side, a clog's or slow link's receivers; empty when none. */
  b: number[];
}

export interface ViolationMark {
  check: string;
  message: string;
  atUs: number;
  seq: number;
  /** Node indices it names (process names that are not nodes are left out). */
  nodes: number[];
}

export interface RunHeader {
  format: number;
  /** "run": re-executed with payload capture; "trace": read from a JSONL trace (no payloads, pairing by digest). */
  source: "run" | "trace";
  scenario: string;
  title: string;
  seed: number | null;
  verdict: string;
  traceHash: string;
  events: number;
  endUs: number;
  options: Record<string, unknown>;
  /** The command that reruns this run, for the page's header. */
  command: string;
  nodes: NodeInfo[];
  types: string[];
  /** The family of each type (parallel to `types`). */
  typeFamilies: string[];
  outcomes: string[];
  copyKinds: string[];
  jobs: string[];
  emitKinds: string[];
  states: StateChange[];
  faults: FaultBand[];
  violations: ViolationMark[];
  /** When the fault phase ended and everything was healed, if it did. */
  healAllUs: number | null;
  messageCount: number;
  copyCount: number;
  emitCount: number;
  payloads: boolean;
}

export interface MessageColumns {
  sendUs: ArrayLike<number>;
  sendSeq: ArrayLike<number>;
  src: ArrayLike<number>;
  dst: ArrayLike<number>;
  type: ArrayLike<number>;
  /** 0 for none, else 1 + index into header.jobs. */
  job: ArrayLike<number>;
}

export interface CopyColumns {
  msg: ArrayLike<number>;
  startUs: ArrayLike<number>;
  /** When it was delivered or dropped; the run's end for one still in flight or held. */
  endUs: ArrayLike<number>;
  endSeq: ArrayLike<number>;
  outcome: ArrayLike<number>;
  flags: ArrayLike<number>;
  /** For FLAG_EXTRA copies: index into header.copyKinds; 0 otherwise. */
  kind: ArrayLike<number>;
}

export interface EmitColumns {
  atUs: ArrayLike<number>;
  seq: ArrayLike<number>;
  node: ArrayLike<number>;
  kind: ArrayLike<number>;
  job: ArrayLike<number>;
}

export interface RunColumns {
  header: RunHeader;
  messages: MessageColumns;
  copies: CopyColumns;
  emits: EmitColumns;
}
