// `simctl describe SCENARIO [--json]`: what a scenario does and every option it takes,
// with type, default, allowed range and a line of description (its declared schema),
// its size formula against the bound, and its default budgets.

import chalk from "chalk";
import { formatTime } from "../../sim/index.js";
import { describeAllowed, formatOptionValue, type ScenarioDef } from "../../scenarios/index.js";
import { lookupScenario } from "../args.js";
import { ExitCode } from "../exit-codes.js";
import { renderTable } from "../render.js";
import { limitsJson, optionsJson, sizeJson } from "../schema-json.js";

export function describeCommand(id: string, flags: { json?: boolean }): number {
  const scenario = lookupScenario(id);
  if (flags.json) {
    const out = {
      id: scenario.id,
      title: scenario.title,
      description: scenario.description,
      covers: [...scenario.covers],
      options: optionsJson(scenario),
      size: sizeJson(scenario),
      limits: limitsJson(scenario),
      shrinkable: scenario.shrinkable ?? {},
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderDescribe(scenario).join("\n")}\n`);
  }
  return ExitCode.Pass;
}

function renderDescribe(s: ScenarioDef): string[] {
  const lines = [`${chalk.bold(s.id)}  ${s.title}`, "", ...wrap(s.description, 88), ""];
  if (s.covers.length > 0) lines.push(`${chalk.bold("covers")}   ${s.covers.join(", ")}`);
  const rows = Object.entries(s.schema).map(([name, spec]) => ({
    option: name,
    type: spec.type,
    default: formatOptionValue(spec, s.options[name]!),
    allowed: describeAllowed(spec),
    description: spec.doc,
  }));
  if (rows.length === 0) lines.push(`${chalk.bold("options")}  ${chalk.dim("(none)")}`);
  else lines.push(chalk.bold("options"), ...renderTable(rows).map((l) => `  ${l}`));
  const size = sizeJson(s);
  if (size !== null)
    lines.push(
      `${chalk.bold("size")}     ${size.formula}: ${size.estimate.toLocaleString("en-US", { maximumFractionDigits: 0 })} with the defaults; runs above ${size.bound.toLocaleString("en-US")} need --force`,
    );
  const limits = limitsJson(s);
  lines.push(`${chalk.bold("limits")}   max-events ${limits.maxEvents}, max-time ${formatTime(limits.maxTimeUs)}`);
  const example = Object.keys(s.schema)[0];
  lines.push(
    `${chalk.bold("example")}  npx simctl run ${s.id} --seed 1${example === undefined ? "" : ` --set ${example}=${formatOptionValue(s.schema[example], s.options[example]!)}`}`,
  );
  return lines;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") out.push(line);
  return out;
}
