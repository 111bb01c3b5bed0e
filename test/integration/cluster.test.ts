/**
 * Two in-process relays over a real redis-server, real ws sockets, real Y.Docs on real providers:
 * cross-server convergence and the cross-server snapshot (PROTOCOL.md section 4).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { clientPool, startRelay, waitConverged, waitFor, whenSynced, type TestRelay } from "./helpers.ts";

let redis: LocalRedis;
let relays: TestRelay[] = [];
const pool = clientPool();
const client = pool.client;

beforeAll(async () => {
  redis = await startRedisServer();
  relays = await Promise.all([startRelay({ redisUrl: redis.url }), startRelay({ redisUrl: redis.url })]);
  await waitFor("both relays on Redis", () => relays.every((r) => r.server.relay.health().redis.connected));
});

afterAll(async () => {
  pool.destroyAll();
  await Promise.all(relays.map((r) => r.server.close()));
  await redis?.stop();
});

describe("two relays over one Redis", () => {
  it("converges concurrent edits made on both servers", async () => {
    const group = [client("a1", relays[0]!, "conv"), client("a2", relays[0]!, "conv"), client("b1", relays[1]!, "conv"), client("b2", relays[1]!, "conv")];
    await Promise.all(group.map((c) => whenSynced(c)));
    const tokens: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const c of group) {
        const token = `<${c.name}:${round}>`;
        tokens.push(token);
        // Position 0 keeps tokens whole under concurrency (an insert inside a token would split it).
        c.doc.getText("t").insert(0, token);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitConverged(group, tokens);
    expect(relays[1]!.server.relay.stats().remoteMessages).toBeGreaterThan(0);
    expect(relays[0]!.server.relay.stats().remoteMessages).toBeGreaterThan(0);
  });

  it("gives a newcomer on server B the document held only by a client on server A", async () => {
    const holder = client("holder", relays[0]!, "snap");
    await whenSynced(holder);
    holder.doc.getText("t").insert(0, "written before anyone else came");
    await waitFor("holder's edit reached the relay", () => relays[0]!.server.relay.stats().messagesRouted > 0);

    const frames: Array<{ type: string; payload: Record<string, unknown> }> = [];
    const newcomer = client("newcomer", relays[1]!, "snap");
    newcomer.provider.on("message", (frame) => frames.push(frame));
    await whenSynced(newcomer);
    // The snapshot response itself carried the content: no later update was needed.
    const response = frames.find((f) => f.type === "SNAPSHOT_RESPONSE")!;
    expect(response.payload.update).not.toBeNull();
    expect(newcomer.text()).toBe("written before anyone else came");
    expect(relays[1]!.server.relay.stats().snapshotRequests).toBeGreaterThan(0);
  });

  it("answers update:null when nobody anywhere holds the document", async () => {
    const frames: Array<{ type: string; payload: Record<string, unknown> }> = [];
    const lonely = client("lonely", relays[1]!, "nobody-has-this");
    lonely.provider.on("message", (frame) => frames.push(frame));
    await whenSynced(lonely);
    const response = frames.find((f) => f.type === "SNAPSHOT_RESPONSE")!;
    expect(response.payload).toMatchObject({ update: null, source: "none" });
  });

  it("recovers edits the relay refused with RATE_LIMITED (a burst far over the budget)", async () => {
    const burster = client("burster", relays[0]!, "burst");
    const reader = client("reader", relays[1]!, "burst");
    await Promise.all([whenSynced(burster), whenSynced(reader)]);
    const errors: string[] = [];
    burster.provider.on("error", (error) => errors.push(error.code));
    const tokens: string[] = [];
    for (let i = 0; i < 400; i++) {
      const token = `<${i}>`;
      tokens.push(token);
      burster.doc.getText("t").insert(0, token); // one CRDT_UPDATE each, sent at once: 2x the burst budget
    }
    await waitFor("the relay refused part of the burst", () => errors.includes("RATE_LIMITED"));
    await waitConverged([burster, reader], tokens, 20_000);
    expect(relays[0]!.server.relay.stats().rateLimited).toBeGreaterThan(0);
  });
});
