// `simctl list [--json]`: every scenario with the catalog ids it covers.

import chalk from "chalk";
import { allScenarios } from "../../scenarios/index.js";
import { optionsJson, sizeJson } from "../schema-json.js";

export function listCommand(options: { json?: boolean }): number {
  const scenarios = allScenarios();
  if (options.json) {
    const covered = [...new Set(scenarios.flatMap((s) => s.covers))].sort();
    const out = {
      scenarios: scenarios.map((s) => ({
        id: s.id,
        title: s.title,
        covers: [...s.covers],
        options: s.options,
        schema: optionsJson(s),
        size: sizeJson(s),
      })),
      covered,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...scenarios.map((s) => s.id.length));
  for (const s of scenarios) {
    const covers = s.covers.length > 0 ? chalk.dim(` [${s.covers.join(", ")}]`) : "";
    process.stdout.write(`${s.id.padEnd(width)}  ${s.title}${covers}\n`);
  }
  return 0;
}
