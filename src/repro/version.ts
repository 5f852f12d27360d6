// The running simctl version, read once from package.json so repro files, `--version`
// and the sweep summaries all agree. The relative path is the same from src/ and dist/.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = require("../../package.json") as { version?: unknown };

export const SIMCTL_VERSION: string = typeof pkg.version === "string" ? pkg.version : "0.0.0";
