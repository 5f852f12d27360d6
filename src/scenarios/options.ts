// Option resolution: defaults from the scenario, overrides from the caller, each checked
// against the scenario's declared schema (option-spec.ts) into one fully resolved object
// (fast-check's habit) that is printed and recorded. Every caller goes through here:
// `--set` text through parseOverride, typed values (repro files, the vitest API) through
// resolveOptions, swarm draws through checkOptions.

import { checkOptionValue, OptionError, parseOptionText } from "./option-check.js";
import type { OptionSchema, OptionSpec } from "./option-spec.js";
import type { OptionValue, Options, ScenarioDef } from "./types.js";

/** The spec of `key`, or an OptionError listing the options the scenario has. */
export function specOf(scenario: Pick<ScenarioDef, "id" | "schema">, key: string): OptionSpec {
  const spec = Object.hasOwn(scenario.schema, key) ? scenario.schema[key] : undefined;
  if (spec !== undefined) return spec;
  const keys = Object.keys(scenario.schema);
  throw new OptionError(
    keys.length === 0
      ? `scenario ${scenario.id} has no options (got "${key}")`
      : `unknown option "${key}" for ${scenario.id}; options: ${keys.join(", ")}`,
  );
}

/** Parses `key=value` text (`--set`) against the option's declared type. */
export function parseOverride(scenario: ScenarioDef, text: string): [string, OptionValue] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new OptionError(`--set expects key=value, got "${text}"`);
  const key = text.slice(0, eq);
  return [key, parseOptionText(key, text.slice(eq + 1), specOf(scenario, key))];
}

/** Checks typed values against the schema; throws the first problem as an OptionError. */
export function checkOptions(scenario: Pick<ScenarioDef, "id" | "schema">, values: Readonly<Options>): void {
  for (const key of Object.keys(values)) checkOptionValue(key, values[key], specOf(scenario, key));
}

/** Defaults with overrides applied, in the defaults' key order, every override checked. */
export function resolveOptions<O extends Options>(scenario: ScenarioDef<O>, overrides: Options = {}): O {
  const resolved: Options = { ...scenario.options };
  const def = scenario as unknown as ScenarioDef;
  for (const key of Object.keys(overrides)) {
    resolved[key] = checkOptionValue(key, overrides[key], specOf(def, key));
  }
  return resolved as O;
}

/**
 * A scenario definition whose schema does not match its defaults is a bug in simctl:
 * every option needs a spec, every spec an option, and every default must pass its spec.
 */
export function schemaProblems(scenario: Pick<ScenarioDef, "id" | "options" | "schema">): string[] {
  const problems: string[] = [];
  const schema: OptionSchema = scenario.schema;
  for (const key of Object.keys(scenario.options))
    if (!Object.hasOwn(schema, key)) problems.push(`${scenario.id}: option ${key} has no spec`);
  for (const key of Object.keys(schema)) {
    if (!Object.hasOwn(scenario.options, key)) problems.push(`${scenario.id}: spec ${key} has no default`);
    else {
      try {
        checkOptionValue(key, scenario.options[key], schema[key]!);
      } catch (error) {
        if (!(error instanceof OptionError)) throw error;
        problems.push(`${scenario.id}: default ${error.message}`);
      }
    }
    const isDuration = schema[key]!.type === "duration";
    if (isDuration !== key.endsWith("Ms"))
      problems.push(
        `${scenario.id}: option ${key} ${isDuration ? "is a duration, so its name must end in Ms" : "ends in Ms but is not a duration"}`,
      );
  }
  return problems;
}
