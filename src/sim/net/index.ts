// The network layer as one import: topology, links, fault rules and schedules, hosts and the World.

export * from "./env.js";
export * from "./fault-step.js";
export * from "./topology.js";
export * from "./link.js";
export * from "./rules.js";
export * from "./clock.js";
export * from "./host.js";
export * from "./network.js";
export * from "./schedule.js";
export * from "./swarm.js";
export * from "./world.js";
export * from "./tap.js";
