// Violation signatures: what makes two failures "the same bug". A signature is the
// checker's name, the message with its numbers and ids normalised, and the role of the
// nodes involved, so seed 17 and seed 4093 failing the same way land in one group.

import type { RunResult, Violation } from "../scenarios/index.js";

/**
 * The message as a template: hex hashes become `H`, numbers (and the digits inside ids
 * such as `j17` or `dc1-mgr-2`) become `N`. Checkers often list a variable number of
 * items, so only the first clause is kept ("3 wrong; p1 ...; p7 ..."), and a comma list
 * whose items normalise alike shrinks to one item ("client-N-jN, client-N-jN, ...").
 */
export function messageTemplate(message: string): string {
  const first = message.split("; ")[0] ?? message;
  const text = first
    .replace(/\b[0-9a-f]{12,}\b/g, "H")
    .replace(/\d+(\.\d+)?/g, "N")
    .replace(/\s+/g, " ")
    .trim();
  const collapsed = collapseLists(text);
  return collapsed.length > 160 ? `${collapsed.slice(0, 157)}...` : collapsed;
}

/** `a, a, a, ...` → `a`: repeated equal items and a trailing ellipsis item are dropped. */
function collapseLists(text: string): string {
  const items = text.split(", ");
  const kept: string[] = [];
  for (const item of items) {
    if (item === "..." || item === "…") continue;
    const prev = kept[kept.length - 1];
    // The first item carries the sentence before the list: compare with its last word.
    if (prev !== undefined && (prev === item || prev.endsWith(` ${item}`))) continue;
    kept.push(item);
  }
  return kept.join(", ");
}

/** A node's role: its id with the digits stripped (`dc1-mgr-2` → `dc-mgr`). */
export function nodeRole(node: string): string {
  const role = node
    .replace(/\d+/g, "")
    .replace(/[-_.:/]{2,}/g, (s) => s[0]!)
    .replace(/^[-_.:/]+|[-_.:/]+$/g, "");
  return role === "" ? "node" : role;
}

/** The distinct roles of a violation's nodes, sorted; `-` when it names no node. */
export function rolesOf(nodes: readonly string[]): string {
  if (nodes.length === 0) return "-";
  return [...new Set(nodes.map(nodeRole))].sort().join("+");
}

export interface SignatureParts {
  check: string;
  template: string;
  role: string;
}

export function signatureParts(v: Pick<Violation, "check" | "message" | "nodes">): SignatureParts {
  return { check: v.check, template: messageTemplate(v.message), role: rolesOf(v.nodes) };
}

/** `check | template | role` — one string, stable across seeds and machines. */
export function violationSignature(v: Pick<Violation, "check" | "message" | "nodes">): string {
  const p = signatureParts(v);
  return `${p.check} | ${p.template} | ${p.role}`;
}

/** The run's primary signature: that of its first violation, or null for a pass. */
export function primarySignature(result: Pick<RunResult, "verdict" | "violations">): string | null {
  const first = result.violations[0];
  if (first !== undefined) return violationSignature(first);
  return result.verdict === "pass" ? null : `${result.verdict} | (no violation recorded) | -`;
}

/** True when any violation of the run has this signature. */
export function hasSignature(result: Pick<RunResult, "violations">, signature: string): boolean {
  return result.violations.some((v) => violationSignature(v) === signature);
}
