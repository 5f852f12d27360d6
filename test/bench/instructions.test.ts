// Parsing of cachegrind's summary for bench:compare --instructions (src/bench/instructions.ts).

import { describe, expect, it } from "vitest";
import { parseInstructionRefs } from "../../src/bench/instructions.js";

describe("parseInstructionRefs", () => {
  it("reads cachegrind's summary line, thousands separators and all", () => {
    const stderr = "==4528== Command: node --predictable x.js\n==4528== \n==4528== I   refs:      5,652,585,192\n";
    expect(parseInstructionRefs(stderr)).toBe(5_652_585_192);
  });

  it("gives null when the run never reached the summary", () => {
    expect(parseInstructionRefs("==1== Command: node x.js\nError: boom\n")).toBeNull();
  });
});
