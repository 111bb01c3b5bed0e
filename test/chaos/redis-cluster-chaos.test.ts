/**
 * Chaos mode on a real Redis Cluster (SCENARIOS.md v1.1 "Redis shards"): the run starts its own
 * 3-master cluster, puts one Toxiproxy proxy per (relay, master) in front of it through the relays'
 * natMap, and applies per-shard faults for real: an outage disables only r2's proxies, a restart
 * SIGKILLs and restarts only r3's redis-server.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseScenario } from "../../lab/scenario/index.ts";
import { acquireServices, type ChaosServices } from "../../chaos/infra/services.ts";
import { runChaos } from "../../chaos/run.ts";
import { chaosAvailable } from "./services-available.ts";

describe.runIf(chaosAvailable)("lfcc chaos on a real Redis Cluster", () => {
  let services: ChaosServices;
  beforeAll(async () => {
    services = await acquireServices({ allowContainers: false });
  });
  afterAll(async () => {
    await services?.teardown();
  });

  test("one master unreachable, another restarted: every invariant holds", async () => {
    const file = "test/chaos/fixtures/redis-shards.yaml";
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    const { record, relayLogs } = await runChaos(scenario, { services });
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
});
