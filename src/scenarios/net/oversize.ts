// net/oversize: a message over the link's size limit is dropped with reason "oversize"
// and the sender is told (SimNode.undeliverable); the receiver never sees it.

import { ms } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { buildGossipWorld } from "./gossip-world.js";

export const oversize = defineScenario({
  id: "net/oversize",
  title: "Oversized messages are dropped and the sender learns of it",
  description: "n1 sends one ping of maxMessageBytes + 1 bytes at sendAtMs; links allow maxMessageBytes.",
  covers: [],
  options: { maxMessageBytes: 1_024, sendAtMs: 500, runMs: 1_000 },
  schema: {
    maxMessageBytes: integer(64, 1_048_576, "largest message the links carry; n1 sends one larger"),
    sendAtMs: duration("0ms", "24h", "when n1 sends the oversized ping"),
    runMs: duration("1ms", "24h", "how long the run lasts"),
  },
  setup(ctx) {
    const o = ctx.options;
    const undeliverable: { from: string; to: string; reason: string }[] = [];
    const { world, log } = buildGossipWorld(ctx, {
      nodes: 3,
      intervalMs: 100,
      link: { maxMessageBytes: o.maxMessageBytes },
      extra: { oversizeAtMs: o.sendAtMs, maxMessageBytes: o.maxMessageBytes, undeliverable },
    });
    world.start();
    ctx.main(
      "run",
      (function* () {
        yield ms(o.runMs);
      })(),
    );
    ctx.check("the oversized ping was never delivered", () =>
      log.some((r) => r.seq === -1) ? "it was delivered" : null,
    );
    ctx.check("the drop was recorded with reason oversize", () =>
      (world.network.stats.dropped["oversize"] ?? 0) === 1
        ? null
        : `oversize drops: ${world.network.stats.dropped["oversize"] ?? 0}`,
    );
    ctx.check("the sender learned the message was undeliverable", () =>
      undeliverable.length === 1 && undeliverable[0]!.from === "n1" && undeliverable[0]!.reason === "oversize"
        ? null
        : JSON.stringify(undeliverable),
    );
    ctx.check("normal-sized traffic was unaffected", () =>
      log.filter((r) => r.seq > 0).length > 0 ? null : "no normal pings",
    );
  },
});
