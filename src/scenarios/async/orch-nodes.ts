// Instrumented pipeline nodes for the orch/* scenarios: each records when it started,
// whether it finished or was unwound (cancelled mid-run), and when.

import { now, sleep, type Micros, type Proc } from "../../sim/index.js";
import type { PipelineNode } from "../../async/pipeline.js";

export interface NodeLog {
  node: string;
  startedAtUs: Micros;
  endedAtUs: Micros | null;
  end: "finished" | "unwound" | "threw" | null;
}

export class NodeRecorder {
  readonly logs: NodeLog[] = [];

  /** A node that sleeps `durationUs` and passes `f(input)` on. */
  sleeper(name: string, durationUs: Micros, f: (x: number) => number = (x) => x): PipelineNode {
    const logs = this.logs;
    return {
      name,
      *run(input: unknown): Proc<unknown> {
        const log: NodeLog = { node: name, startedAtUs: now(), endedAtUs: null, end: null };
        logs.push(log);
        try {
          yield* sleep(durationUs);
          log.end = "finished";
          return f(input as number);
        } finally {
          log.end ??= "unwound";
          log.endedAtUs = now();
        }
      },
    };
  }

  /** A node that sleeps, then throws `error`. */
  thrower(name: string, durationUs: Micros, error: Error): PipelineNode {
    const logs = this.logs;
    return {
      name,
      *run(): Proc<unknown> {
        const log: NodeLog = { node: name, startedAtUs: now(), endedAtUs: null, end: null };
        logs.push(log);
        yield* sleep(durationUs);
        log.end = "threw";
        log.endedAtUs = now();
        throw error;
      },
    };
  }

  of(node: string): NodeLog | undefined {
    return this.logs.find((l) => l.node === node);
  }
}

/** Runs `body`, capturing what it returned or threw and when. */
export function* capture<T>(
  body: Proc<T>,
): Proc<{ ok: true; value: T; atUs: Micros } | { ok: false; error: unknown; atUs: Micros }> {
  try {
    const value = yield* body;
    return { ok: true, value, atUs: now() };
  } catch (error) {
    return { ok: false, error, atUs: now() };
  }
}
