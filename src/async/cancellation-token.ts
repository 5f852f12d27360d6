// A cancellation token: a one-way flag a caller sets to ask running work to stop, in the
// style of .NET's CancellationToken. Work either polls `cancelled` or registers a
// callback; callbacks run once, synchronously, in registration order.

import { SimEvent, type Proc } from "../sim/index.js";

export class CancellationToken {
  private reasonText: string | null = null;
  private callbacks: (((reason: string) => void) | null)[] = [];
  private readonly event = new SimEvent("cancellation-token");

  get cancelled(): boolean {
    return this.reasonText !== null;
  }

  get reason(): string | null {
    return this.reasonText;
  }

  /** Sets the token. Returns false if it was already set (the first reason stays). */
  cancel(reason = "cancellation requested"): boolean {
    if (this.reasonText !== null) return false;
    this.reasonText = reason;
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const cb of callbacks) cb?.(reason);
    this.event.set();
    return true;
  }

  /** Runs `callback` when the token is set (at once if it already is). Returns an unsubscribe function. */
  onCancel(callback: (reason: string) => void): () => void {
    if (this.reasonText !== null) {
      callback(this.reasonText);
      return () => {};
    }
    const index = this.callbacks.length;
    this.callbacks.push(callback);
    const list = this.callbacks;
    return () => {
      if (list === this.callbacks) list[index] = null;
    };
  }

  /** Waits until the token is set. */
  *wait(): Proc<void> {
    yield* this.event.wait();
  }
}
