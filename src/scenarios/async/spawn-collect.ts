// spawn/* scenarios of the collect phase (seed 004's integration plan) on the spawn
// executor. Mapping: an agent is a scripted process; "registered" agents are in the
// registry (regular breaker class); "ad-hoc" agents are generated on the fly (lenient
// class) and get their prompt from the matcher hook, or from the fallback template when
// the matcher is unavailable; "fallback to LLM" is the fallback agent hook that runs a
// subgoal whose circuit is open.

import { ms, now, sec, sleep, type Micros } from "../../sim/index.js";
import { spawnBreaker } from "../../async/breaker-policies.js";
import type { FailureType } from "../../async/circuit-breaker.js";
import { AgentError, ERROR_PATTERNS } from "../../async/failure-patterns.js";
import {
  defaultFallbackTemplate,
  executeAgents,
  type AgentScript,
  type CollectOptions,
  type Subgoal,
} from "../../async/spawn-executor.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { checkRounds } from "./rounds.js";

/** A script that sleeps, then answers with who it is, which subgoal and which prompt it got. */
function echoAgent(id: string, durationUs: Micros, seen: Map<string, string[]>): AgentScript {
  return function* (ctx) {
    yield* sleep(durationUs);
    seen.set(id, [...(seen.get(id) ?? []), ctx.prompt]);
    return `${id} answered: ${ctx.prompt}`;
  };
}

function baseOptions(overrides: Partial<CollectOptions>): CollectOptions {
  return {
    maxConcurrent: 5,
    agentTimeoutUs: sec(300),
    breaker: spawnBreaker(),
    registry: new Map(),
    adhoc: new Map(),
    matcher: (s) => `You are ${s.agentId}; do: ${s.description}`,
    ...overrides,
  };
}

export const spawnAdhocParallel = defineScenario({
  id: "spawn/adhoc-parallel",
  title: "Ad-hoc and registered agents run in parallel without interfering",
  description:
    "Each round mixes registered agents and ad-hoc agents (unknown to the registry) over `subgoals` subgoals with drawn durations, run in parallel. Every subgoal must succeed with the answer of its own agent to its own prompt (no crossed outputs), " +
    "the spawned-agents list must name exactly the ad-hoc subgoals' agents and the spawn count must equal their number (SPAWN-1), registered agents must not be counted as spawns and must run with their own prompt, and ad-hoc agents must land in the lenient breaker class (SPAWN-2).",
  covers: ["SPAWN-1", "SPAWN-2"],
  options: { rounds: 20, subgoals: 12 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    subgoals: integer(1, 10_000, "subgoals in each round"),
  },
  size: { formula: "rounds × subgoals", estimate: (o) => o.rounds * o.subgoals },
  shrinkable: { rounds: 1, subgoals: 1 },
  setup(ctx) {
    const { rounds, subgoals } = ctx.options;
    checkRounds(
      ctx,
      {
        rounds: rounds,
        check: "every subgoal gets its own agent's answer; spawn list and count are exact; classes are right",
      },
      function* (round, rng, problems) {
        const seen = new Map<string, string[]>();
        const registry = new Map<string, AgentScript>();
        const adhoc = new Map<string, AgentScript>();
        const goals: Subgoal[] = Array.from({ length: subgoals }, (_, index) => {
          const isAdhoc = rng.chance(1, 2);
          const agentId = isAdhoc ? `adhoc-agent-${index}` : `registered-${index % 3}`;
          (isAdhoc ? adhoc : registry).set(agentId, echoAgent(agentId, rng.int(ms(10), ms(500)), seen));
          return { index, agentId, description: `subgoal ${index} of round ${round}` };
        });
        const options = baseOptions({ registry, adhoc, maxConcurrent: rng.int(2, 8) });
        const report = yield* executeAgents(goals, options);
        const m = report.metadata;
        const wantSpawned = goals.filter((g) => adhoc.has(g.agentId)).map((g) => g.agentId);
        if (
          m.spawnCount !== wantSpawned.length ||
          [...m.spawnedAgents].sort().join() !== [...wantSpawned].sort().join()
        )
          problems.push(
            `round ${round}: spawned [${m.spawnedAgents.join()}] (${m.spawnCount}), expected [${wantSpawned.join()}]`,
          );
        for (const g of goals) {
          const r = report.run.results[g.index]!;
          const prompt = adhoc.has(g.agentId) ? options.matcher!(g) : g.description;
          if (r.status !== "ok" || r.output !== `${g.agentId} answered: ${prompt}`)
            problems.push(`round ${round} subgoal ${g.index}: ${r.status} ${r.output ?? r.error}`);
          const cls = options.breaker.classOf(g.agentId);
          if (cls !== (adhoc.has(g.agentId) ? "lenient" : "regular"))
            problems.push(`round ${round}: ${g.agentId} in class ${cls}`);
        }
        if (m.failedSubgoals !== 0 || m.circuitBlockedCount !== 0)
          problems.push(`round ${round}: ${m.failedSubgoals} failed, ${m.circuitBlockedCount} blocked`);
      },
    );
  },
});

export const spawnFallback = defineScenario({
  id: "spawn/fallback",
  title: "Missing matcher uses the fallback template; an open circuit takes the fallback path",
  description:
    "(SPAWN-6) With the matcher unavailable (null hook), every ad-hoc subgoal must run with the fallback template's prompt (it contains 'act as a'); with the matcher present, with the matcher's prompt. " +
    "(SPAWN-8) An agent whose circuit is open: each of its subgoals must be refused before spawning, recorded in circuit_blocked, and run by the fallback agent instead — listed in fallback_agents, counted in fallback_count, and succeeding with the fallback's answer — while other agents run normally.",
  covers: ["SPAWN-6", "SPAWN-8"],
  options: { subgoals: 10 },
  schema: {
    subgoals: integer(1, 10_000, "subgoals per part of the scenario"),
  },
  shrinkable: { subgoals: 1 },
  setup(ctx) {
    const { subgoals } = ctx.options;
    const problems: string[] = [];
    const rng = ctx.rng.fork("fallback");
    ctx.main(
      "fallback",
      (function* () {
        const seen = new Map<string, string[]>();
        const adhoc = new Map<string, AgentScript>();
        const goals: Subgoal[] = Array.from({ length: subgoals }, (_, index) => {
          const agentId = `adhoc-role-${index}`;
          adhoc.set(agentId, echoAgent(agentId, rng.int(ms(1), ms(50)), seen));
          return { index, agentId, description: `task ${index}` };
        });
        for (const matcher of [null, (s: Subgoal) => `matched persona for ${s.agentId}`]) {
          const report = yield* executeAgents(goals, baseOptions({ adhoc, matcher, maxConcurrent: rng.int(1, 6) }));
          for (const g of goals) {
            const prompt = report.metadata.prompts.get(g.index);
            const want = matcher === null ? defaultFallbackTemplate(g) : matcher(g);
            if (prompt !== want || (matcher === null && !prompt.includes("act as a")))
              problems.push(
                `matcher ${matcher === null ? "missing" : "present"}, subgoal ${g.index}: prompt "${prompt}"`,
              );
          }
        }
        // SPAWN-8: open the circuit of one registered agent, then run a mixed batch.
        const options = baseOptions({
          registry: new Map([
            ["broken-agent", echoAgent("broken-agent", ms(5), seen)],
            ["good-agent", echoAgent("good-agent", rng.int(ms(1), ms(50)), seen)],
          ]),
          maxConcurrent: rng.int(1, 6),
          fallbackAgent: function* (c) {
            yield* sleep(ms(2));
            return `fallback answered: ${c.prompt}`;
          },
        });
        options.breaker.recordFailure("broken-agent", "crash");
        options.breaker.recordFailure("broken-agent", "crash");
        const mixed = goals.map((g) => ({
          ...g,
          agentId: g.index === 0 || rng.chance(1, 2) ? "broken-agent" : "good-agent",
        }));
        const report = yield* executeAgents(mixed, options);
        const m = report.metadata;
        const broken = mixed.filter((g) => g.agentId === "broken-agent");
        if (
          m.fallbackCount !== broken.length ||
          m.fallbackAgents.length !== broken.length ||
          m.fallbackAgents.some((a) => a !== "broken-agent")
        )
          problems.push(`fallback list [${m.fallbackAgents.join()}], count ${m.fallbackCount}`);
        if (
          m.circuitBlockedCount !== broken.length ||
          m.circuitBlocked.some(
            (b) => b.agentId !== "broken-agent" || !b.reason.startsWith("Circuit open") || b.health.state !== "open",
          )
        )
          problems.push(`circuit_blocked ${JSON.stringify(m.circuitBlocked.map((b) => [b.agentId, b.reason]))}`);
        for (const g of mixed) {
          const r = report.run.results[g.index]!;
          const want =
            g.agentId === "broken-agent"
              ? `fallback answered: ${defaultFallbackTemplate(g)}`
              : `good-agent answered: ${g.description}`;
          if (r.output !== want) problems.push(`subgoal ${g.index}: ${r.output ?? r.error}`);
        }
        if ((seen.get("broken-agent") ?? []).length !== 0)
          problems.push("the broken agent was spawned despite its open circuit");
      })(),
    );
    ctx.check("the fallback template and the fallback path are used exactly where they should be", () =>
      problems.length === 0 ? null : problems.slice(0, 4).join("; "),
    );
  },
});

export const spawnPreSpawnBlock = defineScenario({
  id: "spawn/pre-spawn-block",
  title: "An open circuit blocks before spawning and counts the block",
  description:
    "A broken registered agent gets `subgoals` subgoals, run `maxConcurrent` at a time, each attempt failing after a drawn time. Once its circuit opens (2 failures), every later subgoal must be refused before its agent is spawned: it costs no virtual time, appears in circuit_blocked with the reason and health, and is counted. " +
    "Spawns + blocks must equal the subgoals, every spawn must start before the circuit opened and every block after, and failed_subgoals must count them all.",
  covers: ["SPAWN-7"],
  options: { rounds: 20, subgoals: 10, maxConcurrent: 3 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    subgoals: integer(1, 10_000, "subgoals given to the broken agent"),
    maxConcurrent: integer(1, 10_000, "subgoals run at once"),
  },
  size: { formula: "rounds × subgoals", estimate: (o) => o.rounds * o.subgoals },
  shrinkable: { rounds: 1, subgoals: 3, maxConcurrent: 1 },
  setup(ctx) {
    const { rounds, subgoals, maxConcurrent } = ctx.options;
    checkRounds(
      ctx,
      { rounds: rounds, check: "an open circuit refuses before spawning, at no cost, and every block is recorded" },
      function* (round, rng, problems) {
        const spawnedAt: Micros[] = [];
        const script: AgentScript = function* () {
          spawnedAt.push(now());
          yield* sleep(rng.int(ms(100), sec(2)));
          throw new AgentError("crash", "agent process exited with code 1");
        };
        const options = baseOptions({ registry: new Map([["broken-agent", script]]), maxConcurrent });
        const goals = Array.from(
          { length: subgoals },
          (_, index): Subgoal => ({ index, agentId: "broken-agent", description: `step ${index}` }),
        );
        const report = yield* executeAgents(goals, options);
        const m = report.metadata;
        const openedAt = options.breaker.transitions.find((t) => t.to === "open")?.atUs ?? Number.POSITIVE_INFINITY;
        if (spawnedAt.length + m.circuitBlockedCount !== subgoals || m.circuitBlocked.length !== m.circuitBlockedCount)
          problems.push(`round ${round}: ${spawnedAt.length} spawns + ${m.circuitBlockedCount} blocks for ${subgoals}`);
        if (spawnedAt.some((t) => t >= openedAt))
          problems.push(`round ${round}: a spawn at or after the circuit opened (${openedAt})`);
        for (const b of m.circuitBlocked) {
          const r = report.run.results[b.subgoalIndex]!;
          if (
            r.startedAtUs === null ||
            r.startedAtUs < openedAt ||
            r.endedAtUs !== r.startedAtUs ||
            !/^Circuit open: \d+ failures, retry in \d+s$/.test(b.reason) ||
            b.health.state !== "open"
          )
            problems.push(
              `round ${round}: block ${JSON.stringify(b.reason)} for subgoal ${b.subgoalIndex} at ${r.startedAtUs}..${r.endedAtUs}`,
            );
        }
        if (m.failedSubgoals !== subgoals || m.circuitBlockedCount === 0)
          problems.push(`round ${round}: failed ${m.failedSubgoals}, blocked ${m.circuitBlockedCount}`);
      },
    );
  },
});

/** An agent that fails in a chosen way after `afterUs`. */
function failingAgent(
  how: FailureType | "pattern:rate_limit" | "pattern:auth" | "pattern:timeout",
  afterUs: Micros,
): AgentScript {
  return function* (ctx) {
    yield* sleep(afterUs);
    switch (how) {
      case "timeout":
        yield* sleep(sec(10_000)); // hangs: the agent timeout must stop it
        return "never";
      case "inference":
        throw new AgentError("inference", "model returned an unparseable completion");
      case "crash":
        throw new TypeError("cannot read properties of undefined");
      case "error_pattern":
      case "pattern:rate_limit":
        ctx.output("Error: 429 Too Many Requests (rate limit exceeded)");
        break;
      case "pattern:auth":
        ctx.output("HTTP 401 Unauthorized: invalid API key");
        break;
      case "pattern:timeout":
        ctx.output("upstream request timed out");
        break;
    }
    yield* sleep(sec(60)); // would keep running if the monitor missed the line
    return "unreachable";
  };
}

export const spawnFailurePatterns = defineScenario({
  id: "spawn/failure-patterns",
  title: "Error patterns terminate early; failure types are tracked separately",
  description:
    "(SPAWN-12) Agents print a rate-limit, an auth or a timeout line at a drawn instant. Each must be terminated at that instant — long before its agent timeout — with an early-termination record holding its reason (naming the pattern) and detection time. " +
    "(SPAWN-13) Agents failing by timeout, error pattern, inference error and crash: each failure must be recorded under its own type, in the metadata and in the breaker's per-type counts, and no type may leak into another's count.",
  covers: ["SPAWN-12", "SPAWN-13"],
  options: { rounds: 10, agentTimeoutMs: 30000 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    agentTimeoutMs: duration("1s", "24h", "each agent's timeout (pattern failures must end long before it)"),
  },
  shrinkable: { rounds: 1 },
  setup(ctx) {
    const { rounds, agentTimeoutMs } = ctx.options;
    checkRounds(
      ctx,
      {
        rounds: rounds,
        check:
          "pattern failures terminate early with reason and detection time; each failure type is counted on its own",
      },
      function* (round, rng, problems) {
        const kinds = [
          "pattern:rate_limit",
          "pattern:auth",
          "pattern:timeout",
          "timeout",
          "inference",
          "crash",
        ] as const;
        const after = kinds.map(() => rng.int(ms(50), sec(5)));
        const registry = new Map<string, AgentScript>(kinds.map((k, i) => [`agent-${k}`, failingAgent(k, after[i]!)]));
        const goals = kinds.map((k, index): Subgoal => ({ index, agentId: `agent-${k}`, description: k }));
        const options = baseOptions({ registry, agentTimeoutUs: ms(agentTimeoutMs), maxConcurrent: kinds.length });
        const t0 = now();
        const report = yield* executeAgents(goals, options);
        const m = report.metadata;
        kinds.forEach((k, i) => {
          const id = `agent-${k}`;
          const early = m.earlyTerminations.filter((e) => e.agentId === id);
          const r = report.run.results[i]!;
          if (k.startsWith("pattern:")) {
            const pattern = ERROR_PATTERNS.find((p) => `pattern:${p.kind}` === k)!;
            if (
              early.length !== 1 ||
              early[0]!.reason !== pattern.reason ||
              early[0]!.detectionTimeUs !== after[i] ||
              r.endedAtUs !== t0 + after[i]!
            )
              problems.push(
                `round ${round} ${k}: early ${JSON.stringify(early)}, ended +${(r.endedAtUs ?? 0) - t0}us, printed at +${after[i]}us`,
              );
          } else if (early.length !== 0) problems.push(`round ${round} ${k}: unexpected early termination`);
          const want: FailureType = k.startsWith("pattern:") ? "error_pattern" : (k as FailureType);
          const types = m.failures.filter((f) => f.agentId === id).map((f) => f.type);
          const counts = options.breaker.health(id).failuresByType;
          const leaked = Object.entries(counts).filter(([t, n]) => t !== want && n !== 0);
          if (types.join() !== want || counts[want] !== 1 || leaked.length > 0)
            problems.push(`round ${round} ${k}: metadata types [${types}], breaker ${JSON.stringify(counts)}`);
          if (k === "timeout" && r.endedAtUs !== t0 + ms(agentTimeoutMs))
            problems.push(`round ${round}: timeout agent ended at +${(r.endedAtUs ?? 0) - t0}us`);
        });
      },
    );
  },
});

export const spawnPartialSuccess = defineScenario({
  id: "spawn/partial-success",
  title: "Failed subgoal count is accurate with partial failures",
  description:
    "Each round runs `subgoals` subgoals of which a drawn subset fails in drawn ways (crash, inference error, error pattern, timeout), each on its own agent so no circuit interferes. failed_subgoals must equal the number that failed, every success must keep its answer, every failure its error, and total_subgoals the input size.",
  covers: ["SPAWN-15"],
  options: { rounds: 20, subgoals: 10 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    subgoals: integer(1, 10_000, "subgoals in each round"),
  },
  size: { formula: "rounds × subgoals", estimate: (o) => o.rounds * o.subgoals },
  shrinkable: { rounds: 1, subgoals: 1 },
  setup(ctx) {
    const { rounds, subgoals } = ctx.options;
    checkRounds(
      ctx,
      { rounds: rounds, check: "failed_subgoals equals the failures, successes keep their answers" },
      function* (round, rng, problems) {
        const seen = new Map<string, string[]>();
        const plan = Array.from({ length: subgoals }, () =>
          rng.chance(1, 3) ? rng.pick(["crash", "inference", "pattern:auth", "timeout"] as const) : null,
        );
        const registry = new Map<string, AgentScript>(
          plan.map((f, i) => [
            `agent-${i}`,
            f === null
              ? echoAgent(`agent-${i}`, rng.int(ms(1), ms(50)), seen)
              : failingAgent(f, rng.int(ms(1), ms(50))),
          ]),
        );
        const goals = plan.map((_, index): Subgoal => ({ index, agentId: `agent-${index}`, description: `g${index}` }));
        const report = yield* executeAgents(goals, baseOptions({ registry, agentTimeoutUs: sec(1) }));
        const m = report.metadata;
        const wantFailed = plan.filter((f) => f !== null).length;
        if (m.failedSubgoals !== wantFailed || m.totalSubgoals !== subgoals)
          problems.push(`round ${round}: failed ${m.failedSubgoals}/${wantFailed}, total ${m.totalSubgoals}`);
        report.run.results.forEach((r, i) => {
          if (
            plan[i] === null
              ? r.output !== `agent-${i} answered: g${i}`
              : r.success || r.error === null || r.exitCode !== -1
          )
            problems.push(`round ${round} subgoal ${i}: ${JSON.stringify(r)}`);
        });
      },
    );
  },
});
