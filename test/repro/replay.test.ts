// replay and the determinism check: identical runs, and the first divergent event when they differ.

import { describe, expect, it } from "vitest";
import { captureRun } from "../../src/repro/capture.js";
import { checkDeterminism } from "../../src/repro/determinism.js";
import { replayRepro } from "../../src/repro/replay.js";
import { findScenario, runScenario, type RunRequest } from "../../src/scenarios/index.js";
import type { TraceRecord } from "../../src/sim/index.js";

const pingPong = findScenario("kernel/ping-pong")!;
const request: RunRequest = { seed: 11, overrides: { pairs: 6, rounds: 200 } }; // about 6,000 records, 5 checkpoints

function recordAt(index: number): TraceRecord {
  let found: TraceRecord | null = null;
  runScenario(pingPong, {
    ...request,
    traceListener: (r) => {
      if (r.index === index) found = r;
    },
  });
  return found!;
}

describe("replay", () => {
  it("replays a captured run IDENTICAL: same hash, same checkpoints, no divergence", () => {
    const { repro } = captureRun(pingPong, request, "test");
    expect(repro.checkpoints.length).toBeGreaterThan(2);
    const report = replayRepro(pingPong, repro);
    expect(report).toMatchObject({ identical: true, window: null, nondeterministic: false, sameOutcome: true });
    expect(report.result.traceHash).toBe(repro.traceHash);
  });

  it("names the injected record as the first divergent event, with the recorded side from the file's log", () => {
    const { repro } = captureRun(pingPong, request, "test");
    const at = 2500;
    const report = replayRepro(pingPong, repro, { testPerturbAtRecord: at });
    expect(report.identical).toBe(false);
    expect(report).toMatchObject({ codeChanged: false, nondeterministic: true }); // same code: a divergence is nondeterminism
    expect(report.window).toEqual({ checkpoint: 2, from: 2048, to: 3072 });
    const d = report.difference!;
    expect(d.index).toBe(at);
    expect(d.shape).toBe("extra");
    expect(d.b).toMatchObject({ index: at, kind: "test-perturb" });
    expect(d.a).toEqual(recordAt(at)); // the recorded side is the true record #2500
  });

  it("names the window only when the file has no record log reaching it", () => {
    const { repro } = captureRun(pingPong, request, "test");
    const report = replayRepro(pingPong, { ...repro, recordLog: null }, { testPerturbAtRecord: 100 });
    expect(report.window?.checkpoint).toBe(0);
    expect(report.difference).toBeNull();
    expect(report.note).toMatch(/record log/);
    const garbled = replayRepro(
      pingPong,
      { ...repro, recordLog: { ...repro.recordLog!, data: "bm90IGRlZmxhdGU=" } },
      { testPerturbAtRecord: 100 },
    );
    expect(garbled.note).toMatch(/record log is unreadable/);
  });

  it("written by other code, a divergence is a code change, and it reports whether the recorded failure recurs", () => {
    const failing = captureRun(pingPong, { seed: 170, overrides: { plantBugAtRound: 50 } }, "test").repro;
    expect(failing.verdict).toBe("fail");
    expect(failing.source?.codeHash).toMatch(/^[0-9a-f]{16}$/);
    const older = { ...failing, source: { ...failing.source!, codeHash: "0123456789abcdef" } };
    const report = replayRepro(pingPong, older, { testPerturbAtRecord: 10 });
    expect(report).toMatchObject({ identical: false, codeChanged: true, nondeterministic: false, sameOutcome: true });
    const lost = replayRepro(pingPong, { ...older, signature: "some other | check | -" }, { testPerturbAtRecord: 10 });
    expect(lost).toMatchObject({ codeChanged: true, nondeterministic: false, sameOutcome: false });
    // A file from before source identities cannot vouch for its code: never called nondeterministic.
    const { source: _dropped, ...anonymous } = failing;
    expect(replayRepro(pingPong, anonymous, { testPerturbAtRecord: 10 })).toMatchObject({ nondeterministic: false });
  });
});

describe("determinism check", () => {
  it("finds two fresh runs of a kernel scenario identical", () => {
    const report = checkDeterminism(findScenario("kernel/timeout-storm")!, { seed: 5, overrides: { processes: 300 } });
    expect(report.window).toBeNull();
    expect(report.resultMismatch).toBeNull();
    expect(report.first.traceHash).toBe(report.second.traceHash);
  });

  it("catches nondeterminism that never reaches the trace, in the results", () => {
    let calls = 0;
    const leaky = {
      ...pingPong,
      setup: (ctx: Parameters<typeof pingPong.setup>[0]) => {
        pingPong.setup(ctx);
        ctx.metric("leak", calls++);
      },
    };
    const report = checkDeterminism(leaky, request);
    expect(report.window).toBeNull();
    expect(report.resultMismatch).toBe("the traces agree but the results' metrics differ");
  });

  it("names the first divergent event when the second run is perturbed", () => {
    const report = checkDeterminism(pingPong, request, { testPerturbAtRecord: 4000 });
    expect(report.window).toEqual({ checkpoint: 3, from: 3072, to: 4096 });
    expect(report.difference).toMatchObject({ index: 4000, shape: "extra", b: { kind: "test-perturb" } });
    expect(report.difference!.a).toEqual(recordAt(4000));
  });

  it("locates a divergence after the last checkpoint", () => {
    const total = runScenario(pingPong, request).checkpoints.length * 1024;
    const report = checkDeterminism(pingPong, request, { testPerturbAtRecord: total + 3 });
    expect(report.window).toMatchObject({ checkpoint: -1, from: total });
    expect(report.difference?.index).toBe(total + 3);
  });
});
