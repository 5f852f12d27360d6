// The viewer's recorder and encoding, end to end: attaching it never changes a run (trace
// hash, events, verdict), decode(encode(x)) gives back every column and every payload as
// sent, and a known small run gives a known event list.

import { describe, expect, it } from "vitest";
import { findScenario, runScenario, type ScenarioDef } from "../../src/scenarios/index.js";
import type { Message, NodeId } from "../../src/sim/index.js";
import { packRecording, recordRun } from "../../src/view/capture/record.js";
import { RunRecorder } from "../../src/view/capture/recorder.js";
import { decodeRun, encodeRun } from "../../src/view/model/codec.js";
import { FLAG_EXTRA, FLAG_HELD, FLAG_REORDERED } from "../../src/view/model/run-data.js";
import { timeline } from "../../src/view/text.js";
import { netScenario } from "../sim/net/helpers.js";
import { smallScenario } from "./small-run.js";

function scenario(id: string): ScenarioDef {
  const s = findScenario(id);
  if (s === undefined) throw new Error(`no scenario ${id}`);
  return s;
}

/** A recorder that also keeps a deep copy of every message as sent, to compare payloads against. */
class KeepingRecorder extends RunRecorder {
  readonly sentMessages: unknown[] = [];
  override sent(from: NodeId, to: NodeId, msg: Message): void {
    const { type: _type, ...body } = structuredClone(msg) as Message & Record<string, unknown>;
    this.sentMessages.push(body);
    super.sent(from, to, msg);
  }
}

describe("recording a run for the viewer", () => {
  it.each([
    ["cluster/smoke", 1],
    ["cluster/chaos", 1],
    ["net/partition-heal", 2],
    ["net/swizzle-clog", 1],
    ["net/crash-restart", 1],
    ["net/pause-resume", 1],
    ["net/lossy-links", 1],
    ["net/oversize", 1],
  ] as const)("leaves %s seed %i the same run (trace hash, events, verdict)", (id, seed) => {
    const plain = runScenario(scenario(id), { seed });
    const { result, input } = recordRun(scenario(id), { seed }, "cmd");
    expect([result.traceHash, result.events, result.verdict]).toEqual([plain.traceHash, plain.events, plain.verdict]);
    // Cluster runs count their messages: every send is a row, every delivery a delivered copy.
    if (plain.metrics["messages.sent"] !== undefined) {
      const delivered = Array.from(input.copies.outcome).filter((o) => o === 0).length;
      expect([input.header.messageCount, delivered]).toEqual([
        plain.metrics["messages.sent"],
        plain.metrics["messages.delivered"],
      ]);
    }
  });

  it("round-trips every column and every payload through encode and decode", () => {
    const recorder = new KeepingRecorder();
    const s = scenario("cluster/chaos");
    const result = runScenario(s, { seed: 2, tap: recorder });
    const input = packRecording(recorder, result, { title: s.title, command: "cmd" });
    const run = decodeRun(encodeRun(input));
    expect(run.header).toEqual(input.header);
    for (const [name, cols] of [
      ["messages", input.messages],
      ["copies", input.copies],
      ["emits", input.emits],
    ] as const) {
      const decoded = run[name] as unknown as Record<string, ArrayLike<number>>;
      for (const [col, values] of Object.entries(cols))
        expect(Array.from(decoded[col]!), `${name}.${col}`).toEqual(Array.from(values));
    }
    recorder.sentMessages.forEach((body, i) => {
      expect(run.payload(i)).toEqual(body);
    });
    expect(run.detail(0)).toMatchObject({ role: "gate" });
  });

  it("gives a known small run's known event list: delivery, partition drop, clog, crash, duplicate, pause", () => {
    const { input } = recordRun(smallScenario, { seed: 1 }, "cmd");
    const run = decodeRun(encodeRun(input));
    expect(timeline(run, null)).toEqual([
      "00:00:00.000000       a  booted",
      "00:00:00.000000       b  booted",
      "00:00:00.000000       c  booted",
      '00:00:00.010000  #11  a → b  m  delivered +816µs  {"n":1}',
      "00:00:00.020000       fault  partition cut: a ⇹ b  (until 00:00:00.040000)",
      '00:00:00.030000  #12  a → b  m  DROPPED partition +0µs  {"n":2}',
      "00:00:00.050000       fault  clog clog1: b  (until 00:00:00.070000)",
      '00:00:00.055000  #13  a → b  m  delivered +15740µs (held)  {"n":3}',
      "00:00:00.060000       c  crashed",
      '00:00:00.061000  #14  a → c  m  DROPPED crashed-target +871µs  {"n":4}',
      "00:00:00.080000       fault  duplication 100%  (until 00:00:00.090000)",
      '00:00:00.085000  #15  a → b  m  delivered +902µs  {"n":5}',
      "00:00:00.085000  #15  a → b  m  delivered +805µs (duplicate copy, reordered)",
      "00:00:00.090000       c  restarted (incarnation 2)",
      "00:00:00.100000       b  paused",
      '00:00:00.101000  #16  a → b  m  delivered +9000µs  {"n":6}',
      "00:00:00.110000       b  resumed",
      "00:00:00.120000       fault  clock-jump node=c jumpMs=5",
    ]);
    const c = run.copies;
    const flagged = (flag: number): number[] => [...c.flags].flatMap((f, i) => ((f & flag) !== 0 ? [i] : []));
    expect([flagged(FLAG_HELD), flagged(FLAG_EXTRA), flagged(FLAG_REORDERED)]).toEqual([[2], [5], [5]]);
    expect(run.header.faults.find((f) => f.action === "partition")).toMatchObject({ a: [0], b: [1] });
  });

  it("draws the replay fault's late copies as extra copies of their message, and changes no hash", () => {
    const scenario = netScenario({
      plan: [{ atMs: 0, action: "set-replay", probability: 1, minDelayMs: 2_000, maxDelayMs: 2_000 }],
      script: (t) => t.at(10, () => t.send("a", "b", 1)),
      runMs: 3_000,
    });
    const plain = runScenario(scenario, { seed: 1 });
    const { result, input } = recordRun(scenario, { seed: 1 }, "cmd");
    expect(result.traceHash).toBe(plain.traceHash);
    const run = decodeRun(encodeRun(input));
    expect(run.header.messageCount).toBe(1);
    const copies = Array.from({ length: run.header.copyCount }, (_, i) => ({
      msg: run.copies.msg[i],
      extra: run.header.copyKinds[run.copies.kind[i]!],
      outcome: run.header.outcomes[run.copies.outcome[i]!],
      lateMs: Math.round((run.copies.endUs[i]! - run.copies.startUs[i]!) / 1000),
    }));
    expect(copies).toEqual([
      { msg: 0, extra: "", outcome: "delivered", lateMs: 1 },
      { msg: 0, extra: "replay", outcome: "delivered", lateMs: 2_000 },
    ]);
    expect(run.header.faults.map((f) => f.label)).toEqual(["replay 100% (2000-2000ms late)"]);
  });

  it("refuses a scenario with no network: nothing to draw", () => {
    expect(() => recordRun(scenario("kernel/ping-pong"), { seed: 1 }, "cmd")).toThrow(/no simulated network/);
  });
});
