// A small network run that exercises every outcome the viewer draws, for the viewer's
// tests: a delivery, a drop by partition, a message held by a clog and released, a drop
// at a crashed target, a duplicate, and a paused target that queues a delivery.

import { netScenario, type NetSpec } from "../sim/net/helpers.js";

export const SMALL_RUN: NetSpec = {
  id: "test/view-small",
  ids: ["a", "b", "c"],
  link: { fifo: false },
  runMs: 200,
  plan: [
    { atMs: 20, action: "partition", name: "cut", a: ["a"], b: ["b"] },
    { atMs: 40, action: "heal", name: "cut" },
    { atMs: 50, action: "clog", node: "b", durationMs: 20 },
    { atMs: 60, action: "crash", node: "c", durationMs: 30 },
    { atMs: 80, action: "set-duplicate", probability: 1 },
    { atMs: 90, action: "set-duplicate", probability: 0 },
    { atMs: 100, action: "pause", node: "b", durationMs: 10 },
    { atMs: 120, action: "clock-jump", node: "c", jumpMs: 5 },
  ],
  script: (t) => {
    t.at(10, () => t.send("a", "b", 1));
    t.at(30, () => t.send("a", "b", 2));
    t.at(55, () => t.send("a", "b", 3));
    t.at(61, () => t.send("a", "c", 4));
    t.at(85, () => t.send("a", "b", 5));
    t.at(101, () => t.send("a", "b", 6));
  },
};

export const smallScenario = netScenario(SMALL_RUN);
