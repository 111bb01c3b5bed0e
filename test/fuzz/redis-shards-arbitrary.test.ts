import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";

describe("fuzzer with Redis shards (maxRedisShards)", () => {
  it("draws cluster topologies and per-shard Redis faults naming real masters; none by default", () => {
    const sharded = fc.sample(scenarioArbitrary({ maxRedisShards: 3, faultKinds: ["redisOutage", "redisRestart", "latency"] }), { numRuns: 200, seed: 7 });
    const clusters = sharded.filter((s) => (s.topology.redisShards ?? 1) > 1);
    expect(clusters.length).toBeGreaterThan(0);
    const shardFaults = clusters.flatMap((s) => s.faults.map((f) => ({ f, n: s.topology.redisShards! })));
    const named = shardFaults.filter(({ f }) => ("shard" in f && f.shard !== undefined) || (f.kind === "latency" && /^r\d+$/.test(f.link[1])));
    expect(named.length).toBeGreaterThan(0);
    for (const { f, n } of named) {
      const shard = "shard" in f && f.shard !== undefined ? f.shard : f.kind === "latency" ? f.link[1] : "";
      expect(Number(shard.slice(1))).toBeLessThanOrEqual(n);
    }
    const plain = fc.sample(scenarioArbitrary({ faultKinds: ["redisOutage", "redisRestart"] }), { numRuns: 50, seed: 7 });
    expect(plain.every((s) => s.topology.redisShards === undefined && s.faults.every((f) => !("shard" in f)))).toBe(true);
  });
});
