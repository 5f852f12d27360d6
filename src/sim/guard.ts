// The determinism guard: while a run executes, the ambient sources of nondeterminism
// throw an error naming the call. They are restored when the run ends, even if it throws.

import { NondeterminismError } from "./errors.js";

type Patch = { target: Record<string, unknown>; key: string; original: unknown; label: string };

/** Told about every forbidden call, even one whose error the caller then swallows. */
export type ViolationListener = (error: NondeterminismError) => void;

const listeners: ViolationListener[] = [];

function forbidden(label: string): () => never {
  return () => {
    const error = new NondeterminismError(label);
    listeners[listeners.length - 1]?.(error);
    throw error;
  };
}

function collectPatches(): Patch[] {
  const g = globalThis as unknown as Record<string, unknown>;
  const patches: Patch[] = [
    {
      target: Math as unknown as Record<string, unknown>,
      key: "random",
      original: Math.random,
      label: "Math.random()",
    },
    { target: Date as unknown as Record<string, unknown>, key: "now", original: Date.now, label: "Date.now()" },
  ];
  for (const key of ["setTimeout", "setInterval", "setImmediate"]) {
    if (typeof g[key] === "function") patches.push({ target: g, key, original: g[key], label: `${key}()` });
  }
  const perf = g["performance"] as Record<string, unknown> | undefined;
  if (perf && typeof perf["now"] === "function") {
    patches.push({ target: perf, key: "now", original: perf["now"], label: "performance.now()" });
  }
  return patches;
}

let depth = 0;
let active: Patch[] = [];

/**
 * Installs the guard; returns the function that removes it. Nested installs are counted.
 * `onViolation` (the innermost install's) hears of each forbidden call as it happens.
 */
export function installDeterminismGuard(onViolation?: ViolationListener): () => void {
  const listener: ViolationListener | null = onViolation ?? null;
  if (listener !== null) listeners.push(listener);
  if (depth++ === 0) {
    active = collectPatches();
    for (const p of active) {
      Object.defineProperty(p.target, p.key, { value: forbidden(p.label), configurable: true, writable: true });
    }
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (listener !== null) listeners.splice(listeners.lastIndexOf(listener), 1);
    if (--depth === 0) {
      for (const p of active) {
        Object.defineProperty(p.target, p.key, { value: p.original, configurable: true, writable: true });
      }
      active = [];
    }
  };
}
