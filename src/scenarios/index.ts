export * from "./types.js";
export * from "./context.js";
export * from "./options.js";
export * from "./runner.js";
export * from "./registry.js";
