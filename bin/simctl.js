#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm ci builds it through the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("simctl: error: the CLI is not built; run `npm run build` (npm ci does it for you)\n");
  process.exit(70);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
