/** The scenario language: parse + validate (with file positions), normalize, and back to file form. */
export { parseScenario, validateScenario } from "./parse.ts";
export { toScenarioDocument, toScenarioYaml, faultToDocument } from "./to-document.ts";
export { parseFailureFile, buildFailureFile, type LoadedFailure } from "./failure-file.ts";
export { ScenarioError, formatIssue, formatPath, type ScenarioIssue } from "./errors.ts";
export { SCENARIO_DEFAULTS } from "./defaults.ts";
export { defineScenario } from "./define.ts";
export { FAULT_KINDS } from "./schema.ts";
export { serverNames, docNames, initialClientNames, REDIS_NODE } from "./names.ts";
export { parseDurationMs, parseSizeBytes, formatDuration, formatSize } from "./units.ts";
export * from "./types.ts";
