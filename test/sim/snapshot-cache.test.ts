/**
 * The opt-in snapshot cache in the simulator (docs/SNAPSHOT-CACHE.md), on the library scenario
 * scenarios/snapshot-cache-holders-leave.yaml: every holder of d1 leaves, then c4 opens it.
 * With the cache c4 opens with the content; without it (or when Redis lost its keys) c4 opens
 * empty and noDataLoss fails. Runs are deterministic with the cache on too.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../lab/scenario/index.ts";
import type { Fault, Scenario } from "../../lab/scenario/types.ts";
import type { TraceEvent } from "../../lab/trace.ts";
import { runScenario } from "../../sim/index.ts";

const FILE = "scenarios/snapshot-cache-holders-leave.yaml";
const library = (): Scenario => parseScenario(readFileSync(FILE, "utf8"), FILE);
const failed = (record: { invariants: Array<{ name: string; passed: boolean }> }) => record.invariants.filter((r) => !r.passed).map((r) => r.name);

function withRelay(base: Scenario, relay: Scenario["relay"], faults: Fault[] = []): Scenario {
  return { ...base, relay: { ...base.relay, ...relay }, faults: [...base.faults, ...faults].sort((a, b) => a.atMs - b.atMs) };
}

function cacheEvents(trace: TraceEvent[] | undefined): Array<{ node: string; tMs: number; op: string; result: string }> {
  return (trace ?? [])
    .filter((e) => e.kind === "relay.event" && e.detail.type === "snapshot-cache")
    .map((e) => ({ node: e.node, tMs: e.tMs, op: String(e.detail.op), result: String(e.detail.result) }));
}

describe("snapshot cache in the simulator", () => {
  it("a newcomer opens a document whose holders all left with its content, from the cache", async () => {
    const scenario = library();
    const { record, trace } = await runScenario(scenario, { seed: 1, keepTrace: true });
    expect(failed(record)).toEqual([]);
    const events = cacheEvents(trace);
    // c4 joins on s2 at 14 s: s2 read the cache, and it was a hit.
    const reads = events.filter((e) => e.op === "read" && e.tMs >= 14_000);
    expect(reads).toEqual([expect.objectContaining({ node: "s2", result: "hit" })]);
    // Both servers had holders, so both wrote (from refreshes after edits).
    expect(new Set(events.filter((e) => e.result === "written").map((e) => e.node))).toEqual(new Set(["s1", "s2"]));
    expect(events.filter((e) => e.result === "error" || e.result === "rejected")).toEqual([]);
  });

  it("fails without the cache: the newcomer opens empty and the holders' edits are missing", async () => {
    const { record } = await runScenario(withRelay(library(), { enableSnapshotCache: false }), { seed: 1 });
    expect(failed(record)).toEqual(["noDataLoss"]);
    expect(record.invariants.find((r) => r.name === "noDataLoss")!.detail).toMatch(/^c4 \(d1\) lacks/);
  });

  it("the keys live in the virtual Redis: a restart after the holders left loses the entry", async () => {
    const restart: Fault = { atMs: 12_000, kind: "redisRestart" };
    const { record, trace } = await runScenario(withRelay(library(), {}, [restart]), { seed: 1, keepTrace: true });
    expect(failed(record)).toEqual(["noDataLoss"]);
    expect(cacheEvents(trace).filter((e) => e.op === "read" && e.tMs >= 14_000).map((e) => e.result)).toEqual(["miss"]);
  });

  it("Redis unreachable when the newcomer arrives: the read fails within its bound, is counted, and nothing hangs", async () => {
    const outage: Fault = { atMs: 13_500, kind: "redisOutage", forMs: 2_000 };
    const { record, trace } = await runScenario(withRelay(library(), {}, [outage]), { seed: 1, keepTrace: true });
    // The cache could not be read, so c4 started empty: the edits are missing, but every relay kept serving.
    expect(failed(record)).toEqual(["noDataLoss"]);
    const reads = cacheEvents(trace).filter((e) => e.op === "read" && e.tMs >= 14_000);
    expect(reads.map((e) => e.result)).toEqual(["error"]);
    expect(reads[0]!.tMs).toBeLessThanOrEqual(14_000 + 2_000 + 500 + 200); // snapshot flow + redis timeout, not more
  });

  it("works on virtual Redis Cluster shards too (3 masters; placement per shard: test/relay/snapshot-cache.test.ts)", async () => {
    const base = library();
    const sharded: Scenario = { ...base, topology: { ...base.topology, redisShards: 3 } };
    const { record, trace } = await runScenario(sharded, { seed: 2, keepTrace: true });
    expect(failed(record)).toEqual([]);
    expect(cacheEvents(trace).filter((e) => e.op === "read" && e.tMs >= 14_000).map((e) => e.result)).toEqual(["hit"]);
  });

  it("holders on the y-websocket dialect refresh it too (their SyncStep1 answer is the state), with the cache and not without", async () => {
    const yaml = (cache: boolean) => `name: yws-holders-leave
description: three real y-websocket clients hold d1 and leave; an LfccProvider newcomer opens it.
duration: 20s
topology: { servers: 2, docs: 1, clients: { lfcc: 0, yWebsocket: 3 } }
relay: { snapshotCache: ${cache}, snapshotCacheRefresh: 1s, snapshotTimeout: 2s }
faults:
  - { at: 10s, leave: { clients: [c1, c2, c3] } }
  - { at: 14s, join: { clients: [c4], doc: d1, server: s2 } }
expect: { converge: { within: 3s }, noDataLoss: true }`;
    const on = await runScenario(parseScenario(yaml(true), "yws-on.yaml"), { seed: 1 });
    expect(failed(on.record)).toEqual([]);
    const off = await runScenario(parseScenario(yaml(false), "yws-off.yaml"), { seed: 1 });
    expect(failed(off.record)).toEqual(["noDataLoss"]);
  });

  it("is deterministic with the cache on: the same seed gives the same trace hash", async () => {
    const scenario = library();
    const a = await runScenario(scenario, { seed: 4 });
    const b = await runScenario(scenario, { seed: 4 });
    expect(b.record.traceHash).toBe(a.record.traceHash);
    expect(a.record.passed).toBe(true);
  });
});
