// Terminal conventions: colour and width. Colour follows, in this order, `--no-color` on
// the command line, FORCE_COLOR (0/false off, 1-3 or empty on; it outranks NO_COLOR as in
// Node itself), NO_COLOR (set and non-empty: off, see no-color.org), and otherwise
// whether stdout is a terminal. chalk alone ignores NO_COLOR, so the level is set here
// once, before anything is printed.

import chalk, { type ColorSupportLevel } from "chalk";

const COLOR_FLAGS = new Set(["--no-color", "--no-colors", "--color", "--colors"]);

export interface ColorInput {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/** The chalk level these inputs ask for. */
export function colorLevel({ argv, env, isTTY }: ColorInput): ColorSupportLevel {
  const flags = argv.slice(0, endOfOptions(argv)).filter((a) => COLOR_FLAGS.has(a));
  const last = flags[flags.length - 1];
  if (last === "--no-color" || last === "--no-colors") return 0;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) {
    if (force === "" || force === "true") return 1;
    if (force === "false") return 0;
    const n = Number.parseInt(force, 10);
    if (Number.isInteger(n)) return Math.max(0, Math.min(3, n)) as ColorSupportLevel;
  }
  if (last === "--color" || last === "--colors") return 1;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return 0;
  return isTTY && env["TERM"] !== "dumb" ? 1 : 0;
}

/** Sets chalk's level and returns argv without the colour flags (commander never sees them). */
export function setUpColor(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  chalk.level = colorLevel({ argv, env, isTTY: process.stdout.isTTY === true });
  const end = endOfOptions(argv);
  return argv.filter((a, i) => i >= end || !COLOR_FLAGS.has(a));
}

function endOfOptions(argv: readonly string[]): number {
  const i = argv.indexOf("--");
  return i < 0 ? argv.length : i;
}

/** Columns of a terminal stream, or null when it is not a terminal. */
export function terminalColumns(stream: NodeJS.WriteStream): number | null {
  if (stream.isTTY !== true) return null;
  return typeof stream.columns === "number" && stream.columns > 0 ? stream.columns : 80;
}
