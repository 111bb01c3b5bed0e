/** The client provider: binds a Y.Doc to an LFCC relay (browser, Node, or the simulator). */
export { LfccProvider, type LfccProviderOptions, type ProviderEvents, type ProviderStatus } from "./provider.ts";
export { backoffCapMs, backoffDelayMs, type BackoffPolicy } from "./backoff.ts";
