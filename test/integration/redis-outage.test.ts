/**
 * redis-server is SIGKILLed mid-edit and restarted, with a small outage-queue bound: local routing
 * continues, /health says degraded, the queue bound holds, overflow is counted, and once Redis is
 * back every document converges with no edit lost (PROTOCOL.md section 5).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { getJson, startClient, startRelay, waitConverged, waitFor, whenSynced, type TestClient, type TestRelay } from "./helpers.ts";

const QUEUE_MAX_MESSAGES = 8;
const QUEUE_MAX_BYTES = 32 * 1024;

let redis: LocalRedis;
let relays: TestRelay[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const options = {
    redisUrl: redis.url,
    queueMaxMessages: QUEUE_MAX_MESSAGES,
    queueMaxBytes: QUEUE_MAX_BYTES,
    redisReconnectBaseMs: 50,
    redisReconnectMaxMs: 300,
  };
  relays = await Promise.all([startRelay(options), startRelay(options)]);
  await waitFor("both relays on Redis", () => relays.every((r) => r.server.relay.health().redis.connected));
});

afterAll(async () => {
  for (const client of clients) client.provider.destroy();
  await Promise.all(relays.map((r) => r.server.close()));
  await redis?.stop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Redis killed and restarted mid-edit", () => {
  it("keeps the queue bounded, counts the overflow, and converges every doc with no edit lost", async () => {
    const docs = ["outage-a", "outage-b"];
    const groups = docs.map((docId) =>
      ["x", "y"].flatMap((tag) =>
        relays.map((relay, i) => {
          const created = startClient(`${docId}/${tag}${i}`, relay.url, docId);
          clients.push(created);
          return created;
        }),
      ),
    );
    await Promise.all(clients.map((c) => whenSynced(c)));
    const tokens = new Map<string, string[]>(docs.map((d) => [d, []]));
    const edit = (c: TestClient, docId: string, label: string) => {
      const token = `<${c.name}:${label}>`;
      tokens.get(docId)!.push(token);
      c.doc.getText("t").insert(0, token);
    };
    groups.forEach((group, g) => group.forEach((c) => edit(c, docs[g]!, "before")));
    await Promise.all(groups.map((group, g) => waitConverged(group, tokens.get(docs[g]!)!)));

    await redis.kill();
    await waitFor("both relays notice Redis is gone", () => relays.every((r) => !r.server.relay.health().redis.connected));
    for (const relay of relays) {
      const health = await getJson(relay.port, "/health");
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ ok: true, status: "degraded", redis: { connected: false } });
    }

    for (let round = 0; round < 12; round++) {
      groups.forEach((group, g) => group.forEach((c) => edit(c, docs[g]!, `down${round}`)));
      await pause(5);
    }
    // Same-server clients keep collaborating while Redis is down.
    const [x0, , y0] = groups[0]!; // x0 and y0 both sit on relay 0
    await waitFor("local routing during the outage", () => x0!.text().includes("<outage-a/y0:down11>") && y0!.text().includes("<outage-a/x0:down11>"));

    await redis.restart();
    await waitFor("both relays back on Redis", () => relays.every((r) => r.server.relay.health().redis.connected), 15_000);
    groups.forEach((group, g) => group.forEach((c) => edit(c, docs[g]!, "after")));
    await Promise.all(groups.map((group, g) => waitConverged(group, tokens.get(docs[g]!)!, 20_000)));

    for (const relay of relays) {
      const queueEvents = relay.events.filter((e) => e.type === "queue");
      expect(queueEvents.length).toBeGreaterThan(0);
      for (const event of queueEvents) {
        expect(event.depthMessages).toBeLessThanOrEqual(QUEUE_MAX_MESSAGES);
        expect(event.depthBytes).toBeLessThanOrEqual(QUEUE_MAX_BYTES);
      }
      expect(relay.server.relay.stats().droppedMessages).toBeGreaterThan(0);
      expect(relay.server.relay.stats().reconnects).toBeGreaterThan(0);
      const metrics = await getJson(relay.port, "/metrics");
      expect(metrics.text).toMatch(/^lfcc_dropped_messages_total [1-9]/m);
      expect((await getJson(relay.port, "/health")).body.status).toBe("healthy");
    }
  });
});
