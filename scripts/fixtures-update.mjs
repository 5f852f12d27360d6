#!/usr/bin/env node
// `npm run fixtures:update`: regenerates every fixture repro in fixtures/repros/ from its
// own recorded request with today's code, rewriting only those whose trace, verdict or
// signature changed, and lists them. Review the list before committing: a golden hash
// that moved means behaviour changed.
//
// `npm run fixtures:update -- --add SCENARIO SEED [key=value ...]` records a new one.

import { addFixture, FIXTURE_DIR, listFixtures, regenerateFixture } from "../dist/repro/fixtures.js";
import { findScenario, parseOverride } from "../dist/scenarios/index.js";

const args = process.argv.slice(2);
if (args[0] === "--add") {
  const [, id, seedText, ...pairs] = args;
  const scenario = id === undefined ? undefined : findScenario(id);
  if (scenario === undefined || seedText === undefined || !/^\d+$/.test(seedText)) {
    console.error("usage: npm run fixtures:update -- --add SCENARIO SEED [key=value ...]");
    process.exit(2);
  }
  const overrides = Object.fromEntries(pairs.map((p) => parseOverride(scenario, p)));
  console.log(`added     ${addFixture(FIXTURE_DIR, id, Number(seedText), overrides)}`);
} else {
  let changed = 0;
  let broken = 0;
  const files = listFixtures();
  for (const file of files) {
    try {
      const u = regenerateFixture(file);
      console.log(u.line);
      if (u.changed) changed++;
    } catch (error) {
      // A fixture whose scenario or options no longer exist needs a person: say so, go on.
      broken++;
      console.log(`error     ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(
    `${files.length} fixture(s), ${changed} changed${broken > 0 ? `, ${broken} could not be regenerated` : ""}`,
  );
  if (broken > 0) process.exitCode = 1;
}
