// kernel/ping-pong: pairs of processes exchange numbered messages over bounded channels,
// sleeping a jittered time between rounds; a lock-guarded counter is shared by all.
// Checks that every ping got its own pong in order, nothing was lost or duplicated,
// and virtual time advanced by exactly the sleeps drawn.
//
// TEST-ONLY option `plantBugAtRound` (default -1, off): a planted bug for demonstrating
// and testing sweep, shrink and replay. At that round a ponger whose drawn delay is tiny
// (about 1 seed in 30 has such a ponger) echoes the wrong round, so the ordering check
// fails for some seeds only. `pairs` and `rounds` are shrinkable.

import { Channel, Lock, gather, ms, now, sleep, type Proc } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";

interface Ping {
  pair: number;
  round: number;
}

export const pingPong = defineScenario({
  id: "kernel/ping-pong",
  title: "Processes exchange over channels with jittered sleeps",
  description:
    "Each pair runs a pinger and a ponger over two bounded channels. The pinger sleeps a " +
    "seeded jitter before each ping and waits for the matching pong; the ponger echoes " +
    "after its own jittered delay. A FIFO lock guards a shared counter.",
  covers: [],
  options: { pairs: 8, rounds: 200, maxJitterMs: 5, channelCapacity: 4, plantBugAtRound: -1 },
  schema: {
    pairs: integer(1, 1_000, "pinger/ponger pairs, each with its own two channels"),
    rounds: integer(1, 100_000, "pings each pinger sends"),
    maxJitterMs: duration("0ms", "10s", "longest seeded sleep before a ping or a pong"),
    channelCapacity: integer(1, 1_000, "slots in each bounded channel"),
    plantBugAtRound: integer(-1, 100_000, "TEST-ONLY: the round at which a planted bug echoes a wrong pong (-1: off)"),
  },
  size: { formula: "pairs × rounds / 10", estimate: (o) => (o.pairs * o.rounds) / 10 },
  shrinkable: { pairs: 1, rounds: 1 },
  setup(ctx) {
    const { pairs, rounds, maxJitterMs, channelCapacity, plantBugAtRound } = ctx.options;
    const counterLock = new Lock("counter");
    let counter = 0;
    const outOfOrder: string[] = [];
    const expectedEndUs: number[] = [];
    const actualEndUs: number[] = [];
    const pongerDelayUs: number[] = [];

    function* pinger(pair: number, to: Channel<Ping>, from: Channel<Ping>): Proc<void> {
      const rng = ctx.rng.fork(`pinger-${pair}`);
      let expected = 0;
      for (let round = 0; round < rounds; round++) {
        const pause = ms(rng.int(0, maxJitterMs * 1000) / 1000);
        expected += pause;
        yield* sleep(pause);
        yield* to.send({ pair, round });
        const pong = yield* from.recv();
        if (pong.pair !== pair || pong.round !== round)
          outOfOrder.push(`pair ${pair} sent ${round} got ${pong.pair}/${pong.round}`);
        yield* counterLock.withLock(bump());
      }
      expectedEndUs[pair] = expected + (pongerDelayUs[pair] ?? 0);
      actualEndUs[pair] = now();
    }

    function* ponger(pair: number, from: Channel<Ping>, to: Channel<Ping>): Proc<void> {
      const rng = ctx.rng.fork(`ponger-${pair}`);
      for (let round = 0; round < rounds; round++) {
        const ping = yield* from.recv();
        const delay = ms(rng.int(0, maxJitterMs * 1000) / 1000);
        pongerDelayUs[pair] = (pongerDelayUs[pair] ?? 0) + delay;
        yield* sleep(delay);
        // TEST-ONLY planted bug (see the header): off unless plantBugAtRound >= 0.
        const planted = round === plantBugAtRound && delay < maxJitterMs * 4;
        yield* to.send(planted ? { pair, round: round + 1 } : ping);
      }
    }

    function* bump(): Proc<void> {
      const before = counter;
      yield* sleep(0);
      counter = before + 1;
    }

    ctx.main(
      "driver",
      (function* () {
        const procs: Proc<void>[] = [];
        for (let pair = 0; pair < pairs; pair++) {
          const ping = new Channel<Ping>(channelCapacity, "block", `ping-${pair}`);
          const pong = new Channel<Ping>(channelCapacity, "block", `pong-${pair}`);
          procs.push(pinger(pair, ping, pong), ponger(pair, ping, pong));
        }
        yield* gather(procs);
      })(),
    );

    ctx.check("every pong matches its ping, in order", () =>
      outOfOrder.length === 0 ? null : outOfOrder.slice(0, 3).join("; "),
    );
    ctx.check("lock-guarded counter saw every round exactly once", () =>
      counter === pairs * rounds ? null : `counter ${counter}, expected ${pairs * rounds}`,
    );
    ctx.check("each pinger's clock advanced by exactly the pair's sleeps", () => {
      for (let pair = 0; pair < pairs; pair++) {
        // Channel hand-offs and lock wakes take zero virtual time, so only the sleeps count.
        if (actualEndUs[pair] !== expectedEndUs[pair])
          return `pair ${pair}: ended at ${actualEndUs[pair]}us, sleeps sum to ${expectedEndUs[pair]}us`;
      }
      return null;
    });
    ctx.onFinish(() => ctx.metric("exchanges", counter));
  },
});
