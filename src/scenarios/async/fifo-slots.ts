// The schedule a FIFO pool of slots gives pipelines of sequential nodes, computed with no
// kernel: ORCH-1's reference for what each pipeline's latency must be. Every pipeline asks
// for a slot for its first node at t = 0, in pipeline order; a node holds its slot for
// exactly its drawn duration; a freed slot goes straight to the oldest waiting request;
// the pipeline then asks for a slot for its next node, joining the back of the queue.
// Nodes ending at the same instant are taken in the order they started (the kernel's
// tie-break by insertion sequence), which fixes the queue order exactly.

interface Running {
  endUs: number;
  seq: number;
  pipeline: number;
  node: number;
}

/** Completion time of each pipeline; `durationsUs[p * nodes + n]` is node n of pipeline p. */
export function fifoSlotLatencies(input: {
  pipelines: number;
  nodes: number;
  slots: number;
  durationsUs: readonly number[];
}): number[] {
  const { pipelines, nodes, durationsUs } = input;
  const done: number[] = new Array<number>(pipelines).fill(-1);
  const queue: { pipeline: number; node: number }[] = [];
  const running: Running[] = [];
  let free = input.slots;
  let seq = 0;
  let head = 0;
  const start = (pipeline: number, node: number, atUs: number): void => {
    running.push({ endUs: atUs + durationsUs[pipeline * nodes + node]!, seq: seq++, pipeline, node });
  };
  const request = (pipeline: number, node: number, atUs: number): void => {
    if (free > 0) {
      free--;
      start(pipeline, node, atUs);
    } else queue.push({ pipeline, node });
  };
  for (let p = 0; p < pipelines; p++) request(p, 0, 0);
  while (running.length > 0) {
    let next = 0;
    for (let i = 1; i < running.length; i++) {
      const a = running[i]!;
      const b = running[next]!;
      if (a.endUs < b.endUs || (a.endUs === b.endUs && a.seq < b.seq)) next = i;
    }
    const r = running[next]!;
    running[next] = running[running.length - 1]!;
    running.pop();
    const waiter = queue[head];
    if (waiter === undefined) free++;
    else {
      head++;
      start(waiter.pipeline, waiter.node, r.endUs);
    }
    if (r.node + 1 < nodes) request(r.pipeline, r.node + 1, r.endUs);
    else done[r.pipeline] = r.endUs;
  }
  return done;
}
