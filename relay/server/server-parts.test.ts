import { describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { authorize, docsClaimCovers, EmptySecretError, secretKey } from "./auth.ts";
import { createRelayMetrics } from "./metrics.ts";
import type { HostedRelay, RelayStats } from "./hosted-relay.ts";

const SECRET = "unit-secret";
const sign = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1m").sign(new TextEncoder().encode(secret));

describe("docs claim", () => {
  it("covers exact ids and `*` prefixes only", () => {
    expect(docsClaimCovers(undefined, "a")).toBe(true);
    expect(docsClaimCovers(["a", "team-*"], "team-7")).toBe(true);
    expect(docsClaimCovers(["a", "team-*"], "a")).toBe(true);
    expect(docsClaimCovers(["a", "team-*"], "ab")).toBe(false);
    expect(docsClaimCovers(["*"], "anything")).toBe(true);
    expect(docsClaimCovers("team-*", "team-7")).toBe(false);
    expect(docsClaimCovers([], "a")).toBe(false);
  });
});

describe("authorize", () => {
  const key = secretKey(SECRET);
  it("lets everyone in as editor without a secret", async () => {
    expect(await authorize(null, null, "d")).toEqual({ ok: true, role: "editor", userId: null, expiresAtMs: null });
  });
  it("reads role, sub and exp; refuses missing sub and foreign signatures", async () => {
    expect(await authorize(key, await sign({ sub: "u", role: "viewer" }), "d")).toMatchObject({ ok: true, role: "viewer", userId: "u" });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await new SignJWT({ sub: "u" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(exp).sign(key!);
    expect(await authorize(key, token, "d")).toEqual({ ok: true, role: "editor", userId: "u", expiresAtMs: exp * 1000 });
    expect(await authorize(key, await sign({ role: "editor" }), "d")).toMatchObject({ ok: false, reason: "auth-invalid", detail: "token has no sub" });
    expect(await authorize(key, await sign({ sub: "u" }, "other"), "d")).toMatchObject({ ok: false, reason: "auth-invalid" });
    expect(await authorize(key, null, "d")).toMatchObject({ ok: false, reason: "auth-missing" });
    expect(await authorize(key, await sign({ sub: "u", docs: ["other"] }), "d")).toMatchObject({ ok: false, reason: "doc-forbidden" });
  });
  it("accepts only an absent role, editor or viewer (null is no default)", async () => {
    for (const role of [null, "admin", 3, "", ["editor"], { editor: true }, "Editor"]) {
      expect(await authorize(key, await sign({ sub: "u", role }), "d"), JSON.stringify(role)).toMatchObject({ ok: false, reason: "role-invalid" });
    }
  });
  it("refuses an empty secret instead of turning auth off", () => {
    expect(() => secretKey("")).toThrow(EmptySecretError);
    expect(secretKey(undefined)).toBeNull();
  });
});

describe("metrics", () => {
  it("renders the relay's counters in Prometheus text at scrape time", async () => {
    let remoteMessages = 3;
    const stats = (): RelayStats => ({
      serverId: "s", redisConnected: false, remoteMessages, snapshotRequests: 2, snapshotFallbacks: 1, activeDocuments: 4,
      activeConnections: 5, queuedMessages: 6, queuedBytes: 700, queuedMaxMessages: 9, droppedMessages: 8, rateLimited: 7,
      forgedDropped: 1, duplicatesDropped: 0, malformedDropped: 0, slowConsumers: 0, reconnects: 2, messagesRouted: 11,
      snapshotCacheHits: 4, snapshotCacheMisses: 1, snapshotCacheWrites: 13, snapshotCacheSkipped: 0, snapshotCacheErrors: 2,
      rejected: { client: {}, redis: {} },
    });
    const relay = {
      stats,
      health: () => ({ ok: true, status: "degraded", serverId: "s", redis: { mode: "single", connected: false, activeSubscriptions: 12 }, connections: 5, documents: 4 }),
    } as unknown as HostedRelay;
    const { registry } = createRelayMetrics(relay, { processMetrics: false });
    const first = await registry.metrics();
    expect(first).toMatch(/^lfcc_redis_connected 0$/m);
    expect(first).toMatch(/^lfcc_remote_messages_total 3$/m);
    expect(first).toMatch(/^lfcc_queue_messages 6$/m);
    expect(first).toMatch(/^lfcc_dropped_messages_total 8$/m);
    expect(first).toMatch(/^lfcc_rate_limited_messages_total 7$/m);
    expect(first).toMatch(/^lfcc_active_connections 5$/m);
    expect(first).toMatch(/^lfcc_snapshot_cache_hits_total 4$/m);
    expect(first).toMatch(/^lfcc_snapshot_cache_writes_total 13$/m);
    expect(first).toMatch(/^lfcc_snapshot_cache_errors_total 2$/m);
    remoteMessages = 10;
    expect(await registry.metrics()).toMatch(/^lfcc_remote_messages_total 10$/m);
  });
});
