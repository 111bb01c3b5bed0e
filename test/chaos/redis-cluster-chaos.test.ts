/**
 * Chaos mode on a real Redis Cluster (SCENARIOS.md v1.1 "Redis shards"): the run starts its own
 * 3-master cluster, puts one Toxiproxy proxy per (relay, master) in front of it through the relays'
 * natMap, and applies per-shard faults for real: an outage disables only r2's proxies, a restart
 * SIGKILLs and restarts only r3's redis-server. And the seed's nginx in front of the relays.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runChaos } from "../../chaos/run.ts";
import { chaosAvailable, useChaosServices } from "./services-available.ts";

describe.runIf(chaosAvailable)("lfcc chaos on a real Redis Cluster", () => {
  const services = useChaosServices();

  test("one master unreachable, another restarted: every invariant holds", async () => {
    const file = "test/chaos/fixtures/redis-shards.yaml";
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    const { record, relayLogs } = await runChaos(scenario, { services: services() });
    expect(record.invariants, JSON.stringify(record.invariants)).toSatisfy((list: typeof record.invariants) => list.every((r) => r.passed));
    expect(record.faults?.[0]).toMatchObject({ kind: "redisOutage", detail: "disabled every relay->r2 proxy: 2 proxies disabled" });
    expect(record.faults?.[1]?.detail).toBe("redis-server r3 killed and restarted (cluster ok again)");
    // The relays really ran on the cluster: they logged its three shards and the loss of r2 alone.
    const lines = relayLogs.flatMap(([, log]) => log);
    expect(lines.some((line) => line.includes("redis-cluster-discovered"))).toBe(true);
    const lost = lines.filter((line) => line.includes("redis-shard-status") && line.includes('"connected":false'));
    expect(lost.length).toBeGreaterThan(0);
    expect(record.metrics.queuedMax).toBeGreaterThan(0);
  }, 60_000);

  test("nginx in front (hash on docId): a document's clients share a relay, and a crashed relay's clients come back through nginx", async () => {
    const file = "test/chaos/fixtures/nginx.yaml";
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    const { record, observations } = await runChaos(scenario, { services: services() });
    expect(record.invariants, JSON.stringify(record.invariants)).toSatisfy((list: typeof record.invariants) => list.every((r) => r.passed));
    const before = observations.sessions.filter((s) => s.startMs < 2_000);
    const docOf = new Map(before.map((s) => [s.client, s.docId]));
    for (const docId of new Set(docOf.values())) {
      expect(new Set(before.filter((s) => s.docId === docId).map((s) => s.server)).size).toBe(1);
    }
    const crashed = before.filter((s) => s.server === "s1" && s.endReason === "crash");
    expect(crashed.length).toBeGreaterThan(0);
    for (const session of crashed) {
      const next = observations.sessions.find((s) => s.client === session.client && s.startMs >= session.endMs!);
      expect(next?.server).toBe("s2");
    }
  }, 60_000);
});
