// Virtual time is an integer count of microseconds. Helpers build durations from
// human units; every result is rounded to a whole microsecond so time never drifts
// through float accumulation.

export type Micros = number;

export const US_PER_MS = 1_000;
export const US_PER_SEC = 1_000_000;

export function us(n: number): Micros {
  return Math.round(n);
}
export function ms(n: number): Micros {
  return Math.round(n * US_PER_MS);
}
export function sec(n: number): Micros {
  return Math.round(n * US_PER_SEC);
}
export function minutes(n: number): Micros {
  return Math.round(n * 60 * US_PER_SEC);
}

/** `00:01:02.345678` — hours may exceed two digits for very long runs. */
export function formatTime(t: Micros): string {
  const whole = Math.floor(t);
  const micros = whole % US_PER_SEC;
  const totalSec = Math.floor(whole / US_PER_SEC);
  const s = totalSec % 60;
  const m = Math.floor(totalSec / 60) % 60;
  const h = Math.floor(totalSec / 3600);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(micros, 6)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

const UNIT_US: Record<string, number> = {
  us: 1,
  ms: US_PER_MS,
  s: US_PER_SEC,
  m: 60 * US_PER_SEC,
  h: 3600 * US_PER_SEC,
};

/** Parses `250ms`, `10s`, `10m`, `1h`, `500us` (a bare number means milliseconds). Returns null when malformed. */
export function parseDuration(text: string): Micros | null {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = UNIT_US[match[2] ?? "ms"];
  if (unit === undefined || !Number.isFinite(value)) return null;
  const result = Math.round(value * unit);
  return Number.isSafeInteger(result) ? result : null;
}
