// The record log a repro carries, from which replay names the first divergent event.

import { describe, expect, it } from "vitest";
import { RecordLogBuilder, decodeRecordLog } from "../../src/repro/record-log.js";
import { findScenario, runScenario } from "../../src/scenarios/index.js";
import type { TraceRecord } from "../../src/sim/index.js";

describe("record log", () => {
  it("decodes to exactly the records the trace listener saw, in any window", () => {
    const seen: TraceRecord[] = [];
    const log = new RecordLogBuilder();
    runScenario(findScenario("kernel/ping-pong")!, {
      seed: 4,
      overrides: { pairs: 3, rounds: 40 },
      traceListener: (r) => {
        seen.push(r);
        log.listener(r);
      },
    });
    const built = log.build();
    expect(built.complete).toBe(true);
    expect(built.count).toBe(seen.length);
    expect(decodeRecordLog(built)).toEqual(seen);
    expect(decodeRecordLog(built, 100, 130)).toEqual(seen.slice(100, 130));
  });

  it("keeps a valid prefix when the run has more records than the limit", () => {
    const seen: TraceRecord[] = [];
    const log = new RecordLogBuilder(50);
    runScenario(findScenario("kernel/ping-pong")!, {
      seed: 4,
      overrides: { pairs: 2, rounds: 40 },
      traceListener: (r) => {
        seen.push(r);
        log.listener(r);
      },
    });
    const built = log.build();
    expect(built).toMatchObject({ count: 50, complete: false });
    expect(decodeRecordLog(built)).toEqual(seen.slice(0, 50));
  });
});
