/**
 * Randomized relay configuration per run ("knobs", after FoundationDB's BUGGIFY knobs and
 * TigerBeetle's swarm testing): the same relay must hold every invariant under any sane setting,
 * not just the defaults. Each knob is optional and shrinks toward "absent" (= production default),
 * so a shrunk failing scenario only overrides the knobs that matter for the bug.
 *
 * Ranges stay inside PROTOCOL.md's limits: presence expiry must report a dead server's clients
 * within 15 s. A stale roster is noticed on the next heartbeat after the timeout, so the worst case
 * is timeout + heartbeat: heartbeat <= 2.5 s and timeout <= 4 heartbeats keep it <= 12.5 s, leaving
 * room for link latency (a setting past the bound would fail noGhostPresence by configuration).
 */
import fc from "fast-check";
import { DEFAULT_RELAY_CONFIG, type RelayConfig } from "../../relay/config.ts";

export type RelayOverrides = Partial<Omit<RelayConfig, "serverId">>;

const KIB = 1024;

interface RawKnobs {
  queueMaxMessages?: number;
  queueMaxKiB?: number;
  snapshotTimeoutMs?: number;
  enableBatching?: boolean;
  batchWindowMs?: number;
  batchMaxMessages?: number;
  heartbeatIntervalMs?: number;
  presenceTimeoutHeartbeats?: number;
  redisReconnectBaseMs?: number;
  redisReconnectSpreadMs?: number;
  maxBufferedKiB?: number;
  clusterSecret?: boolean;
  tightRateLimit?: { perSecond: number; burst: number };
}

/** The secret runs with a cluster secret share (any non-empty string signs and checks the same way). */
export const FUZZ_CLUSTER_SECRET = "lfcc-fuzz-secret";

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

function rawKnobsArbitrary(): fc.Arbitrary<RawKnobs> {
  return fc.record({
    // Small queues overflow during outages: drops must then be repaired by the post-reconnect resync.
    queueMaxMessages: optional(fc.integer({ min: 5, max: 20_000 })),
    queueMaxKiB: optional(fc.integer({ min: 4, max: 16 * KIB })),
    snapshotTimeoutMs: optional(fc.integer({ min: 2, max: 50 }).map((n) => n * 100)),
    enableBatching: optional(fc.boolean()),
    batchWindowMs: optional(fc.integer({ min: 1, max: 50 })),
    batchMaxMessages: optional(fc.integer({ min: 1, max: 128 })),
    heartbeatIntervalMs: optional(fc.integer({ min: 2, max: 10 }).map((n) => n * 250)),
    presenceTimeoutHeartbeats: optional(fc.integer({ min: 2, max: 4 })),
    redisReconnectBaseMs: optional(fc.integer({ min: 20, max: 500 })),
    redisReconnectSpreadMs: optional(fc.integer({ min: 0, max: 3_500 })),
    // Small buffers make slow clients get closed (4008) and reconnect.
    maxBufferedKiB: optional(fc.integer({ min: 16, max: 8 * KIB })),
    // Signing is otherwise never exercised: some runs sign and check every routed message.
    clusterSecret: optional(fc.constant(true)),
    // A budget below what the workload sends (edits, presence, sync answers): those clients go over
    // it and must be limited; rateLimitFair judges both directions against an ideal bucket.
    tightRateLimit: optional(fc.record({ perSecond: fc.integer({ min: 20, max: 50 }), burst: fc.integer({ min: 20, max: 60 }) })),
  });
}

/** Relay overrides for one run; only the knobs that were drawn appear. */
export function relayKnobsArbitrary(): fc.Arbitrary<RelayOverrides> {
  return rawKnobsArbitrary().map(toOverrides);
}

function toOverrides(raw: RawKnobs): RelayOverrides {
  const overrides: RelayOverrides = {
    queueMaxMessages: raw.queueMaxMessages,
    queueMaxBytes: raw.queueMaxKiB === undefined ? undefined : raw.queueMaxKiB * KIB,
    snapshotTimeoutMs: raw.snapshotTimeoutMs,
    enableBatching: raw.enableBatching,
    batchWindowMs: raw.batchWindowMs,
    batchMaxMessages: raw.batchMaxMessages,
    heartbeatIntervalMs: raw.heartbeatIntervalMs,
    maxBufferedBytes: raw.maxBufferedKiB === undefined ? undefined : raw.maxBufferedKiB * KIB,
    redisReconnectBaseMs: raw.redisReconnectBaseMs,
    clusterSecret: raw.clusterSecret ? FUZZ_CLUSTER_SECRET : undefined,
    rateLimitMessagesPerSecond: raw.tightRateLimit?.perSecond,
    rateLimitBurstMessages: raw.tightRateLimit?.burst,
  };
  if (raw.presenceTimeoutHeartbeats !== undefined) {
    const heartbeatMs = raw.heartbeatIntervalMs ?? DEFAULT_RELAY_CONFIG.heartbeatIntervalMs;
    overrides.presenceTimeoutMs = heartbeatMs * raw.presenceTimeoutHeartbeats;
  }
  if (raw.redisReconnectSpreadMs !== undefined) {
    const baseMs = raw.redisReconnectBaseMs ?? DEFAULT_RELAY_CONFIG.redisReconnectBaseMs;
    overrides.redisReconnectMaxMs = baseMs + raw.redisReconnectSpreadMs;
  }
  return dropUndefined(overrides);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
