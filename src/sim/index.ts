// Public surface of the kernel.
export * from "./time.js";
export * from "./hash.js";
export * from "./rng.js";
export * from "./queue.js";
export * from "./trace.js";
export * from "./coverage.js";
export * from "./errors.js";
export * from "./guard.js";
export * from "./kernel.js";
export * from "./process.js";
export * from "./future.js";
export * from "./ops.js";
export * from "./sync.js";
export * from "./net/index.js";
