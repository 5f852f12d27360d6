// The determinism guard: ambient time, randomness and timers fail a run, and no deterministic source calls them.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { Kernel, NondeterminismError, installDeterminismGuard, sleep, ms, type Proc } from "../../src/sim/index.js";
import { world } from "./harness.js";

const FORBIDDEN: [label: string, call: () => unknown][] = [
  ["Math.random()", () => Math.random()],
  ["Date.now()", () => Date.now()],
  ["performance.now()", () => performance.now()],
  ["setTimeout()", () => setTimeout(() => {}, 1)],
  ["setInterval()", () => setInterval(() => {}, 1)],
  ["setImmediate()", () => setImmediate(() => {})],
];

function expectRealFunctionsBack(): void {
  const r = Math.random();
  expect(r >= 0 && r < 1).toBe(true);
  expect(Date.now()).toBeGreaterThan(1_600_000_000_000);
  expect(performance.now()).toBeGreaterThan(0);
  clearTimeout(setTimeout(() => {}, 1_000));
  clearInterval(setInterval(() => {}, 1_000));
  clearImmediate(setImmediate(() => {}));
}

describe("determinism guard at run time", () => {
  it.each(FORBIDDEN)(
    "%s inside a process fails the run with a message naming the call, and is restored afterwards",
    (label, call) => {
      const w = world();
      w.spawn(
        "sneaky",
        (function* (): Proc<void> {
          yield* sleep(ms(1));
          call();
        })(),
      );
      const out = w.run();
      expect(out.stop).toBe("failed");
      expect(out.failure?.message).toContain(label);
      expect(out.failure?.message).toContain("sneaky");
      expect(out.failure?.processes).toEqual(["sneaky"]);
      expect(out.failure?.atUs).toBe(ms(1));
      expectRealFunctionsBack();
    },
  );

  it("the process sees a NondeterminismError that names the call", () => {
    const w = world();
    let seen: unknown = null;
    w.spawn(
      "p",
      (function* (): Proc<void> {
        try {
          Math.random();
        } catch (e) {
          seen = e;
        }
      })(),
    );
    w.run();
    expect(seen).toBeInstanceOf(NondeterminismError);
    expect((seen as NondeterminismError).call).toBe("Math.random()");
  });

  it("a process that swallows the guard's error still fails the run", () => {
    const w = world();
    w.spawn(
      "swallower",
      (function* (): Proc<void> {
        try {
          Date.now();
        } catch {
          // pretend nothing happened
        }
        yield* sleep(ms(5));
      })(),
    );
    const out = w.run();
    expect(out.stop).toBe("failed");
    expect(out.failure?.message).toContain("Date.now()");
    expect(out.failure?.atUs).toBe(0);
  });

  it("a forbidden call in a plain timer callback fails the run too", () => {
    const k = new Kernel();
    k.at(ms(2), () => {
      try {
        Math.random();
      } catch {
        // ignored
      }
    });
    const out = k.run();
    expect(out.failure?.message).toContain("Math.random()");
    expect(out.failure?.processes).toEqual([]);
  });

  it("restores the real functions after a callback throws, and the run fails naming the error", () => {
    const k = new Kernel();
    k.at(1, () => {
      throw new Error("callback bug");
    });
    const out = k.run();
    expect(out.stop).toBe("failed");
    expect(out.failure?.message).toContain("callback bug");
    expectRealFunctionsBack();
  });

  it("is off outside a run: the same calls work before and after", () => {
    expectRealFunctionsBack();
    const w = world();
    w.spawn("ok", sleep(1));
    w.run();
    expectRealFunctionsBack();
  });

  it("nested installs stay on until the outermost one is removed", () => {
    const outer = installDeterminismGuard();
    const inner = installDeterminismGuard();
    inner();
    expect(() => Math.random()).toThrow(NondeterminismError);
    inner(); // a second call of the same remover is a no-op
    expect(() => Date.now()).toThrow(NondeterminismError);
    outer();
    expectRealFunctionsBack();
  });
});

// ---------------------------------------------------------------------------------------
// Source scan: no ambient time or randomness in the deterministic layers.

const ROOT = join(import.meta.dirname, "..", "..");
const SCANNED = ["src/sim", "src/async", "src/nodes", "src/scenarios"];
const CALLS: [name: string, pattern: RegExp][] = [
  ["Math.random", /\bMath\s*\.\s*random\s*\(/],
  ["Date.now", /\bDate\s*\.\s*now\s*\(/],
  ["new Date()", /\bnew\s+Date\s*\(\s*\)/],
  ["performance.now", /\bperformance\s*\.\s*now\s*\(/],
  ["process.hrtime", /\bprocess\s*\.\s*hrtime\b/],
  ["setTimeout", /\bsetTimeout\s*\(/],
  ["setInterval", /\bsetInterval\s*\(/],
  ["setImmediate", /\bsetImmediate\s*\(/],
  ["crypto.randomUUID", /\brandomUUID\s*\(/],
];

/**
 * Blanks comments and the text of string and template literals (keeping `${}` code and
 * line breaks), so only real code is searched: the guard names the calls in strings.
 */
function codeOnly(source: string): string {
  let out = "";
  let i = 0;
  const templateDepth: number[] = []; // brace depth at which each open template resumes
  let braces = 0;
  const blank = (text: string): string => text.replace(/[^\n]/g, " ");
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      out += c + blank(source.slice(i + 1, j)) + c;
      i = j + 1;
    } else if (
      c === "`" ||
      (c === "}" && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braces)
    ) {
      if (c === "}") templateDepth.pop();
      let j = i + 1;
      while (j < source.length && source[j] !== "`" && !(source[j] === "$" && source[j + 1] === "{"))
        j += source[j] === "\\" ? 2 : 1;
      out += c + blank(source.slice(i + 1, j));
      if (source[j] === "$") {
        templateDepth.push(braces);
        out += "${";
        i = j + 2;
      } else {
        out += "`";
        i = j + 1;
      }
    } else {
      if (c === "{") braces++;
      else if (c === "}") braces--;
      out += c;
      i++;
    }
  }
  return out;
}

function findCalls(source: string): string[] {
  const hits: string[] = [];
  codeOnly(source)
    .split("\n")
    .forEach((line, n) => {
      for (const [name, pattern] of CALLS) if (pattern.test(line)) hits.push(`${n + 1}: ${name}`);
    });
  return hits;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return []; // a layer that does not exist yet has nothing to scan
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("source scan for ambient time and randomness", () => {
  it("the scanner finds real calls and ignores comments and string contents", () => {
    const sample = [
      "const a = Math.random();",
      "// Math.random() in a comment",
      "/* Date.now() in a block",
      "   comment */ const b = 1;",
      'const label = "setTimeout()";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner reads, not a template
      "const t = `text Date.now() ${Date.now()} more`;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner reads, not a template
      "const u = `${`${performance.now()}`}`;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner reads, not a template
      "const s = `${ {a: 1}.a } setImmediate()`; setImmediate(f);",
      "const id = crypto.randomUUID();",
      "const d = new Date(); const fixed = new Date(0);",
      "const ref = Math.random; // a reference, not a call",
    ].join("\n");
    expect(findCalls(sample)).toEqual([
      "1: Math.random",
      "6: Date.now",
      "7: performance.now",
      "8: setImmediate",
      "9: crypto.randomUUID",
      "10: new Date()",
    ]);
  });

  it("src/sim, src/async, src/nodes and src/scenarios call none of them (the guard file included)", () => {
    const files = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.map((f) => relative(ROOT, f))).toContain("src/sim/guard.ts");
    const offences = files.flatMap((file) =>
      findCalls(readFileSync(file, "utf8")).map((hit) => `${relative(ROOT, file)}:${hit}`),
    );
    expect(offences).toEqual([]);
  });
});
