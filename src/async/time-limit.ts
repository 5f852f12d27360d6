// runWithTimeout: the kernel's `withTimeout`, but the caller chooses the error thrown on
// expiry, and only *our* expiry is converted. A body that throws its own TimeoutError,
// or a caller cancelled at the very instant the timer fires, keeps its own error: the
// expiry is recognised by identity (the child ended with exactly the cancellation our
// timer sent), never by error class or message. Like the kernel's combinators, it does
// not return before the child has ended, so a cleanup that takes virtual time finishes.

import {
  Cancelled,
  here,
  join,
  kernelOf,
  shield,
  spawn,
  waitAny,
  type Micros,
  type Proc,
  type Task,
} from "../sim/index.js";

export interface TimeLimit {
  timeoutUs: Micros;
  /** Builds the error thrown when the limit expires (NodeTimeoutError, TaskTimeoutError …). */
  onExpire: () => Error;
  /** Names the child task in traces and deadlock reports. */
  label?: string;
}

/**
 * Runs `body` as a child task with a time limit. On expiry the child is cancelled (its
 * `finally` blocks run at that instant) and `onExpire()` is thrown. Any other ending of
 * the body — value, its own exception, its own cancellation — passes through unchanged.
 */
export function* runWithTimeout<T>(body: Proc<T>, limit: TimeLimit): Proc<T> {
  if (!Number.isFinite(limit.timeoutUs) || limit.timeoutUs < 0)
    throw new RangeError(`runWithTimeout: timeoutUs must be >= 0, got ${limit.timeoutUs}`);
  const kernel = kernelOf();
  const label = limit.label ?? "limit";
  // The trace node is the label's symbol, not the full path's: hashing a fresh path string
  // per call showed up in profiles of 1,000-pipeline runs. taskSym gives sym(label)'s value
  // without keeping every node label for the life of the process, and nothing when untraced.
  const child = spawn(`${here().name}/${label}`, body, { handled: true, node: kernel.taskSym(label) });
  let expiry: Cancelled | null = null;
  const timer = kernel.after(Math.round(limit.timeoutUs), () => {
    if (child.done) return;
    // Our own instance, so the catch below can tell it from any other cancellation.
    expiry = new Cancelled(`${label}: time limit of ${limit.timeoutUs}us reached`);
    child.interrupt(expiry);
  });
  try {
    return yield* join(child);
  } catch (error) {
    if (expiry !== null && error === expiry) throw limit.onExpire();
    throw error;
  } finally {
    kernel.cancel(timer);
    if (!child.done) yield* stopChild(child, expiry === null, `${label}: caller left`);
  }
}

/**
 * Cancels `child` (unless it is already being stopped) and waits, shielded, until it has
 * ended. Free when the child ended already or ends at once.
 */
export function* stopChild(child: Task<unknown>, cancel: boolean, reason: string): Proc<void> {
  if (child.done) return;
  if (cancel && !child.cancelRequested) child.cancel(reason);
  if (!child.done) yield* shield(waitAny([child], `cleanup of ${child.name}`));
}
