// A retry budget shared by many callers, so retries cannot multiply load when a
// dependency is down: each retry withdraws a token; an empty budget refuses. Successes
// may refill it by a ratio (Finagle's RetryBudget idea), kept in integer milli-tokens so
// no float accumulates.
//
// Pure data; part of the async toolkit beside retry.ts, usable by nodes as well.

export interface RetryBudgetOptions {
  /** Retries available at the start (and the most the budget can hold). */
  maxRetries: number;
  /** Tokens earned per success, as a ratio (e.g. 1/10: ten successes buy one retry). */
  refillPerSuccess?: { numerator: number; denominator: number };
}

const MILLI = 1000;

export class RetryBudget {
  private milliTokens: number;
  private readonly capMilli: number;
  withdrawn = 0;
  refused = 0;

  constructor(private readonly options: RetryBudgetOptions) {
    if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0)
      throw new RangeError(`maxRetries must be a non-negative integer, got ${options.maxRetries}`);
    this.capMilli = options.maxRetries * MILLI;
    this.milliTokens = this.capMilli;
  }

  get remaining(): number {
    return Math.floor(this.milliTokens / MILLI);
  }

  /** Takes one retry from the budget; false (and counted) when it is empty. */
  tryWithdraw(): boolean {
    if (this.milliTokens < MILLI) {
      this.refused++;
      return false;
    }
    this.milliTokens -= MILLI;
    this.withdrawn++;
    return true;
  }

  recordSuccess(): void {
    const r = this.options.refillPerSuccess;
    if (r === undefined) return;
    this.milliTokens = Math.min(this.capMilli, this.milliTokens + Math.floor((r.numerator * MILLI) / r.denominator));
  }
}
