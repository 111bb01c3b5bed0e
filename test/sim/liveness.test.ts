/**
 * Idle cost independent of the number of documents (issue 17): servers beat once per heartbeat
 * instead of publishing a roster per document, and the ghost bound still holds (a crashed
 * server's clients are reported LEFT within presenceTimeoutMs + a heartbeat), per shard too.
 */
import { describe, expect, it } from "vitest";
import { createWorld } from "../../sim/index.ts";

/** Two servers, `docs` documents with one client on each server; Redis publishes over an idle 10 s. */
async function idlePublishes(docs: number, redisShards = 1): Promise<number> {
  const world = createWorld({ seed: 1, redisShards });
  world.addServer("s1");
  world.addServer("s2");
  for (let d = 0; d < docs; d++) {
    world.addClient(`a${d}`, `doc${d}`, "s1");
    world.addClient(`b${d}`, `doc${d}`, "s2");
  }
  await world.runUntil(5_000);
  const before = world.redisNodes.reduce((sum, redis) => sum + redis.published, 0);
  await world.runUntil(15_000);
  return world.redisNodes.reduce((sum, redis) => sum + redis.published, 0) - before;
}

/** c1 on s1 and c2 on s2 share d1, run to 3 s; returns c2's first session too. */
async function twoServersOneDoc(seed: number) {
  const world = createWorld({ seed });
  world.addServer("s1");
  world.addServer("s2");
  world.addClient("c1", "d1", "s1");
  world.addClient("c2", "d1", "s2");
  await world.runUntil(3_000);
  return { world, c2: world.observer.sessions.find((s) => s.client === "c2")! };
}

describe("server liveness beats", () => {
  it("publishes the same at idle for 2 and for 40 documents: one beat per server per heartbeat", async () => {
    const few = await idlePublishes(2);
    const many = await idlePublishes(40);
    expect(many).toBe(few);
    expect(few).toBe(2 * 5); // 2 servers x 10 s / 2 s heartbeat
    // On 3 shards: one beat per shard, still independent of the documents.
    expect(await idlePublishes(40, 3)).toBe(3 * few);
  });

  it("still reports a crashed server's clients LEFT within the ghost bound", async () => {
    const { world, c2 } = await twoServersOneDoc(2);
    world.crash("s2");
    await world.runUntil(3_000 + 15_000);
    const leave = world.observer.leaves.find((l) => l.observer === "c1" && l.senderId === c2.senderId);
    expect(leave).toBeDefined();
    expect(leave!.tMs - 3_000).toBeLessThanOrEqual(6_000 + 2_000);
  });

  it("re-learns a peer's clients after they expired while the peer was only slow (its beats resume without a gap)", async () => {
    const { world, c2 } = await twoServersOneDoc(3);
    const heal = world.latency("s2", "redis", 8_000, 0); // s2's beats arrive 8 s late: expired at s1
    await world.runUntil(14_000);
    expect(world.observer.leaves.some((l) => l.observer === "c1" && l.senderId === c2.senderId)).toBe(true);
    heal();
    await world.runUntil(30_000);
    // c1 hears c2 JOIN again: s1 asked for rosters when s2's beats came back after the expiry.
    const seenAgain = world.observer.peersSeen.filter((p) => p.observer === "c1" && p.senderId === c2.senderId && p.tMs > 14_000);
    expect(seenAgain.length).toBeGreaterThan(0);
  });
});
