import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { startRelay, waitFor, type TestRelay } from "../integration/helpers.ts";
import { waitTextConverged, whenYwsSynced, ywsPool } from "./clients.ts";

let redis: LocalRedis;
let relays: TestRelay[] = [];
const pool = ywsPool();

beforeAll(async () => {
  redis = await startRedisServer();
  relays = await Promise.all([startRelay({ redisUrl: redis.url }), startRelay({ redisUrl: redis.url })]);
  await waitFor("relays on Redis", () => relays.every((r) => r.server.relay.health().redis.connected));
});
afterAll(async () => {
  pool.destroyAll();
  await Promise.all(relays.map((r) => r.server.close()));
  await redis?.stop();
});

describe("smoke", () => {
  it("syncs two y-websocket clients across relays", async () => {
    const a = pool.start("a", relays[0]!.url, "smoke-1");
    await whenYwsSynced(a);
    a.doc.getText("t").insert(0, "hello ");
    const b = pool.start("b", relays[1]!.url, "smoke-1");
    await whenYwsSynced(b);
    expect(b.text()).toBe("hello ");
    b.doc.getText("t").insert(0, "world ");
    await waitTextConverged([a, b], ["hello", "world"]);
    await waitFor("awareness", () => a.peerNames().includes("b") && b.peerNames().includes("a"));
  });
});
