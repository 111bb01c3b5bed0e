/**
 * Redis auth through the URL (`redis://:password@host:port`, PROTOCOL/spec "Security"): a relay
 * with the right password routes across servers; one with a wrong password stays degraded and
 * keeps serving its local clients, and never crashes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { clientPool, startRelay, waitConverged, waitFor, whenSynced, type TestRelay } from "./helpers.ts";

const PASSWORD = "s3cret pass/word";
let redis: LocalRedis;
const relays: TestRelay[] = [];
const pool = clientPool();
const client = pool.client;

beforeAll(async () => {
  redis = await startRedisServer({ password: PASSWORD });
});

afterAll(async () => {
  pool.destroyAll();
  await Promise.all(relays.map((r) => r.server.close()));
  await redis?.stop();
});

async function relay(redisUrl: string): Promise<TestRelay> {
  const started = await startRelay({ redisUrl });
  relays.push(started);
  return started;
}

describe("Redis password in the URL", () => {
  it("authenticates and routes across two relays", async () => {
    expect(redis.url).toContain(`:${encodeURIComponent(PASSWORD)}@`);
    const [a, b] = [await relay(redis.url), await relay(redis.url)];
    await waitFor("both relays authenticated", () => [a, b].every((r) => r.server.relay.health().redis.connected));
    const pair = [client("a", a, "auth-doc"), client("b", b, "auth-doc")];
    await Promise.all(pair.map((c) => whenSynced(c)));
    pair[0]!.doc.getText("t").insert(0, "<through-auth>");
    await waitConverged(pair, ["<through-auth>"]);
  });

  it("with a wrong password stays degraded, keeps local routing and does not crash", async () => {
    const wrong = await relay(redis.url.replace(encodeURIComponent(PASSWORD), "wrong"));
    const pair = [client("c", wrong, "local-doc"), client("d", wrong, "local-doc")];
    await Promise.all(pair.map((c) => whenSynced(c)));
    pair[0]!.doc.getText("t").insert(0, "<local-only>");
    await waitConverged(pair, ["<local-only>"]);
    expect(wrong.server.relay.health()).toMatchObject({ status: "degraded", redis: { connected: false } });
  });
});
