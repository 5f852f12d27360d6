// Pipelines: nodes run in order, each taking the previous node's output. Three limits
// stop a run, each with its own typed error:
//   - a node slower than `nodeTimeoutUs`           → NodeTimeoutError (that node named)
//   - the whole run longer than `pipelineTimeoutUs` → PipelineTimeoutError
//   - the caller's CancellationToken being set      → CancellationError
// A node's own exception propagates unchanged (the very same object). Whichever limit
// fires, the running node is cancelled at that instant, so its `finally` blocks run and
// no later node starts. Node executions may share a pool of slots (`slots`), which is
// how an orchestrator bounds the work of many concurrent pipelines.

import { Cancelled, here, join, kernelOf, spawn, sym, type Micros, type Proc, type Semaphore } from "../sim/index.js";
import type { CancellationToken } from "./cancellation-token.js";
import { runWithTimeout, stopChild } from "./time-limit.js";

export interface PipelineNode {
  name: string;
  run: (input: unknown) => Proc<unknown>;
}

export interface PipelineSpec {
  name: string;
  nodes: readonly PipelineNode[];
  nodeTimeoutUs?: Micros;
  pipelineTimeoutUs?: Micros;
}

export interface PipelineRunOptions {
  token?: CancellationToken;
  /** Shared execution slots: each node holds one while it runs (its timeout starts once it has one). */
  slots?: Semaphore;
  /** Called as each node finishes, with its name (progress, traces). */
  onNodeDone?: (node: string) => void;
}

export class NodeTimeoutError extends Error {
  override readonly name = "NodeTimeoutError";
  constructor(
    readonly pipeline: string,
    readonly node: string,
    readonly timeoutUs: Micros,
  ) {
    super(`pipeline ${pipeline}: node ${node} exceeded its ${timeoutUs}us timeout`);
  }
}

export class PipelineTimeoutError extends Error {
  override readonly name = "PipelineTimeoutError";
  constructor(
    readonly pipeline: string,
    readonly timeoutUs: Micros,
    readonly completedNodes: readonly string[],
  ) {
    super(`pipeline ${pipeline} exceeded its ${timeoutUs}us timeout after ${completedNodes.length} node(s)`);
  }
}

export class CancellationError extends Error {
  override readonly name = "CancellationError";
  constructor(
    readonly pipeline: string,
    readonly reason: string,
    readonly completedNodes: readonly string[],
  ) {
    super(`pipeline ${pipeline} cancelled: ${reason}`);
  }
}

const PIPELINE_NODE = sym("pipeline");

/** Runs the pipeline on `input`; returns the last node's output. */
export function* runPipeline(spec: PipelineSpec, input: unknown, options: PipelineRunOptions = {}): Proc<unknown> {
  const completed: string[] = [];
  const token = options.token;
  if (token?.cancelled) throw new CancellationError(spec.name, token.reason ?? "cancelled", completed);
  const kernel = kernelOf();
  const child = spawn(`${here().name}/${spec.name}`, runNodes(spec, input, completed, options), {
    handled: true,
    node: PIPELINE_NODE,
  });
  // The interrupt we send is remembered by identity, so only our own stop is translated.
  let stop: { cause: Cancelled; error: () => Error } | null = null;
  const halt = (cause: Cancelled, error: () => Error): void => {
    if (child.done || stop !== null) return;
    stop = { cause, error };
    child.interrupt(cause);
  };
  const limitUs = spec.pipelineTimeoutUs;
  const timer =
    limitUs === undefined
      ? -1
      : kernel.after(limitUs, () =>
          halt(new Cancelled("pipeline timeout"), () => new PipelineTimeoutError(spec.name, limitUs, [...completed])),
        );
  const unsubscribe = token?.onCancel((reason) =>
    halt(new Cancelled(reason), () => new CancellationError(spec.name, reason, [...completed])),
  );
  try {
    return yield* join(child);
  } catch (error) {
    const s = stop as { cause: Cancelled; error: () => Error } | null;
    if (s !== null && error === s.cause) throw s.error();
    throw error;
  } finally {
    kernel.cancel(timer);
    unsubscribe?.();
    if (!child.done) yield* stopChild(child, stop === null, "pipeline caller left");
  }
}

function* runNodes(
  spec: PipelineSpec,
  input: unknown,
  completed: string[],
  options: PipelineRunOptions,
): Proc<unknown> {
  let value = input;
  for (const node of spec.nodes) {
    const slots = options.slots;
    if (slots !== undefined) yield* slots.acquire();
    try {
      value = yield* runNode(spec, node, value);
    } finally {
      slots?.release();
    }
    completed.push(node.name);
    options.onNodeDone?.(node.name);
  }
  return value;
}

function* runNode(spec: PipelineSpec, node: PipelineNode, input: unknown): Proc<unknown> {
  const timeoutUs = spec.nodeTimeoutUs;
  if (timeoutUs === undefined) return yield* node.run(input);
  return yield* runWithTimeout(node.run(input), {
    timeoutUs,
    label: node.name,
    onExpire: () => new NodeTimeoutError(spec.name, node.name, timeoutUs),
  });
}
