import { describe, expect, it } from "vitest";
import { SimKernel } from "../kernel/kernel.ts";
import { Network } from "../net/network.ts";
import { createSimRedisConnector } from "./connection.ts";
import { VirtualRedis } from "./server.ts";

function setup() {
  const kernel = new SimKernel({ seed: 2 });
  const network = new Network(kernel, kernel.stream("net"), { baseMs: 1, jitterMs: 2 });
  const redis = new VirtualRedis(kernel, network);
  return { kernel, network, redis, s1: createSimRedisConnector(network, "s1"), s2: createSimRedisConnector(network, "s2") };
}

describe("virtual redis", () => {
  it("delivers publishes to subscribers in per-connection order and counts receivers", async () => {
    const { kernel, s1, s2 } = setup();
    const pub = s1("pub");
    const sub = s2("sub");
    const got: string[] = [];
    sub.onMessage((channel, message) => got.push(`${channel}:${message}`));
    const counts: number[] = [];
    void (async () => {
      await Promise.all([pub.connect(), sub.connect()]);
      await sub.subscribe("ch");
      expect(await pub.numsub("ch")).toBe(1);
      for (let i = 0; i < 20; i++) void pub.publish("ch", `m${i}`).then((n) => counts.push(n));
      counts.push(await pub.publish("other", "x"));
    })();
    await kernel.runUntil(1000);
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `ch:m${i}`));
    expect(counts.filter((n) => n === 1)).toHaveLength(20);
    expect(counts).toContain(0);
  });

  it("rejects connect and publish while unreachable; a reset loses subscriptions and fires close once", async () => {
    const { kernel, network, redis, s1, s2 } = setup();
    const sub = s2("sub");
    const closes: string[] = [];
    sub.onClose((reason) => closes.push(reason));
    void sub.connect().then(() => sub.subscribe("ch"));
    await kernel.runUntil(100);
    expect(redis.numsub("ch")).toBe(1);
    const id = network.partition([["redis"], ["s1", "s2"]]);
    await kernel.runUntil(200);
    expect(closes).toHaveLength(1);
    expect(redis.numsub("ch")).toBe(0);
    await expect(sub.publish("ch", "late")).rejects.toThrow(/not open/);
    const pub = s1("pub");
    const attempt = pub.connect();
    let failed = "";
    attempt.catch((error: Error) => (failed = error.message));
    await kernel.runUntil(300);
    expect(failed).toMatch(/redis connect failed/);
    network.healPartition(id);
  });

  it("a restart drops every connection and refuses connects while down", async () => {
    const { kernel, redis, s1 } = setup();
    const conn = s1("sub");
    let closed = 0;
    conn.onClose(() => closed++);
    void conn.connect().then(() => conn.subscribe("ch"));
    await kernel.runUntil(50);
    redis.restart(100);
    const early = s1("sub");
    let earlyFailed = false;
    early.connect().catch(() => (earlyFailed = true));
    await kernel.runUntil(120);
    expect(closed).toBe(1);
    expect(earlyFailed).toBe(true);
    expect(redis.numsub("ch")).toBe(0);
    await kernel.runUntil(200);
    const late = s1("sub");
    let lateOk = false;
    void late.connect().then(() => (lateOk = true));
    await kernel.runUntil(400);
    expect(lateOk).toBe(true);
  });

  it("commands in flight when the connection drops reject", async () => {
    const { kernel, network, s1 } = setup();
    const pub = s1("pub");
    let outcome = "";
    void pub.connect().then(() => {
      pub.publish("ch", "x").then(() => (outcome = "ok"), (error: Error) => (outcome = error.message));
      network.isolate("s1");
    });
    await kernel.runUntil(200);
    expect(outcome).toMatch(/lost/);
  });

  it("keeps string keys with a TTL in virtual time, and loses them all on a restart", async () => {
    const { kernel, redis, s1 } = setup();
    const conn = s1("pub");
    const seen: Array<string | null> = [];
    void (async () => {
      await conn.connect();
      await conn.set("lfcc:snapshot:{d1}", "state-1", 1000);
      await conn.set("k2", "v2", 10_000);
      seen.push(await conn.get("lfcc:snapshot:{d1}"), await conn.get("absent"));
    })();
    await kernel.runUntil(100);
    expect(seen).toEqual(["state-1", null]);
    await kernel.runUntil(1500);
    expect(redis.getKey("lfcc:snapshot:{d1}")).toBeNull(); // expired in virtual time
    expect(redis.getKey("k2")).toBe("v2");
    redis.restart(50);
    await kernel.runUntil(1700);
    expect(redis.getKey("k2")).toBeNull(); // no persistence: a restart forgets every key
  });

  it("GET and SET reject while Redis is unreachable", async () => {
    const { kernel, network, s1 } = setup();
    const conn = s1("pub");
    const outcomes: string[] = [];
    void conn.connect().then(() => network.isolate("s1"));
    await kernel.runUntil(100);
    conn.get("k").catch((error: Error) => outcomes.push(`get: ${error.message}`));
    conn.set("k", "v", 100).catch((error: Error) => outcomes.push(`set: ${error.message}`));
    await kernel.runUntil(200);
    expect(outcomes).toEqual([expect.stringMatching(/^get: .*not open/), expect.stringMatching(/^set: .*not open/)]);
  });
});
