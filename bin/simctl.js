#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm ci builds it through the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// A reader that stops early (`simctl list | head`) is not an error: stop quietly, with the
// status a shell reports for SIGPIPE (128 + 13), as any Unix tool would.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(141);
    throw error;
  });
}

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("simctl: error: the CLI is not built; run `npm run build` (npm ci does it for you)\n");
  process.exit(70);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
