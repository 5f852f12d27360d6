// Declared option schemas: typed text and typed values pass through one spec per option,
// every registered scenario's schema matches its defaults, sizes over the bound are
// refused unless forced, and swarm draws are checked like everything else.

import { describe, expect, it } from "vitest";
import {
  allScenarios,
  checkOptionValue,
  defineScenario,
  duration,
  flag,
  formatDurationMs,
  integer,
  number,
  oneOf,
  OptionError,
  parseDurationMs,
  parseOptionText,
  parseOverride,
  resolveOptions,
  runScenario,
  schemaProblems,
  SIZE_BOUND,
  SizeError,
  type ScenarioDef,
} from "../../src/scenarios/index.js";
import { ms, sleep } from "../../src/sim/index.js";

const count = integer(1, 64, "a count");
const span = duration("1ms", "1h", "a span");

function refused(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return (error as Error).message;
  }
  throw new Error("expected an OptionError");
}

describe("typed text (--set)", () => {
  it("an integer is a plain decimal inside its range; anything else names the option, value and range", () => {
    expect(parseOptionText("n", "12", count)).toBe(12);
    for (const bad of ["0x10", "1e9", "2.5", "", "ten", " 3 4"])
      expect(refused(() => parseOptionText("n", bad, count))).toMatch(
        /^option n=.* is not a decimal integer: expected an integer in \[1, 64\]$/,
      );
    for (const bad of ["-1", "0", "65", "1000000000"])
      expect(refused(() => parseOptionText("n", bad, count))).toBe(
        `option n=${bad} is out of range: expected an integer in [1, 64]`,
      );
  });

  it("a duration needs a unit and becomes whole milliseconds", () => {
    expect(parseOptionText("tMs", "1.5s", span)).toBe(1500);
    expect(parseOptionText("tMs", "250ms", span)).toBe(250);
    expect(parseOptionText("tMs", "2m", span)).toBe(120_000);
    expect(refused(() => parseOptionText("tMs", "30", span))).toBe(
      "option tMs=30 has no unit (write 30ms or 30s): expected a duration with a unit (us, ms, s, m, h) in [1ms, 1h]",
    );
    expect(refused(() => parseOptionText("tMs", "2h", span))).toMatch(/is out of range/);
    expect(refused(() => parseOptionText("tMs", "1500us", span))).toMatch(
      /is 1.5ms, not a whole number of milliseconds/,
    );
    expect(refused(() => parseOptionText("tMs", "5 parsecs", span))).toMatch(/is not a duration/);
  });

  it("numbers, booleans and enums", () => {
    const p = number(0, 1, "a probability");
    expect(parseOptionText("p", "0.25", p)).toBe(0.25);
    expect(refused(() => parseOptionText("p", "1.5", p))).toMatch(/out of range: expected a number in \[0, 1\]/);
    expect(refused(() => parseOptionText("p", "0x1", p))).toMatch(/not a decimal number/);
    expect(parseOptionText("b", "true", flag("b"))).toBe(true);
    expect(parseOptionText("b", "0", flag("b"))).toBe(false);
    expect(refused(() => parseOptionText("b", "yes", flag("b")))).toMatch(/expected true or false$/);
    const mode = oneOf(["fifo", "lifo"], "queue order");
    expect(parseOptionText("mode", "lifo", mode)).toBe("lifo");
    expect(refused(() => parseOptionText("mode", "random", mode))).toBe(
      "option mode=random is not allowed: expected one of fifo, lifo",
    );
  });

  it("parseOverride finds the spec by key and lists the options of a mistyped one", () => {
    const pingPong = allScenarios().find((s) => s.id === "kernel/ping-pong")!;
    expect(parseOverride(pingPong, "rounds=50")).toEqual(["rounds", 50]);
    expect(parseOverride(pingPong, "maxJitterMs=2s")).toEqual(["maxJitterMs", 2000]);
    expect(refused(() => parseOverride(pingPong, "round=5"))).toMatch(
      /^unknown option "round" for kernel\/ping-pong; options: pairs, rounds/,
    );
    expect(refused(() => parseOverride(pingPong, "rounds"))).toMatch(/expects key=value/);
  });
});

describe("typed values (repro files, the vitest API, swarm draws)", () => {
  it("are checked as they are: no coercion from strings, durations shown with their unit", () => {
    expect(checkOptionValue("n", 3, count)).toBe(3);
    expect(refused(() => checkOptionValue("n", "3", count))).toMatch(/is not a number/);
    expect(refused(() => checkOptionValue("n", 2.5, count))).toMatch(/is not an integer/);
    expect(refused(() => checkOptionValue("tMs", 7_200_000, span))).toBe(
      "option tMs=2h is out of range: expected a duration with a unit (us, ms, s, m, h) in [1ms, 1h]",
    );
  });

  it("resolveOptions refuses a bad override before the run starts", () => {
    const pingPong = allScenarios().find((s) => s.id === "kernel/ping-pong")!;
    expect(resolveOptions(pingPong, { rounds: 7 })["rounds"]).toBe(7);
    expect(() => runScenario(pingPong, { seed: 1, overrides: { rounds: -3 } })).toThrow(
      "option rounds=-3 is out of range: expected an integer in [1, 100000]",
    );
  });
});

describe("the registered scenarios", () => {
  it("declare a spec for every option, a default that passes it, and durations named ...Ms", () => {
    expect(allScenarios().flatMap(schemaProblems)).toEqual([]);
    for (const s of allScenarios())
      for (const spec of Object.values(s.schema)) expect(spec.doc.length).toBeGreaterThan(5);
  });

  it("schemaProblems fires on a missing spec, a stray spec, a default out of range and a misnamed duration", () => {
    const broken = {
      id: "t/broken",
      options: { a: 1, b: 0, waitMs: 5, c: 3 },
      schema: { a: count, b: count, waitMs: count, c: span, z: count },
    };
    expect(schemaProblems(broken as never)).toEqual([
      "t/broken: default option b=0 is out of range: expected an integer in [1, 64]",
      "t/broken: option waitMs ends in Ms but is not a duration",
      "t/broken: option c is a duration, so its name must end in Ms",
      "t/broken: spec z has no default",
    ]);
  });

  it("default durations are within their bounds and print back with their unit", () => {
    expect(formatDurationMs(120_000)).toBe("2m");
    expect(formatDurationMs(1_500)).toBe("1.5s");
    expect(parseDurationMs(formatDurationMs(1_250))).toBe(1_250);
  });
});

type ToyOptions = { workers: number; waitMs: number };

function toy(overrides: Partial<ScenarioDef<ToyOptions>> = {}): ScenarioDef {
  return defineScenario<ToyOptions>({
    id: "test/options-toy",
    title: "options toy",
    description: "test-only",
    covers: [],
    options: { workers: 4, waitMs: 10 },
    schema: { workers: integer(1, 1_000, "workers"), waitMs: duration("1ms", "1s", "wait") },
    size: { formula: "workers × 100", estimate: (o) => o.workers * 100 },
    setup(ctx) {
      ctx.main("driver", sleep(ms(ctx.options.waitMs)));
    },
    ...overrides,
  });
}

describe("size bound", () => {
  it("refuses an estimate over the bound with the estimate and the formula, unless forced", () => {
    const s = toy();
    expect(runScenario(s, { seed: 1, overrides: { workers: 1_000 } }).verdict).toBe("pass");
    const over = { workers: SIZE_BOUND / 100 + 1 };
    const t = toy({ schema: { workers: integer(1, 10_000, "workers"), waitMs: duration("1ms", "1s", "wait") } });
    expect(() => runScenario(t, { seed: 1, overrides: over })).toThrow(SizeError);
    expect(() => runScenario(t, { seed: 1, overrides: over })).toThrow(
      "test/options-toy: estimated size 100,100 (workers × 100) exceeds the bound of 100,000; pass --force to run it anyway",
    );
    expect(runScenario(t, { seed: 1, overrides: over, force: true }).verdict).toBe("pass");
  });
});

describe("swarm draws (ScenarioDef.swarmOptions)", () => {
  const drawing = (draw: ScenarioDef<ToyOptions & { swarm: boolean }>["swarmOptions"]) =>
    defineScenario<ToyOptions & { swarm: boolean }>({
      id: "test/options-draw",
      title: "draws its workers",
      description: "test-only",
      covers: [],
      options: { workers: 4, waitMs: 10, swarm: true },
      schema: { workers: integer(1, 1_000, "workers"), waitMs: duration("1ms", "1s", "wait"), swarm: flag("draw") },
      ...(draw === undefined ? {} : { swarmOptions: draw }),
      setup(ctx) {
        ctx.main("driver", sleep(ms(ctx.options.waitMs)));
      },
    });

  it("a drawn value outside the schema is refused before the run, naming the option, as the scenario's bug", () => {
    const s = drawing((rng) => ({ workers: rng.int(2_000, 3_000) }));
    expect(() => runScenario(s, { seed: 1 })).toThrow(
      /^scenario test\/options-draw's swarm draw: option workers=\d+ is out of range: expected an integer in \[1, 1000\]$/,
    );
    expect(() => runScenario(s, { seed: 1 })).not.toThrow(OptionError); // not the caller's input: never exit 2
    expect(runScenario(s, { seed: 1, overrides: { workers: 5 } }).verdict).toBe("pass"); // a given value is not drawn
  });

  it("a drawn duration must be whole milliseconds inside its range", () => {
    const s = drawing(() => ({ waitMs: 2.5 }));
    expect(() => runScenario(s, { seed: 1 })).toThrow(
      /option waitMs=2\.5ms is 2\.5ms, not a whole number of milliseconds/,
    );
  });

  it("a drawn value inside the schema is used and named as drawn", () => {
    const s = drawing((rng) => ({ workers: rng.int(1, 9) }));
    const r = runScenario(s, { seed: 3 });
    expect(r.verdict).toBe("pass");
    expect(r.artifacts["drawnOptions"]).toEqual(["workers"]);
    expect(r.options["workers"]).toBeGreaterThanOrEqual(1);
  });
});
