// A NodeHost is the simulator's side of one node: it implements the node's NodeEnv,
// builds the node from its factory on every boot (restart = new incarnation, durable
// state kept), and enforces crash and pause. Node timers carry the crash count they were
// set in, so a crashed node's timers never fire; while paused, timers and deliveries
// queue and run in order on resume, and the node's processes wait between steps.

import type { Kernel, TimerHandle } from "../kernel.js";
import type { Op, Proc, Task } from "../process.js";
import type { Rng } from "../rng.js";
import { sym, type Sym } from "../trace.js";
import { errorMessage } from "../errors.js";
import type { Micros } from "../time.js";
import { NodeClock } from "./clock.js";
import type { EmitDetail, Message, NodeEnv, NodeFactory, NodeId, SimNode } from "./env.js";
import type { NodeSpec } from "./topology.js";
import type { HostTap } from "./tap.js";

export type HostState = "off" | "up" | "down" | "paused";

/** What a host needs from the world around it. */
export interface HostServices {
  kernel: Kernel;
  rngFor(id: string, incarnation: number): Rng;
  send(from: NodeHost, to: NodeId, msg: Message): void;
  emit(host: NodeHost, kind: string, detail: EmitDetail | undefined): void;
  peers(role: string, dc: string | undefined): readonly NodeId[];
  /** The host went up, down, paused or resumed (for checkers that reason about outages). */
  stateChanged(host: NodeHost): void;
}

const K_NODE_TIMER = sym("node-timer");
const K_BOOT = sym("boot");

export interface HostStats {
  sent: number;
  delivered: number;
  dropped: number;
  received: number;
}

export class NodeHost implements NodeEnv {
  state: HostState = "off";
  incarnation = 0;
  /** Bumped on every crash; deliveries and timers from an earlier life are void. */
  crashCount = 0;
  /** Bumped on every pause, so a timed resume ends only the pause it belongs to. */
  pauseCount = 0;
  instance: SimNode | null = null;
  readonly durable: Record<string, unknown> = {};
  readonly clock = new NodeClock();
  readonly sym: Sym;
  readonly stats: HostStats = { sent: 0, delivered: 0, dropped: 0, received: 0 };
  rng!: Rng;
  /** The run viewer's observer of state changes (src/sim/net/tap.ts), when one is attached. */
  tap: HostTap | null = null;
  private readonly tasks = new Set<Task<unknown>>();
  private pausedQueue: (() => void)[] = [];
  /** Processes of this node waiting for the pause to end. */
  private resumeWaiters: { task: Task<unknown>; token: number }[] = [];
  private readonly resumed: Op;

  constructor(
    private readonly services: HostServices,
    readonly spec: NodeSpec,
    private readonly factory: NodeFactory,
  ) {
    this.sym = sym(spec.id);
    this.resumed = {
      what: `resume of paused node ${spec.id}`,
      arm: (task, token) => void this.resumeWaiters.push({ task, token }),
      disarm: (task) => {
        this.resumeWaiters = this.resumeWaiters.filter((w) => w.task !== task);
      },
    };
  }

  get id(): NodeId {
    return this.spec.id;
  }
  get role(): string {
    return this.spec.role;
  }
  get dc(): string | null {
    return this.spec.dc;
  }
  get region(): string | null {
    return this.spec.region;
  }
  get isUp(): boolean {
    return this.state === "up" || this.state === "paused";
  }

  now(): Micros {
    return this.services.kernel.now;
  }

  localNow(): Micros {
    return this.clock.local(this.services.kernel.now);
  }

  send(to: NodeId, msg: Message): void {
    if (this.state !== "up") return; // a paused or dead node sends nothing
    this.services.send(this, to, msg);
  }

  after(delayUs: Micros, fn: () => void): TimerHandle {
    // Set by dying code (a `finally` run by the crash's cancellation): it belongs to no life.
    const life = this.state === "down" ? -1 : this.crashCount;
    return this.services.kernel.afterWith(
      this.clock.realDelay(delayUs),
      this.fireTimer,
      fn,
      life,
      K_NODE_TIMER,
      this.sym,
    );
  }

  cancel(handle: TimerHandle): void {
    this.services.kernel.cancel(handle);
  }

  spawn<T>(name: string, proc: Proc<T>): Task<T> {
    const task = this.services.kernel.spawn(`${this.id}/${name}`, this.gated(proc), {
      parent: null,
      daemon: true,
      node: this.sym,
    });
    this.tasks.add(task as Task<unknown>);
    task.onDone(() => this.tasks.delete(task as Task<unknown>));
    if (this.state === "down") task.cancel(`${this.id} crashed`); // spawned by dying code: never runs
    return task;
  }

  emit(kind: string, detail?: EmitDetail): void {
    this.services.emit(this, kind, detail);
  }

  mark(name: string): void {
    this.services.kernel.coverage.hit(name);
  }

  peers(role: string, dc?: string): readonly NodeId[] {
    return this.services.peers(role, dc);
  }

  /** Boots a new incarnation at the next event (the factory runs inside the loop). */
  boot(): void {
    const life = this.crashCount;
    this.services.kernel.after(
      0,
      () => {
        if (life !== this.crashCount || this.state === "up" || this.state === "paused") return;
        this.incarnation++;
        this.rng = this.services.rngFor(this.id, this.incarnation);
        this.state = "up";
        this.services.stateChanged(this);
        this.tap?.hostState(this.id, "up", this.incarnation);
        this.instance = this.factory(this);
        this.guard("start", () => this.instance!.start());
      },
      K_BOOT,
      this.sym,
    );
  }

  crash(): void {
    if (this.state === "off" || this.state === "down") return;
    this.crashCount++;
    this.state = "down";
    this.services.stateChanged(this);
    this.tap?.hostState(this.id, "down", this.incarnation);
    this.instance = null;
    this.pausedQueue = [];
    for (const task of [...this.tasks]) task.cancel(`${this.id} crashed`);
  }

  pause(): void {
    if (this.state !== "up") return;
    this.state = "paused";
    this.pauseCount++;
    this.services.stateChanged(this);
    this.tap?.hostState(this.id, "paused", this.incarnation);
  }

  /**
   * Resumes: queued timers and deliveries run now, in arrival order, inside the resume
   * event, so they come before anything else arriving at this same instant (a later
   * message on a FIFO link must not overtake a queued one). Then the node's processes
   * continue.
   */
  resume(): void {
    if (this.state !== "paused") return;
    this.state = "up";
    this.services.stateChanged(this);
    this.tap?.hostState(this.id, "up", this.incarnation);
    const queue = this.pausedQueue;
    this.pausedQueue = [];
    for (const fn of queue) fn();
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w.task.wake(w.token);
  }

  /**
   * Drives a node process one step at a time; between steps it waits while the node is
   * paused, so none of the node's code runs during a pause. An interrupt that arrives
   * meanwhile (the crash cancelling it) is thrown into the process at once if the node
   * is no longer paused, otherwise on resume.
   */
  private *gated<T>(proc: Proc<T>): Proc<T> {
    let input: unknown;
    let isThrow = false;
    for (;;) {
      while (this.state === "paused") {
        try {
          yield this.resumed;
        } catch (error) {
          input = error;
          isThrow = true;
        }
      }
      const step = isThrow ? proc.throw(input) : proc.next(input);
      if (step.done === true) return step.value;
      try {
        input = yield step.value;
        isThrow = false;
      } catch (error) {
        input = error;
        isThrow = true;
      }
    }
  }

  /** Runs `fn` now if up, queues it if paused, drops it if the node is down. Returns false when dropped. */
  whenRunnable(fn: () => void): boolean {
    if (this.state === "up") {
      fn();
      return true;
    }
    if (this.state === "paused") {
      this.pausedQueue.push(fn);
      return true;
    }
    return false;
  }

  /** Calls into the node; a throw is a bug in the model, so it fails the run naming the node. */
  guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.failed(what, error);
    }
  }

  /** A throw out of the node is a bug in the model: it fails the run, naming the node. */
  failed(what: string, error: unknown): void {
    this.services.kernel.fail("failed", `node ${this.id} threw in ${what}: ${errorMessage(error)}`, [this.id]);
  }

  /** One handler for every timer of this node (no closure per timer): `life` is the crash count it was set in. */
  private readonly fireTimer = (fn: () => void, life: number): void => {
    if (life !== this.crashCount) return;
    if (this.state === "paused") {
      this.pausedQueue.push(() => this.fireTimer(fn, life));
      return;
    }
    if (this.state !== "up") return;
    try {
      fn();
    } catch (error) {
      this.failed("timer", error);
    }
  };
}
