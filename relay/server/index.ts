/** The production host: HTTP /health and /metrics plus the WebSocket upgrade, around a relay. */
export { createRelayServer, type RelayServer, type RelayServerOptions } from "./relay-server.ts";
export { createRelayHost, type RelayHost, type RelayHostOptions } from "./http-server.ts";
export { createRelayMetrics, RELAY_METRICS } from "./metrics.ts";
export { authorize, docsClaimCovers } from "./auth.ts";
export type { HostedRelay } from "./hosted-relay.ts";
