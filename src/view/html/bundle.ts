// The page's script, as one inline <script>: the browser code is compiled on its own
// (tsconfig.client.json, CommonJS modules, into dist/view-client/) and here wrapped in a
// twenty-line module loader, so the page needs no bundler, no network and no other file.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ENTRY = "view/client/main.js";

/** dist/view-client, seen from dist/view/html (the CLI) or from src/view/html (vitest). */
function clientRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, "../../view-client"), resolve(here, "../../../dist/view-client")])
    if (existsSync(join(candidate, ENTRY))) return candidate;
  throw new Error("the viewer's browser script is not built: run `npm run build` (dist/view-client is missing)");
}

function jsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) jsFiles(path, out);
    else if (path.endsWith(".js")) out.push(path);
  }
  return out;
}

const LOADER_HEAD = `(function () {
"use strict";
var defs = {}, cache = {};
function resolve(from, name) {
  var parts = from.split("/");
  parts.pop();
  name.split("/").forEach(function (p) { if (p === "..") parts.pop(); else if (p !== ".") parts.push(p); });
  return parts.join("/");
}
function load(path) {
  var m = cache[path];
  if (m) return m.exports;
  if (!defs[path]) throw new Error("viewer bundle: no module " + path);
  m = cache[path] = { exports: {} };
  defs[path].call(m.exports, m.exports, function (name) { return load(resolve(path, name)); }, m);
  return m.exports;
}
`;

let cached: string | null = null;

/** The browser script, safe to put between <script> and </script>. */
export function clientBundle(): string {
  if (cached !== null) return cached;
  const root = clientRoot();
  const parts = [LOADER_HEAD];
  for (const file of jsFiles(root)) {
    const name = relative(root, file).split("\\").join("/");
    const code = readFileSync(file, "utf8").replace(/\/\/# sourceMappingURL=.*$/m, "");
    parts.push(`defs[${JSON.stringify(name)}] = function (exports, require, module) {\n${code}\n};\n`);
  }
  parts.push(`load(${JSON.stringify(ENTRY)});\n})();\n`);
  cached = parts
    .join("")
    .replace(/<\/(script)/gi, "<\\/$1")
    .replace(/<!--/g, "<\\!--");
  return cached;
}
