/**
 * Virtual Redis Cluster (SCENARIOS.md v1.1 "Redis shards"): the relay's sharded bus over masters
 * r1..r3 owning slot ranges. One master down: the documents on the others keep cross-server
 * routing, the lost shard's documents route locally only and catch up after the heal; scenario
 * faults name shards; the library scenario passes and is deterministic.
 */
import { describe, expect, it } from "vitest";
import { evenSlotRanges, hashSlot, ownerOfSlot, toClusterChannel } from "../../relay/bus/cluster-slots.ts";
import { createWorld, type SimWorld } from "../../sim/index.ts";
import { runScenario } from "../../sim/world/run.ts";
import { readFileSync } from "node:fs";
import { parseScenario } from "../../lab/scenario/index.ts";

const SHARDS = evenSlotRanges(3).map((range) => ({ slots: [range] }));
const shardOfDoc = (docId: string) => ownerOfSlot(SHARDS, hashSlot(toClusterChannel(`lfcc:doc:${docId}`)));

/** d-<k>: the first doc id of the form d<i> on shard k. */
function docOnShard(k: number): string {
  for (let i = 1; ; i++) if (shardOfDoc(`d${i}`) === k) return `d${i}`;
}

function textOf(world: SimWorld, client: string): string {
  return world.client(client).doc.getText("text").toString();
}

describe("virtual Redis shards", () => {
  it("keeps the other shards routing while r2 is unreachable, and the lost shard catches up after", async () => {
    const world = createWorld({ seed: 3, keepTrace: true, redisShards: 3 });
    world.addServer("s1");
    world.addServer("s2");
    const onShard = [docOnShard(0), docOnShard(1), docOnShard(2)];
    onShard.forEach((docId, k) => {
      world.addClient(`a${k}`, docId, "s1");
      world.addClient(`b${k}`, docId, "s1");
      world.addClient(`x${k}`, docId, "s2");
    });
    await world.runUntil(2_000);
    const heal = world.redisOutage("r2");
    const insert = (client: string, token: string) => world.client(client).doc.getText("text").insert(0, token);
    for (const k of [0, 1, 2]) insert(`a${k}`, `<a${k}:down>`);
    await world.runUntil(3_500);
    expect(textOf(world, "x0")).toContain("<a0:down>");
    expect(textOf(world, "x2")).toContain("<a2:down>");
    expect(textOf(world, "b1")).toContain("<a1:down>"); // local routing on the lost shard
    expect(textOf(world, "x1")).not.toContain("<a1:down>"); // r2 carries s1 -> s2 for this doc: down
    heal();
    await world.runUntil(8_000);
    expect(textOf(world, "x1")).toContain("<a1:down>");
    for (const docId of onShard) expect(new Set(Object.values(world.replicaDigests(docId))).size).toBe(1);
    // Every master carried traffic; only r2's documents were resynced after the heal.
    const resyncs = world.kernel.trace.events!.filter((e) => e.kind === "relay.event" && e.detail.type === "resync" && e.tMs > 3_500);
    expect(resyncs.length).toBeGreaterThan(0);
    for (const event of resyncs) expect(event.detail.docs).toBe(1);
    for (const node of ["r1", "r2", "r3"]) expect(world.kernel.trace.events!.some((e) => e.node === node)).toBe(true);
    expect(world.kernel.errors).toEqual([]);
  });

  it("restarts one master alone: only its subscriptions are lost", async () => {
    const world = createWorld({ seed: 4, redisShards: 3 });
    world.addServer("s1");
    world.addServer("s2");
    const d = [docOnShard(0), docOnShard(2)];
    d.forEach((docId, i) => {
      world.addClient(`a${i}`, docId, "s1");
      world.addClient(`b${i}`, docId, "s2");
    });
    await world.runUntil(2_000);
    const r1 = world.redisNodes[0]!;
    const r3 = world.redisNodes[2]!;
    expect(r1.numsub(toClusterChannel(`lfcc:doc:${d[0]}`))).toBe(2);
    expect(r3.numsub(toClusterChannel(`lfcc:doc:${d[1]}`))).toBe(2);
    world.redisRestart("r3");
    await world.runUntil(2_050);
    expect(r1.numsub(toClusterChannel(`lfcc:doc:${d[0]}`))).toBe(2);
    expect(r3.numsub(toClusterChannel(`lfcc:doc:${d[1]}`))).toBe(0);
    await world.runUntil(6_000);
    expect(r3.numsub(toClusterChannel(`lfcc:doc:${d[1]}`))).toBe(2);
  });

  it("runs the library scenario redis-shard-outage, passing and with the same trace hash twice", async () => {
    const file = "scenarios/redis-shard-outage.yaml";
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    expect(scenario.topology.redisShards).toBe(3);
    const first = await runScenario(scenario, { seed: 1 });
    const second = await runScenario(scenario, { seed: 1 });
    expect(first.record.passed).toBe(true);
    expect(second.record.traceHash).toBe(first.record.traceHash);
  }, 60_000);
});
