// Every repro file under fixtures/repros replays as recorded.

import { describe, expect, it } from "vitest";
import { checkFixture, listFixtures } from "../../src/repro/fixtures.js";

// Every repro in fixtures/repros/ must match its recorded expectation: a passing run is
// a golden trace hash and must replay identically; a failing one must still fail with
// its signature. After a deliberate behaviour change: npm run fixtures:update.
describe("fixture repros", () => {
  const files = listFixtures();
  it("has fixtures to replay", () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`${file} replays as recorded`, () => {
      const check = checkFixture(file);
      expect(
        check.ok,
        `${file}: expected ${check.expectation}; ${check.detail} (npm run fixtures:update if intended)`,
      ).toBe(true);
    });
  }
});
