// Violation signatures: what makes two failures the same failure.

import { describe, expect, it } from "vitest";
import { messageTemplate, nodeRole, primarySignature, rolesOf, violationSignature } from "../../src/repro/signature.js";

describe("violation signatures", () => {
  it("normalises numbers, ids and hashes in messages so seeds of one bug share a template", () => {
    expect(messageTemplate("pair 3 sent 17 got 3/18")).toBe("pair N sent N got N/N");
    expect(messageTemplate("job j17 on dc1-mgr-2 lost at 00:00:01.250000")).toBe("job jN on dcN-mgr-N lost at N:N:N");
    expect(messageTemplate("trace b487c05725632ef5 mismatch")).toBe("trace H mismatch");
  });

  it("keeps only the first clause, since checkers append variable-length lists", () => {
    expect(messageTemplate("3 wrong; p1 (cancel): a; p9 (race): b")).toBe(messageTemplate("12 wrong; p4 (race): c"));
  });

  it("shrinks a list of like items to one, so two and five stuck jobs are the same bug", () => {
    const two =
      "liveness: not converged 3000ms after healing: 2 job(s) without a client result: client-1-j4, client-2-j9";
    const five =
      "liveness: not converged 3000ms after healing: 5 job(s) without a client result: client-1-j4, client-2-j9, client-1-j5, client-3-j1, client-2-j2, ...";
    expect(messageTemplate(two)).toBe(messageTemplate(five));
    expect(messageTemplate(two)).toBe(
      "liveness: not converged Nms after healing: N job(s) without a client result: client-N-jN",
    );
    expect(messageTemplate("saw a, b, c")).toBe("saw a, b, c");
  });

  it("derives a node's role by stripping digits (dc1-mgr-2 -> dc-mgr)", () => {
    expect(nodeRole("dc1-mgr-2")).toBe("dc-mgr");
    expect(nodeRole("gate-10")).toBe("gate");
    expect(nodeRole("w3")).toBe("w");
    expect(rolesOf(["dc2-wrk-1", "dc1-mgr-1", "dc1-wrk-3"])).toBe("dc-mgr+dc-wrk");
    expect(rolesOf([])).toBe("-");
  });

  it("gives two seeds failing the same way the same signature, and a different checker a different one", () => {
    const a = violationSignature({ check: "no job lost", message: "job j3 lost on dc1-mgr-1", nodes: ["dc1-mgr-1"] });
    const b = violationSignature({ check: "no job lost", message: "job j77 lost on dc2-mgr-3", nodes: ["dc2-mgr-3"] });
    const c = violationSignature({ check: "one leader", message: "job j3 lost on dc1-mgr-1", nodes: ["dc1-mgr-1"] });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toBe("no job lost | job jN lost on dcN-mgr-N | dc-mgr");
  });

  it("has no primary signature for a pass", () => {
    expect(primarySignature({ verdict: "pass", violations: [] })).toBeNull();
  });
});
