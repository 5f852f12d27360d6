// An invalid fault schedule as one line of bounded length: the count, then the first few
// problems. A 100,000-step schedule with a problem in every step must not print megabytes.

import type { ScheduleError } from "../sim/net/schedule.js";

export const SHOWN_PROBLEMS = 3;
const MAX_PROBLEM_CHARS = 200;

export function scheduleErrorLine(error: ScheduleError): string {
  const problems = error.problems.length > 0 ? error.problems : [error.message];
  const shown = problems.slice(0, SHOWN_PROBLEMS).map((p) => clip(p.replace(/\s+/g, " ")));
  const more = problems.length - shown.length;
  const head = problems.length === 1 ? "" : `${problems.length} problems: `;
  return `invalid fault schedule: ${head}${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}

function clip(text: string): string {
  return text.length <= MAX_PROBLEM_CHARS ? text : `${text.slice(0, MAX_PROBLEM_CHARS - 1)}…`;
}
