/**
 * Chaos mode end to end: real redis-server, real Toxiproxy, real `lfcc serve` processes and real
 * providers over `ws`, running short scenarios (crash, Redis outage with a small queue bound,
 * partition) that the shared checkers judge. One redis-server + Toxiproxy for the whole file.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runChaos } from "../../chaos/run.ts";
import { chaosAvailable, missingServicesMessage, mustRunChaos, useChaosServices } from "./services-available.ts";

const fixture = (name: string) => {
  const file = new URL(`./fixtures/${name}`, import.meta.url);
  return parseScenario(readFileSync(file, "utf8"), `test/chaos/fixtures/${name}`);
};

// Runs (and passes) in every green CI run, so a fully green run shows no "1 skipped" that looks
// like a failure; outside CI a missing binary is the loud warning of services-available.ts.
test.runIf(mustRunChaos || chaosAvailable)("redis-server and toxiproxy-server are there for the chaos suite (CI must have them)", () => {
  expect(missingServicesMessage(), "chaos suite cannot run").toBe("");
});

describe.runIf(chaosAvailable)("lfcc chaos against real infrastructure", () => {
  const services = useChaosServices();

  test("a SIGKILLed relay: its clients reconnect elsewhere, nothing is lost, peers see them leave", async () => {
    const { record, observations } = await runChaos(fixture("crash.yaml"), { services: services() });
    expect(record.invariants, JSON.stringify(record.invariants)).toSatisfy((list: typeof record.invariants) => list.every((r) => r.passed));
    expect(record.mode).toBe("chaos");
    expect(record.traceHash).toBeNull();
    expect(record.faults?.[0]).toMatchObject({ kind: "crash", detail: "SIGKILL relay s2" });
    // One doc, two servers: c2 and c4 live on s2. Their sessions ended because of the crash, and they came back.
    const crashed = observations.sessions.filter((s) => s.endReason === "crash").map((s) => s.client).sort();
    expect(crashed).toEqual(["c2", "c4"]);
    expect(record.metrics.reconnects).toBeGreaterThanOrEqual(2);
    expect(observations.leaves.some((l) => ["c1", "c3"].includes(l.observer))).toBe(true);
    // Deliveries and their latency are counted from the real docs, as the simulator counts them.
    expect(record.metrics.deliveries).toBeGreaterThan(0);
    const latency = record.timeSeries!.deliveryLatencyMs;
    expect(latency.p50).toHaveLength(record.timeSeries!.tMs.length);
    expect(latency.max.some((ms) => ms > 0)).toBe(true);
    latency.p50.forEach((p50, i) => expect(p50).toBeLessThanOrEqual(latency.p99[i]!));
  });

  test("Redis unreachable for 2 s with a 20-message queue: the queue stays bounded, overflows, and every edit still arrives", async () => {
    const { record } = await runChaos(fixture("redis-outage.yaml"), { services: services() });
    expect(record.invariants, JSON.stringify(record.invariants)).toSatisfy((list: typeof record.invariants) => list.every((r) => r.passed));
    expect(record.invariants.map((r) => r.name)).toEqual(["converge", "noDataLoss", "queueBound"]);
    expect(record.metrics.queuedMax).toBeGreaterThan(0);
    expect(record.metrics.queuedMax).toBeLessThanOrEqual(20);
    expect(record.metrics.dropped).toBeGreaterThan(0);
    const outage = record.faults?.[0];
    expect(outage?.kind).toBe("redisOutage");
    expect(outage!.endMs - outage!.startMs).toBeGreaterThanOrEqual(1900);
  });

  test("s2 partitioned from Redis: both sides edit, and merge after the heal", async () => {
    const { record } = await runChaos(fixture("partition.yaml"), { services: services() });
    expect(record.invariants, JSON.stringify(record.invariants)).toSatisfy((list: typeof record.invariants) => list.every((r) => r.passed));
    expect(record.faults?.[0]?.detail).toContain("1 proxies disabled");
    // Only s2 lost Redis, so only s2 queued.
    expect(record.timeSeries!.queueDepth.s2!.some((depth) => depth > 0)).toBe(true);
    expect(record.timeSeries!.queueDepth.s1!.every((depth) => depth === 0)).toBe(true);
  });

  test("every other fault kind is really applied, and clockSkew is reported as skipped", async () => {
    const { record, observations } = await runChaos(fixture("every-fault.yaml"), { services: services() });
    expect(record.invariants, JSON.stringify(record.invariants)).toSatisfy((list: typeof record.invariants) => list.every((r) => r.passed));
    const byKind = Object.fromEntries((record.faults ?? []).map((f) => [f.kind, f]));
    expect(Object.keys(byKind).sort()).toEqual(["clockSkew", "disconnect", "join", "latency", "leave", "redisRestart", "slowClient", "stop"]);
    expect(byKind.clockSkew).toMatchObject({ skipped: true });
    expect(byKind.stop!.detail).toBe("SIGTERM relay s1");
    expect(byKind.redisRestart!.detail).toMatch(/killed and restarted/);
    expect(byKind.slowClient!.detail).toContain("bandwidth");
    expect(byKind.latency!.detail).toContain("c1--s1");
    // Sessions ended for the reasons the faults gave, and the joiner and leaver show up as such.
    const reasons = new Set(observations.sessions.map((s) => `${s.client}:${s.endReason}`));
    expect(reasons).toContain("c2:disconnect");
    expect(reasons).toContain("c4:leave");
    expect(observations.sessions.some((s) => s.client === "c5")).toBe(true);
    expect(observations.finalReplicas.find((r) => r.client === "c4")?.live).toBe(false);
  });
});
