// Which seeds a vitest sweep runs: the test's own choice, unless SIM_SEED=N (rerun just
// that seed, e.g. the one a failure named) or SIM_SEEDS=N (run N seeds instead of the
// test's count, starting at the test's first seed) is set in the environment.

export type SeedSpec = number | { first: number; last: number } | readonly number[];

export class SeedEnvError extends Error {
  override readonly name = "SeedEnvError";
}

function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | null {
  const text = env[name];
  if (text === undefined || text === "") return null;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min)
    throw new SeedEnvError(`${name}="${text}": expected an integer >= ${min}`);
  return Number(text);
}

export function resolveSeeds(spec: SeedSpec, env: NodeJS.ProcessEnv = process.env): number[] {
  const only = envInt(env, "SIM_SEED", 0);
  if (only !== null) return [only];
  const count = envInt(env, "SIM_SEEDS", 1);
  if (Array.isArray(spec)) return count === null ? [...spec] : [...spec].slice(0, count);
  const first = typeof spec === "number" ? 1 : (spec as { first: number }).first;
  const last = count !== null ? first + count - 1 : typeof spec === "number" ? spec : (spec as { last: number }).last;
  const out: number[] = [];
  for (let seed = first; seed <= last; seed++) out.push(seed);
  return out;
}
