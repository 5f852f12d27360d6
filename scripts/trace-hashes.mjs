// Prints one line per registered scenario and seed: `scenario seed traceHash verdict events`,
// from the compiled code in dist/ (run `npm run build` first). Diff two outputs to prove a
// change moved no trace hash:
//
//   node scripts/trace-hashes.mjs 3 > before.txt   # on the base
//   node scripts/trace-hashes.mjs 3 > after.txt    # on the change
//   diff before.txt after.txt
//
// The optional argument is the number of seeds per scenario (1..N, default 3).

import { allScenarios, runScenario } from "../dist/scenarios/index.js";

const seeds = Number(process.argv[2] ?? 3);
for (const scenario of allScenarios()) {
  for (let seed = 1; seed <= seeds; seed++) {
    try {
      const r = runScenario(scenario, { seed });
      process.stdout.write(`${scenario.id} ${seed} ${r.traceHash} ${r.verdict} ${r.events}\n`);
    } catch (error) {
      process.stdout.write(`${scenario.id} ${seed} THREW ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
