// The scenarios layer as one import: scenario types, the context a setup script gets, the runner, the registry.

export * from "./types.js";
export * from "./context.js";
export * from "./options.js";
export * from "./option-spec.js";
export * from "./option-check.js";
export * from "./option-size.js";
export * from "./runner.js";
export * from "./registry.js";
