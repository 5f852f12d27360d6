// Unit tests of registration with retries (src/nodes/parts/registrar.ts).

import { describe, expect, it } from "vitest";
import type { NodeEnv, SimNode } from "../../../src/sim/index.js";
import type { ClusterMessage } from "../../../src/nodes/messages.js";
import { Registrar } from "../../../src/nodes/parts/registrar.js";
import { TestCluster } from "../harness.js";

const BASE_MS = 500;
/** The registrar's cap on one retry's delay. */
const MAX_DELAY_MS = 8000;

/** A worker that only registers with the DC's manager. */
class RegisteringNode implements SimNode<ClusterMessage> {
  readonly registrar: Registrar;
  constructor(private readonly env: NodeEnv<ClusterMessage>) {
    this.registrar = new Registrar(env, BASE_MS, () => ({
      type: "worker-registration",
      incarnation: env.incarnation,
      totalCores: 4,
      availableCores: 4,
    }));
  }
  start(): void {
    for (const m of this.env.peers("manager", this.env.dc ?? "")) this.registrar.register(m);
  }
  receive(): void {}
}

/** One manager that stays down, one worker registering with it; the send times of its registrations. */
function registering(): { c: TestCluster; sentAtMs: number[] } {
  const c = new TestCluster(
    { gates: 0, dcs: 1, managersPerDc: 1, workersPerDc: 1, clients: 0 },
    { worker: (env) => new RegisteringNode(env), manager: () => ({ start() {}, receive() {} }) },
  );
  const sentAtMs: number[] = [];
  c.dropRule = (_from, _to, msg) => {
    if (msg.type === "worker-registration") sentAtMs.push(c.kernel.now / 1000);
    return false;
  };
  return { c, sentAtMs };
}

describe("registrar (§5.25)", () => {
  it("retries a silent target with growing backoff, never more than the cap apart", () => {
    const { c, sentAtMs } = registering();
    c.start({ except: c.ids("manager") });
    c.run(300_000);
    const gaps = sentAtMs.slice(1).map((at, i) => at - (sentAtMs[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(30);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(MAX_DELAY_MS);
    // Backoff: the later retries are further apart than the first ones.
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gaps.slice(-10))).toBeGreaterThan(mean(gaps.slice(0, 3)));
  });

  it("stops retrying once the target answered", () => {
    const { c, sentAtMs } = registering();
    c.start({ except: c.ids("manager") });
    const worker = c.ids("worker")[0] ?? "";
    const manager = c.ids("manager")[0] ?? "";
    c.at(10_000, () => c.node<RegisteringNode>(worker).registrar.answered(manager, true, manager));
    c.run(100_000);
    expect(sentAtMs.length).toBeGreaterThan(1);
    expect(sentAtMs.every((at) => at <= 10_000)).toBe(true);
    expect([...c.node<RegisteringNode>(worker).registrar.accepted]).toEqual([manager]);
  });
});
