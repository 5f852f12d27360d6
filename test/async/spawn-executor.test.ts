// Unit tests of failure-pattern detection and executeAgents (src/async/spawn-executor.ts).

import { describe, expect, it } from "vitest";
import { ms, sec, sleep } from "../../src/sim/index.js";
import { spawnBreaker } from "../../src/async/breaker-policies.js";
import { AgentError, classifyFailure, detectPattern } from "../../src/async/failure-patterns.js";
import {
  defaultFallbackTemplate,
  executeAgents,
  type AgentScript,
  type Subgoal,
} from "../../src/async/spawn-executor.js";
import { runOk } from "./run.js";

const answer = (name: string): AgentScript =>
  function* (ctx) {
    yield* sleep(ms(10));
    return `${name}: ${ctx.prompt}`;
  };

describe("failure patterns", () => {
  it("recognises rate-limit, auth and timeout lines, and nothing in ordinary output", () => {
    expect(detectPattern("HTTP 429 Too Many Requests")?.kind).toBe("rate_limit");
    expect(detectPattern("Rate limit exceeded, retry later")?.kind).toBe("rate_limit");
    expect(detectPattern("401 Unauthorized")?.kind).toBe("auth");
    expect(detectPattern("connect timed out after 30s")?.kind).toBe("timeout");
    expect(detectPattern("compiled 42 files in 1.2s")).toBeNull();
    expect(classifyFailure(new AgentError("inference", "bad json"))).toBe("inference");
    expect(classifyFailure(new RangeError("x"))).toBe("crash");
  });
});

describe("executeAgents", () => {
  it("registered agents run with their subgoal text; ad-hoc ones are spawned with a matcher prompt, lenient, and counted", () => {
    const goals: Subgoal[] = [
      { index: 0, agentId: "reviewer", description: "review" },
      { index: 1, agentId: "data-wrangler", description: "clean data" },
      { index: 2, agentId: "data-wrangler", description: "clean more" },
    ];
    const breaker = spawnBreaker();
    const r = runOk(() =>
      executeAgents(goals, {
        maxConcurrent: 3,
        agentTimeoutUs: sec(5),
        breaker,
        registry: new Map([["reviewer", answer("reviewer")]]),
        adhoc: new Map([["data-wrangler", answer("dw")]]),
        matcher: (s) => `matched(${s.description})`,
      }),
    );
    expect(r.run.results.map((x) => x.output)).toEqual([
      "reviewer: review",
      "dw: matched(clean data)",
      "dw: matched(clean more)",
    ]);
    expect(r.metadata).toMatchObject({
      spawnCount: 2,
      spawnedAgents: ["data-wrangler", "data-wrangler"],
      failedSubgoals: 0,
      totalSubgoals: 3,
    });
    expect(breaker.classOf("data-wrangler")).toBe("lenient");
    expect(breaker.classOf("reviewer")).toBe("regular");
  });

  it("without a matcher the fallback template is the prompt, and it says 'act as a'", () => {
    const g: Subgoal = { index: 0, agentId: "tax_expert", description: "file it" };
    const r = runOk(() =>
      executeAgents([g], {
        maxConcurrent: 1,
        agentTimeoutUs: sec(5),
        breaker: spawnBreaker(),
        registry: new Map(),
        adhoc: new Map([["tax_expert", answer("t")]]),
        matcher: null,
      }),
    );
    expect(r.metadata.prompts.get(0)).toBe(defaultFallbackTemplate(g));
    expect(defaultFallbackTemplate(g)).toContain("act as a specialist in tax expert");
  });

  it("an error pattern in the output terminates the agent at that line, recording reason and detection time", () => {
    const script: AgentScript = function* (ctx) {
      yield* sleep(ms(1250));
      ctx.output("error: rate limit reached");
      yield* sleep(sec(100));
      return "never";
    };
    const r = runOk(() =>
      executeAgents([{ index: 0, agentId: "rl", description: "x" }], {
        maxConcurrent: 1,
        agentTimeoutUs: sec(60),
        breaker: spawnBreaker(),
        registry: new Map([["rl", script]]),
        adhoc: new Map(),
        matcher: null,
      }),
    );
    expect(r.metadata.earlyTerminations).toEqual([
      { agentId: "rl", reason: "Early detection: rate limit pattern detected", detectionTimeUs: ms(1250) },
    ]);
    expect(r.run.results[0]).toMatchObject({ status: "failed", endedAtUs: ms(1250), exitCode: -1 });
    expect(r.metadata.failures).toEqual([{ agentId: "rl", subgoalIndex: 0, type: "error_pattern" }]);
  });

  it("an unknown agent id is a failed subgoal, not a crash of the run", () => {
    const r = runOk(() =>
      executeAgents([{ index: 0, agentId: "ghost", description: "x" }], {
        maxConcurrent: 1,
        agentTimeoutUs: sec(1),
        breaker: spawnBreaker(),
        registry: new Map(),
        adhoc: new Map(),
        matcher: null,
      }),
    );
    expect(r.run.results[0]!.error).toMatch(/no agent ghost/);
    expect(r.metadata.failedSubgoals).toBe(1);
  });
});
