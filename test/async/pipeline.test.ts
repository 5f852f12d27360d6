// Unit tests of runPipeline (src/async/pipeline.ts): node, pipeline and cancellation limits, each with its typed
// error.

import { describe, expect, it } from "vitest";
import { Semaphore, ms, now, sleep, spawn, join, type Proc } from "../../src/sim/index.js";
import { CancellationToken } from "../../src/async/cancellation-token.js";
import {
  CancellationError,
  NodeTimeoutError,
  PipelineTimeoutError,
  runPipeline,
  type PipelineNode,
} from "../../src/async/pipeline.js";
import { run, runOk } from "./run.js";

const log: string[] = [];
function node(name: string, us: number, f: (x: number) => number = (x) => x + 1): PipelineNode {
  return {
    name,
    *run(input): Proc<unknown> {
      log.push(`${name}:start@${now()}`);
      try {
        yield* sleep(us);
        return f(input as number);
      } finally {
        log.push(`${name}:end@${now()}`);
      }
    },
  };
}

describe("runPipeline", () => {
  it("feeds each node the previous output and reports progress per node", () => {
    const done: string[] = [];
    const out = runOk(() =>
      runPipeline({ name: "p", nodes: [node("a", 5), node("b", 5, (x) => x * 10), node("c", 5)] }, 1, {
        onNodeDone: (n) => done.push(n),
      }),
    );
    expect(out).toBe(21);
    expect(done).toEqual(["a", "b", "c"]);
  });

  it("a slow node raises NodeTimeoutError naming it, at its start + node timeout, and the next node never starts", () => {
    log.length = 0;
    const r = run(() =>
      runPipeline(
        { name: "p", nodeTimeoutUs: ms(10), nodes: [node("a", ms(5)), node("slow", ms(50)), node("c", ms(1))] },
        0,
      ),
    );
    expect(r.error).toBeInstanceOf(NodeTimeoutError);
    expect((r.error as NodeTimeoutError).node).toBe("slow");
    expect(r.nowUs).toBe(ms(15));
    expect(log).toEqual([`a:start@0`, `a:end@${ms(5)}`, `slow:start@${ms(5)}`, `slow:end@${ms(15)}`]);
  });

  it("cumulative time past the pipeline timeout raises PipelineTimeoutError listing the finished nodes", () => {
    const r = run(() =>
      runPipeline(
        {
          name: "p",
          nodeTimeoutUs: ms(10),
          pipelineTimeoutUs: ms(15),
          nodes: [node("a", ms(8)), node("b", ms(8)), node("c", ms(8))],
        },
        0,
      ),
    );
    expect(r.error).toBeInstanceOf(PipelineTimeoutError);
    expect((r.error as PipelineTimeoutError).completedNodes).toEqual(["a"]);
    expect(r.nowUs).toBe(ms(15));
  });

  it("setting the token raises CancellationError with the reason at that instant; a token set before the run stops it before any node", () => {
    log.length = 0;
    const r = runOk(function* () {
      const token = new CancellationToken();
      const p = spawn("p", runPipeline({ name: "p", nodes: [node("a", ms(10)), node("b", ms(10))] }, 0, { token }), {
        handled: true,
      });
      yield* sleep(ms(12));
      token.cancel("user stop");
      try {
        yield* join(p);
      } catch (error) {
        const early = new CancellationToken();
        early.cancel("too late");
        let second: unknown;
        try {
          yield* runPipeline({ name: "q", nodes: [node("x", 1)] }, 0, { token: early });
        } catch (e) {
          second = e;
        }
        return { error, at: now(), second };
      }
      return null;
    });
    expect(r?.error).toBeInstanceOf(CancellationError);
    expect((r?.error as CancellationError | undefined)?.reason).toBe("user stop");
    expect(r?.at).toBe(ms(12));
    expect(log).toEqual([`a:start@0`, `a:end@${ms(10)}`, `b:start@${ms(10)}`, `b:end@${ms(12)}`]);
    expect(r?.second).toBeInstanceOf(CancellationError);
  });

  it("a node's own exception propagates as the same object, even a TimeoutError-like one", () => {
    const own = new NodeTimeoutError("other", "inner", 1); // a node may throw anything, even our error types
    const r = run(() =>
      runPipeline(
        {
          name: "p",
          nodeTimeoutUs: ms(10),
          pipelineTimeoutUs: ms(100),
          nodes: [
            {
              name: "bad",
              *run(): Proc<unknown> {
                yield* sleep(1);
                throw own;
              },
            },
          ],
        },
        0,
      ),
    );
    expect(r.error).toBe(own);
  });

  it("node executions draw from shared slots", () => {
    const slots = new Semaphore(2);
    let peak = 0;
    let running = 0;
    const counted: PipelineNode = {
      name: "n",
      *run(x) {
        peak = Math.max(peak, ++running);
        yield* sleep(ms(1));
        running--;
        return x;
      },
    };
    runOk(function* () {
      const ps = Array.from({ length: 6 }, (_, i) =>
        spawn(`p${i}`, runPipeline({ name: `p${i}`, nodes: [counted, counted] }, i, { slots })),
      );
      for (const p of ps) yield* join(p);
    });
    expect(peak).toBe(2);
    expect(slots.availablePermits).toBe(2);
  });
});
