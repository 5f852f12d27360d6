// Unit tests of the virtual time helpers (src/sim/time.ts).

import { describe, expect, it } from "vitest";
import { formatTime, minutes, ms, parseDuration, sec, us } from "../../src/sim/index.js";

describe("virtual time helpers", () => {
  it("build whole microseconds from human units, rounding fractions", () => {
    expect([us(1.4), ms(1), ms(0.0015), sec(1.5), minutes(2)]).toEqual([1, 1000, 2, 1_500_000, 120_000_000]);
  });

  it("formatTime prints hh:mm:ss.micros, hours growing past two digits", () => {
    expect(formatTime(0)).toBe("00:00:00.000000");
    expect(formatTime(62_345_678)).toBe("00:01:02.345678");
    expect(formatTime(100 * 3600 * 1_000_000 + 1)).toBe("100:00:00.000001");
  });

  it("parseDuration reads us/ms/s/m/h and bare milliseconds, and refuses anything else", () => {
    expect(["500us", "250ms", "1.5s", "10m", "1h", "40"].map(parseDuration)).toEqual([
      500, 250_000, 1_500_000, 600_000_000, 3_600_000_000, 40_000,
    ]);
    for (const bad of ["", "-5s", "5 parsecs", "1e3s", "s", "5 s s"]) expect(parseDuration(bad)).toBeNull();
  });
});
