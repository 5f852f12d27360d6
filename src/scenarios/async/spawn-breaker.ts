// spawn/* scenarios of the circuit breaker (seed 004): consistency under concurrent
// failures, the lenient (ad-hoc) class, recovery in parallel and health status. In the
// runtime's terms an "agent" is a breaker key; an "ad-hoc agent" is a key of the lenient
// class; an "inference failure" is a failure of type `inference`.

import { gather, ms, now, sec, sleep, type Micros, type Proc, type Rng } from "../../sim/index.js";
import {
  FAILURE_TYPES,
  type CircuitBreaker,
  type CircuitState,
  type FailureType,
} from "../../async/circuit-breaker.js";
import { SPAWN_FAILURE_WINDOW_US, SPAWN_LENIENT, SPAWN_REGULAR, spawnBreaker } from "../../async/breaker-policies.js";
import { callThrough } from "../../async/breaker-call.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";
import { checkRounds } from "./rounds.js";

const EDGES = new Set(["closed>open", "open>half-open", "half-open>closed", "half-open>open", "open>closed"]);

class AgentDown extends Error {}

export const spawnBreakerConcurrency = defineScenario({
  id: "spawn/breaker-concurrent-failures",
  title: "Breaker state stays consistent under concurrent failures",
  description:
    "`callers` callers hammer `agents` agents (regular and ad-hoc keys) through the breaker for several virtual minutes; calls overlap heavily and many fail at the same instant with drawn failure types, and agents flip between broken and healthy. " +
    "Checked against the harness's own log of every call: transitions form a legal sequence per key; no call is admitted while its circuit is open; a half-open circuit never has more than one trial in flight; no failure is lost (per-type counts match); refusals match the breaker's blocked count; and every open transition is justified by the failures the harness saw.",
  covers: ["SPAWN-3"],
  options: { callers: 40, agents: 4, callsPerCaller: 30 },
  schema: {
    callers: integer(1, 10_000, "concurrent callers"),
    agents: integer(1, 1_000, "agents (breaker keys) they call"),
    callsPerCaller: integer(1, 100_000, "calls each caller makes"),
  },
  size: { formula: "callers × callsPerCaller", estimate: (o) => o.callers * o.callsPerCaller },
  shrinkable: { callers: 1, agents: 1, callsPerCaller: 1 },
  setup(ctx) {
    const { callers, agents, callsPerCaller } = ctx.options;
    const breaker = spawnBreaker(() => ctx.kernel.now); // checks read it after the run
    const keys = Array.from({ length: agents }, (_, i) => (i % 2 === 0 ? `agent-${i}` : `adhoc-agent-${i}`));
    const failures = new Map<string, { atUs: Micros; type: FailureType }[]>(keys.map((k) => [k, []]));
    const problems: string[] = [];
    let refusals = 0;
    const trials = new Map<string, number>(keys.map((k) => [k, 0]));
    function* caller(rng: Rng): Proc<void> {
      for (let n = 0; n < callsPerCaller; n++) {
        yield* sleep(rng.int(0, sec(10)));
        const key = rng.pick(keys);
        const broken = Math.floor(now() / sec(45)) % 2 === 0 ? rng.chance(3, 4) : rng.chance(1, 10);
        const type = rng.pick(FAILURE_TYPES);
        const state = breaker.state(key);
        const admission = breaker.admit(key);
        if (!admission.allowed) {
          refusals++;
          continue;
        }
        if (state === "open") problems.push(`${key}: admitted while open at ${now()}`);
        if (admission.trial) {
          const inFlight = (trials.get(key) ?? 0) + 1;
          trials.set(key, inFlight);
          if (inFlight > 1) problems.push(`${key}: ${inFlight} trials in flight`);
        }
        try {
          yield* sleep(rng.int(0, ms(500)));
          if (broken) {
            failures.get(key)!.push({ atUs: now(), type });
            throw new AgentDown(`${key} failed (${type})`);
          }
          breaker.recordSuccess(key, admission);
        } catch (error) {
          breaker.recordFailure(key, type, admission);
          if (!(error instanceof AgentDown)) throw error;
        } finally {
          if (admission.trial) trials.set(key, trials.get(key)! - 1);
        }
      }
    }
    ctx.main(
      "callers",
      (function* () {
        yield* gather(Array.from({ length: callers }, (_, c) => caller(ctx.rng.fork(`caller-${c}`))));
      })(),
    );
    ctx.check("no call admitted while open and at most one half-open trial in flight", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
    ctx.check("transitions form a legal sequence per key", () => transitionProblem(breaker, keys));
    ctx.check("no failure is lost: per-type counts match the harness", () => {
      for (const key of keys) {
        const h = breaker.health(key);
        for (const t of FAILURE_TYPES) {
          const seen = failures.get(key)!.filter((f) => f.type === t).length;
          if (h.failuresByType[t] !== seen) return `${key} ${t}: breaker ${h.failuresByType[t]}, harness ${seen}`;
        }
      }
      return null;
    });
    ctx.check("refusals match the breaker's blocked count", () =>
      breaker.blockedCount === refusals ? null : `breaker ${breaker.blockedCount}, harness ${refusals}`,
    );
    ctx.check("every open transition from closed is justified by the failures seen", () =>
      openJustified(breaker, failures),
    );
    ctx.check("the storm opened circuits", () =>
      breaker.transitions.some((t) => t.to === "open") ? null : "no circuit ever opened",
    );
    ctx.onFinish(() => {
      ctx.metric("transitions", breaker.transitions.length);
      ctx.metric("blocked", breaker.blockedCount);
    });
  },
});

function transitionProblem(breaker: CircuitBreaker, keys: readonly string[]): string | null {
  for (const key of keys) {
    let state: CircuitState = "closed";
    for (const t of breaker.transitions.filter((x) => x.key === key)) {
      if (t.from !== state || !EDGES.has(`${t.from}>${t.to}`))
        return `${key}: ${t.from}>${t.to} while ${state} at ${t.atUs}`;
      state = t.to;
    }
    if (state !== breaker.state(key) && !(state === "open" && breaker.state(key) === "half-open"))
      return `${key}: log ends ${state}, breaker says ${breaker.state(key)}`;
  }
  return null;
}

/** At each closed→open, the failures since the last close, in the policy window, must meet a trip rule. */
function openJustified(
  breaker: CircuitBreaker,
  failures: Map<string, { atUs: Micros; type: FailureType }[]>,
): string | null {
  for (const [key, list] of failures) {
    const policy = breaker.policyOf(key);
    let closedAt = 0;
    for (const t of breaker.transitions.filter((x) => x.key === key)) {
      if (t.to === "closed") closedAt = t.atUs;
      if (t.from !== "closed" || t.to !== "open") continue;
      const recent = list.filter((f) => f.atUs >= closedAt && f.atUs <= t.atUs && t.atUs - f.atUs < policy.windowUs);
      const last = recent[recent.length - 1];
      const fast = policy.fastFail;
      const fastOk =
        fast !== null &&
        last !== undefined &&
        !fast.exempt.includes(last.type) &&
        recent.filter((f) => t.atUs - f.atUs < fast.windowUs).length >= fast.failures;
      if (recent.length < policy.maxFailures && !fastOk)
        return `${key} opened at ${t.atUs} (${t.reason}) with ${recent.length} recent failure(s)`;
    }
  }
  return null;
}

interface Step {
  gapUs: Micros;
  type: FailureType;
  want: CircuitState;
  why: string;
}

/** Records failures on `key` after each gap and compares the state with the expectation. */
function* timeline(breaker: CircuitBreaker, key: string, steps: readonly Step[], problems: string[]): Proc<void> {
  for (const [i, s] of steps.entries()) {
    yield* sleep(s.gapUs);
    breaker.recordFailure(key, s.type);
    const got = breaker.state(key);
    if (got !== s.want) problems.push(`${key} step ${i} (${s.why}): ${got}, expected ${s.want}`);
  }
}

export const spawnAdhocLenient = defineScenario({
  id: "spawn/adhoc-lenient",
  title: "Ad-hoc agents: lenient breaker (4 failures, 30 s fast-fail, inference exempt)",
  description:
    "Scripted failure timelines with drawn gaps, each on a fresh key, in virtual time. Ad-hoc (lenient class, here by naming pattern or explicit assignment): inference failures in quick succession never fast-fail and the circuit opens only at the 4th (SPAWN-4); two crashes within 30 s fast-fail it; failures more than 30 s apart open it only at the 4th. " +
    "Regular: two failures within 10 s open it by fast-fail, two failures more than 10 s apart open it by the 2-failure threshold (SPAWN-5). Each transition's recorded reason must name the rule that fired.",
  covers: ["SPAWN-4", "SPAWN-5"],
  options: { rounds: 10 },
  schema: {
    rounds: integer(1, 100_000, "rounds of scripted failure timelines"),
  },
  limits: { maxTimeUs: sec(86_400) }, // each round spans several virtual minutes
  shrinkable: { rounds: 1 },
  setup(ctx) {
    const problems: string[] = [];
    ctx.main(
      "timelines",
      (function* () {
        for (let round = 0; round < ctx.options.rounds; round++) {
          const rng = ctx.rng.fork(`round-${round}`);
          const breaker = spawnBreaker();
          breaker.assign(`custom-${round}`, "lenient"); // explicit mark_as_adhoc
          const quick = (): Micros => rng.int(1, sec(10) - 1);
          const slowLenient = (): Micros => rng.int(sec(30), sec(70)); // beyond 30 s, within the 300 s window
          const inf = Array.from(
            { length: 4 },
            (_, i): Step => ({
              gapUs: quick(),
              type: "inference",
              want: i < 3 ? "closed" : "open",
              why: "ad-hoc inference",
            }),
          );
          yield* timeline(breaker, `adhoc-inference-${round}`, inf, problems);
          yield* timeline(
            breaker,
            `custom-${round}`,
            [
              { gapUs: 0, type: "crash", want: "closed", why: "first crash" },
              { gapUs: rng.int(1, sec(30) - 1), type: "crash", want: "open", why: "second crash within 30 s" },
            ],
            problems,
          );
          yield* timeline(
            breaker,
            `generated-slow-${round}`,
            Array.from(
              { length: 4 },
              (_, i): Step => ({
                gapUs: slowLenient(),
                type: rng.pick(["crash", "timeout", "error_pattern"] as const),
                want: i < 3 ? "closed" : "open",
                why: "ad-hoc failures > 30 s apart",
              }),
            ),
            problems,
          );
          yield* timeline(
            breaker,
            `regular-fast-${round}`,
            [
              { gapUs: 0, type: "timeout", want: "closed", why: "first" },
              {
                gapUs: quick(),
                type: "inference",
                want: "open",
                why: "regular: inference is not exempt, 2 within 10 s",
              },
            ],
            problems,
          );
          yield* timeline(
            breaker,
            `regular-slow-${round}`,
            [
              { gapUs: 0, type: "crash", want: "closed", why: "first" },
              {
                gapUs: rng.int(sec(10), SPAWN_FAILURE_WINDOW_US - 1),
                type: "crash",
                want: "open",
                why: "regular: 2 failures in the window",
              },
            ],
            problems,
          );
          const reasons = (key: string) =>
            breaker.transitions
              .filter((t) => t.key === key && t.to === "open")
              .map((t) => t.reason.split(":")[0])
              .join();
          const want: Record<string, string> = {
            [`adhoc-inference-${round}`]: "threshold",
            [`custom-${round}`]: "fast-fail",
            [`generated-slow-${round}`]: "threshold",
            [`regular-fast-${round}`]: "fast-fail",
            [`regular-slow-${round}`]: "threshold",
          };
          for (const [key, reason] of Object.entries(want))
            if (reasons(key) !== reason) problems.push(`${key}: opened by "${reasons(key)}", expected "${reason}"`);
          if (
            breaker.classOf(`adhoc-inference-${round}`) !== "lenient" ||
            breaker.classOf(`regular-fast-${round}`) !== "regular"
          )
            problems.push("class detection wrong");
        }
      })(),
    );
    ctx.check(
      "lenient: inference never fast-fails, threshold 4, 30 s fast-fail; regular: threshold 2, 10 s fast-fail",
      () => (problems.length === 0 ? null : problems.slice(0, 3).join("; ")),
    );
    ctx.check("the policies carry the plan's numbers", () =>
      SPAWN_LENIENT.maxFailures === 4 &&
      SPAWN_LENIENT.fastFail?.windowUs === sec(30) &&
      SPAWN_REGULAR.maxFailures === 2 &&
      SPAWN_REGULAR.fastFail?.windowUs === sec(10) &&
      SPAWN_LENIENT.halfOpenAfterUs === sec(120)
        ? null
        : "policy constants differ from the plan",
    );
  },
});

export const spawnParallelRecovery = defineScenario({
  id: "spawn/parallel-recovery",
  title: "The circuit closes when an agent succeeds in parallel",
  description:
    "An agent's circuit is opened by failures. (1) After the 120 s reset timeout, `parallelCalls` calls arrive at the same instant: exactly one is admitted as the half-open trial and the rest are refused; when the trial succeeds the circuit closes and every later call is admitted. " +
    "(2) Calls already in flight when the circuit opens: the first of them to succeed closes the circuit at that instant (spawn semantics: any success recovers), and calls after it are admitted.",
  covers: ["SPAWN-9"],
  options: { rounds: 10, parallelCalls: 8 },
  schema: {
    rounds: integer(1, 100_000, "rounds, each on a fresh circuit"),
    parallelCalls: integer(1, 10_000, "calls arriving at once after the reset timeout"),
  },
  size: { formula: "rounds × parallelCalls", estimate: (o) => o.rounds * o.parallelCalls },
  shrinkable: { rounds: 1, parallelCalls: 2 },
  setup(ctx) {
    const { rounds, parallelCalls } = ctx.options;
    checkRounds(
      ctx,
      {
        rounds: rounds,
        check: "one trial after the reset timeout; a parallel success closes the circuit and admits later calls",
      },
      function* (round, rng, problems) {
        const breaker = spawnBreaker();
        const key = `agent-${round}`;
        breaker.recordFailure(key, "crash");
        breaker.recordFailure(key, "crash");
        yield* sleep(sec(120) + rng.int(0, sec(5)));
        let ran = 0;
        const results = yield* gather(
          Array.from({ length: parallelCalls }, () => attempt(breaker, key, rng.int(ms(10), ms(200)), () => ran++)),
          { mode: "settle-all" },
        );
        const admitted = results.filter((r) => r.ok).length;
        if (ran !== 1 || admitted !== 1)
          problems.push(`round ${round}: ${ran} trial(s) ran, ${admitted} admitted of ${parallelCalls}`);
        if (breaker.state(key) !== "closed")
          problems.push(`round ${round}: state ${breaker.state(key)} after the trial succeeded`);
        const after = yield* gather(
          Array.from({ length: parallelCalls }, () => attempt(breaker, key, ms(1), () => {})),
          { mode: "settle-all" },
        );
        if (after.some((r) => !r.ok)) problems.push(`round ${round}: calls refused after recovery`);
        problems.push(...(yield* inFlightRecovery(breaker, `inflight-${round}`, rng)));
      },
    );
  },
});

function* attempt(breaker: CircuitBreaker, key: string, workUs: Micros, onRun: () => void): Proc<string> {
  return yield* callThrough(
    function* () {
      onRun();
      yield* sleep(workUs);
      return "ok";
    },
    { breaker, key },
  );
}

function* inFlightRecovery(breaker: CircuitBreaker, key: string, rng: Rng): Proc<string[]> {
  const out: string[] = [];
  const slowUs = rng.int(ms(100), ms(900));
  const calls = [
    { workUs: ms(10), fails: true },
    { workUs: ms(20), fails: true }, // opens the circuit
    { workUs: slowUs, fails: false }, // still running when it opens; its success recovers
  ];
  let closedAt: Micros | null = null;
  yield* gather(
    calls.map((c) =>
      (function* () {
        try {
          yield* callThrough(
            function* () {
              yield* sleep(c.workUs);
              if (c.fails) throw new AgentDown("down");
              closedAt = now();
            },
            { breaker, key },
          );
        } catch {
          // failures are the point
        }
      })(),
    ),
    { mode: "settle-all" },
  );
  const opened = breaker.transitions.find((t) => t.key === key && t.to === "open");
  const closed = breaker.transitions.find((t) => t.key === key && t.to === "closed");
  if (opened === undefined || closed === undefined || closed.atUs !== closedAt || breaker.state(key) !== "closed")
    out.push(
      `${key}: opened ${opened?.atUs}, closed ${closed?.atUs}, success at ${closedAt}, now ${breaker.state(key)}`,
    );
  if (!breaker.admit(key).allowed) out.push(`${key}: a call after recovery was refused`);
  return out;
}

export const spawnHealth = defineScenario({
  id: "spawn/health",
  title: "Breaker health: state, recent failures, velocity per minute, risk; reset 120 s",
  description:
    "Failures are recorded on a regular and an ad-hoc agent at drawn instants; at drawn checkpoints the health status is compared with values computed by the harness from its own log: state, recent failures (within the 300 s window), failure velocity = recent × 60 / max(span since the oldest recent failure, 1 s) per minute, risk level (critical when open, high when half-open, medium at one below the threshold, low otherwise) and time to retry. " +
    "The open circuit must still be open 1 µs before the 120 s reset timeout and half-open at it.",
  covers: ["SPAWN-24"],
  options: { checkpoints: 40 },
  schema: {
    checkpoints: integer(1, 100_000, "instants at which health is compared with the harness's own figures"),
  },
  shrinkable: { checkpoints: 1 },
  setup(ctx) {
    const problems: string[] = [];
    ctx.main(
      "health",
      (function* () {
        const rng = ctx.rng.fork("health");
        const breaker = spawnBreaker();
        for (const key of ["planner", "adhoc-writer"]) {
          const log: Micros[] = [];
          const policy = breaker.policyOf(key);
          for (let c = 0; c < ctx.options.checkpoints; c++) {
            yield* sleep(rng.int(0, sec(40)));
            if (rng.chance(1, 2) && breaker.state(key) !== "open") {
              breaker.recordFailure(key, "inference");
              log.push(now());
            }
            const h = breaker.health(key);
            const at = now();
            const closedAt =
              breaker.transitions
                .filter((t) => t.key === key && t.to === "closed")
                .map((t) => t.atUs)
                .pop() ?? -1;
            const recent = log.filter((t) => at - t < policy.windowUs && t >= closedAt);
            const velocity =
              recent.length < 2 ? 0 : (recent.length * 60_000_000) / Math.max(at - recent[0]!, 1_000_000);
            const risk =
              h.state === "open"
                ? "critical"
                : h.state === "half-open"
                  ? "high"
                  : recent.length > 0 && recent.length >= policy.maxFailures - 1
                    ? "medium"
                    : "low";
            if (h.recentFailures !== recent.length || h.failureVelocityPerMin !== velocity || h.riskLevel !== risk)
              problems.push(
                `${key} @${at}: recent ${h.recentFailures}/${recent.length}, velocity ${h.failureVelocityPerMin}/${velocity}, risk ${h.riskLevel}/${risk}`,
              );
            if (h.state === "open" && h.retryInUs !== log[log.length - 1]! + sec(120) - at)
              problems.push(`${key} @${at}: retry in ${h.retryInUs}`);
          }
        }
        // The reset timeout, to the microsecond.
        const key = "flaky";
        breaker.recordFailure(key, "crash");
        breaker.recordFailure(key, "crash");
        yield* sleep(sec(120) - 1);
        if (breaker.state(key) !== "open" || breaker.health(key).retryInUs !== 1)
          problems.push(`1 µs before reset: ${breaker.state(key)}`);
        yield* sleep(1);
        if (breaker.state(key) !== "half-open" || breaker.health(key).riskLevel !== "high")
          problems.push(`at reset: ${breaker.state(key)}`);
      })(),
    );
    ctx.check("health status matches the harness's own computation at every checkpoint", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
  },
});
