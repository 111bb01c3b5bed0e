/** The production host: HTTP /health and /metrics plus the WebSocket upgrade, around a relay. */
export { createRelayServer, type RelayServer, type RelayServerOptions } from "./relay-server.ts";
export { createRelayHost, type RelayHost, type RelayHostOptions } from "./http-server.ts";
export { createRelayMetrics, RELAY_METRICS } from "./metrics.ts";
export { authorize, docsClaimCovers, EmptySecretError } from "./auth.ts";
export { RejectionTally, SERVER_REJECTION_REASONS, type RejectionSourceLabel, type ServerRejectionReason } from "./rejections.ts";
export type { HostedRelay } from "./hosted-relay.ts";
