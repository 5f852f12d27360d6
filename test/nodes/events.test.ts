// The event catalog (src/nodes/events.ts) names every event the nodes emit, and nothing else.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_KINDS } from "../../src/nodes/events.js";

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

describe("event catalog", () => {
  it("every kind a cluster node emits is documented in src/nodes/events.ts", () => {
    const mine = [
      "src/nodes/gate",
      "src/nodes/manager",
      "src/nodes/worker.ts",
      "src/nodes/worker-leadership.ts",
      "src/nodes/client.ts",
      ...["membership", "election", "quorum", "dead-peer-reaper"].map((p) => `src/nodes/parts/${p}.ts`),
    ];
    const emitted = new Set<string>();
    for (const entry of mine) {
      const files = entry.endsWith(".ts") ? [entry] : sources(entry);
      for (const f of files)
        for (const m of readFileSync(f, "utf8").matchAll(/\.emit\("([a-zA-Z.]+)"/g)) emitted.add(m[1]!);
    }
    expect(emitted.size).toBeGreaterThan(30);
    const missing = [...emitted].filter((k) => !(k in EVENT_KINDS));
    expect(missing).toEqual([]);
  });
});
