// Unit tests of the worker's side of job-leader failover (src/nodes/worker-leadership.ts).

import { describe, expect, it } from "vitest";
import type { NodeEnv, SimNode } from "../../src/sim/index.js";
import { workerConfig } from "../../src/nodes/config.js";
import type { ClusterMessage, NodeId, WorkflowFinalResult } from "../../src/nodes/messages.js";
import { Registrar } from "../../src/nodes/parts/registrar.js";
import { WorkerLeadership, type OrphanableRun } from "../../src/nodes/worker-leadership.js";
import { TestCluster } from "./harness.js";

const cfg = workerConfig();

/** A worker reduced to its failover logic, holding one run of job j1 led by the DC's first manager. */
class LeadershipNode implements SimNode<ClusterMessage> {
  readonly runs = new Map<string, OrphanableRun>();
  readonly jobLeaders = new Map<string, NodeId>();
  readonly ended: { key: string; error: string | null }[] = [];
  readonly leadership: WorkerLeadership<OrphanableRun>;
  constructor(env: NodeEnv<ClusterMessage>) {
    const managers = env.peers("manager", env.dc ?? "");
    this.leadership = new WorkerLeadership<OrphanableRun>({
      env,
      cfg,
      runs: this.runs,
      pendingResults: new Map<string, WorkflowFinalResult>(),
      reportedResults: new Map<string, WorkflowFinalResult>(),
      jobLeaders: this.jobLeaders,
      managers,
      registrar: new Registrar(env, cfg.registrationRetryBaseMs, () => ({
        type: "error-reply",
        inReplyTo: "",
        reason: "",
      })),
      finishRun: (run, _status, error) => {
        this.runs.delete(run.key);
        this.ended.push({ key: run.key, error });
      },
    });
    this.runs.set("j1/w1", { key: "j1/w1", jobId: "j1", workflowId: "w1", fenceToken: 5, orphanedSinceUs: -1 });
    this.jobLeaders.set("j1", managers[0] ?? "");
  }
  start(): void {}
  receive(): void {}
}

/** Loses j1's leader at 1 s, optionally takes a transfer to the second manager at 2 s, checks orphans after the grace. */
function failover(transfer: boolean): LeadershipNode {
  const c = new TestCluster(
    { gates: 0, dcs: 1, managersPerDc: 2, workersPerDc: 1, clients: 0 },
    { worker: (env) => new LeadershipNode(env), manager: () => ({ start() {}, receive() {} }) },
  );
  c.start({ except: c.ids("manager") });
  const [first = "", second = ""] = c.ids("manager");
  const worker = (): LeadershipNode => c.node<LeadershipNode>(c.ids("worker")[0] ?? "");
  c.at(1_000, () => worker().leadership.onManagerLost(first));
  if (transfer) c.at(2_000, () => worker().leadership.onTransfer(second, "j1", second, 1_048_577));
  c.at(1_000 + cfg.orphanGracePeriodMs + 1_000, () => worker().leadership.checkOrphans());
  c.run(cfg.orphanGracePeriodMs + 5_000);
  return worker();
}

describe("worker failover (§5.12)", () => {
  it("a run whose job leader died is cancelled as orphaned once the grace has passed", () => {
    expect(failover(false).ended).toEqual([{ key: "j1/w1", error: "orphaned" }]);
  });

  it("a valid transfer within the grace adopts the run: it is no longer orphaned, and never cancelled", () => {
    const w = failover(true);
    expect(w.ended).toEqual([]);
    expect(w.runs.get("j1/w1")?.orphanedSinceUs).toBe(-1);
  });
});
