/**
 * Each fault kind in isolation, through the programmatic world API: what it must visibly do.
 */
import { describe, expect, it } from "vitest";
import { createWorld, type SimWorld } from "../../sim/index.ts";
import { SIM_EPOCH_MS } from "../../sim/kernel/clock.ts";
import type { SimClient } from "../../sim/world/client.ts";

const WORKLOAD = { editsPerSecond: 4, ops: { insertText: 6, deleteText: 2, setMap: 1, presence: 1 } };

/** s1, s2; c1 and c3 on s1, c2 on s2, one doc; editing until `editUntilMs`. */
function smallWorld(seed = 1, editUntilMs = 6_000): SimWorld {
  const world = createWorld({ seed, keepTrace: true });
  world.addServer("s1");
  world.addServer("s2");
  for (const [client, server] of [["c1", "s1"], ["c2", "s2"], ["c3", "s1"]] as const) {
    world.addClient(client, "d1", server);
    world.startWorkload(client, WORKLOAD, editUntilMs);
  }
  return world;
}

function converged(world: SimWorld, docId = "d1"): boolean {
  return new Set(Object.values(world.replicaDigests(docId))).size === 1;
}

function textOf(world: SimWorld, client: string): string {
  return world.client(client).doc.getText("text").toString();
}

function eventsOf(world: SimWorld, node: string, kind: string, fromMs = 0) {
  return world.kernel.trace.events!.filter((e) => e.node === node && e.kind === kind && e.tMs >= fromMs);
}

describe("fault kinds in isolation", () => {
  it("crash: no goodbye, timers dead, clients move to a healthy server, peers get LEAVE, restart has a new serverId", async () => {
    const world = smallWorld();
    const firstId = world.server("s2").serverId;
    world.at(2_000, () => world.crash("s2"));
    world.at(4_000, () => world.startServer("s2"));
    await world.runUntil(2_000);
    const c2Before = world.observer.sessions.find((s) => s.client === "c2")!;
    await world.runUntil(3_900);
    // The crashed process ran nothing: no relay events or logs from s2 between crash and restart.
    expect(eventsOf(world, "s2", "relay.event", 2_001).filter((e) => e.tMs < 4_000)).toEqual([]);
    expect(eventsOf(world, "s2", "log", 2_001).filter((e) => e.tMs < 4_000)).toEqual([]);
    expect(c2Before.endReason).toBe("crash");
    const c2After = world.observer.sessions.filter((s) => s.client === "c2" && s.startMs > 2_000);
    expect(c2After[0]?.server).toBe("s1");
    await world.runUntil(20_000);
    // Reported by presence expiry (no goodbye from a dead server), within PROTOCOL.md's 15 s.
    const leaves = world.observer.leaves.filter((l) => l.senderId === c2Before.senderId && l.observer !== "c2");
    expect(leaves.map((l) => l.observer).sort()).toEqual(["c1", "c3"]);
    for (const leave of leaves) expect(leave.tMs).toBeLessThan(2_000 + 15_000);
    expect(world.server("s2").serverId).not.toBe(firstId);
    expect(converged(world)).toBe(true);
    expect(world.kernel.errors).toEqual([]);
  });

  it("stop: graceful close (1001) and clients reconnect elsewhere", async () => {
    const world = smallWorld();
    world.at(2_000, () => world.stop("s2"));
    await world.runUntil(15_000);
    const c2 = world.observer.sessions.filter((s) => s.client === "c2");
    expect(c2[0].endReason).toBe("stop");
    expect(c2[1]?.server).toBe("s1");
    expect(world.server("s2").isUp).toBe(false);
    expect(converged(world)).toBe(true);
  });

  it("redisOutage: the outage queue fills, then drains, and replicas converge after the heal", async () => {
    const world = smallWorld();
    world.at(1_000, () => {
      const heal = world.redisOutage();
      world.at(4_000, heal);
    });
    await world.runUntil(3_900);
    const during = world.observer.queueSamples.filter((q) => q.tMs > 1_000 && q.tMs < 4_000);
    expect(Math.max(...during.map((q) => q.depthMessages))).toBeGreaterThan(0);
    expect(converged(world)).toBe(false);
    await world.runUntil(16_000);
    expect(world.observer.queueDepth.get("s1")).toBe(0);
    expect(converged(world)).toBe(true);
  });

  it("redisRestart: subscriptions are lost, the relays re-subscribe, replicas converge", async () => {
    const world = smallWorld();
    let numsubAfterRestart = -1;
    world.at(2_000, () => {
      world.redisRestart();
      numsubAfterRestart = world.redis.numsub("lfcc:doc:d1");
    });
    await world.runUntil(16_000);
    expect(numsubAfterRestart).toBe(0);
    expect(world.redis.numsub("lfcc:doc:d1")).toBe(2);
    expect(converged(world)).toBe(true);
  });

  it("partition: servers cut from Redis diverge, then converge after the heal", async () => {
    const world = smallWorld();
    world.at(1_000, () => {
      const heal = world.partition([["s1", "redis"], ["s2"]]);
      world.at(4_000, heal);
    });
    await world.runUntil(3_900);
    expect(converged(world)).toBe(false);
    expect(world.redis.numsub("lfcc:doc:d1")).toBe(1);
    await world.runUntil(16_000);
    expect(converged(world)).toBe(true);
  });

  it("disconnect: the client keeps editing offline (local-first), reconnects and catches up", async () => {
    const world = smallWorld();
    world.at(1_000, () => {
      const heal = world.disconnect(["c2"]);
      world.at(4_000, heal);
    });
    await world.runUntil(16_000);
    const offlineEdits = world.observer.edits.filter((e) => e.client === "c2" && e.tMs > 1_050 && e.tMs < 4_000);
    expect(offlineEdits.length).toBeGreaterThan(3);
    const c2 = world.observer.sessions.filter((s) => s.client === "c2");
    expect(c2[0].endReason).toBe("disconnect");
    expect(c2.length).toBeGreaterThan(1);
    expect(converged(world)).toBe(true);
    expect(textOf(world, "c1")).toBe(textOf(world, "c2"));
  });

  it("latency: an extra delay on one link shows in delivery latency", async () => {
    const world = smallWorld(3, 12_000);
    world.at(6_000, () => {
      const heal = world.latency("c2", "s2", 400, 0);
      world.at(12_000, heal);
    });
    await world.runUntil(12_000);
    const series = world.timeSeries.series;
    const maxIn = (fromMs: number, toMs: number) =>
      Math.max(...series.tMs.map((t, i) => (t > fromMs && t <= toMs ? series.deliveryLatencyMs.max[i] : 0)));
    expect(maxIn(1_000, 6_000)).toBeLessThan(100);
    expect(maxIn(6_500, 12_000)).toBeGreaterThan(400);
  });

  it("slowClient: bytes pile up in the server's socket buffer, then drain", async () => {
    const world = smallWorld();
    let bufferedDuring = 0;
    world.at(1_000, () => {
      const heal = world.slowClient("c3");
      world.at(3_000, () => {
        bufferedDuring = world.client("c3").unreadBytes;
        heal();
      });
    });
    await world.runUntil(12_000);
    expect(bufferedDuring).toBeGreaterThan(1_000);
    expect(world.client("c3").unreadBytes).toBe(0);
    expect(converged(world)).toBe(true);
  });

  it("clockSkew: the skewed server stamps frames with its own time, others do not", async () => {
    const world = smallWorld();
    world.clockSkew("s2", 60_000);
    const welcomeSkew = (client: string) =>
      new Promise<number>((resolve) =>
        (world.client(client) as SimClient).provider.on("message", (frame) => {
          if (frame.type === "WELCOME") resolve(frame.ts - (SIM_EPOCH_MS + world.nowMs));
        }),
      );
    const [onSkewed, onNormal] = [welcomeSkew("c2"), welcomeSkew("c1")];
    await world.runUntil(3_000);
    expect(await onSkewed).toBeGreaterThan(59_000);
    expect(Math.abs(await onNormal)).toBeLessThan(50);
    expect(converged(world)).toBe(true);
  });

  it("join and leave: a newcomer catches up; the leaver is reported LEFT and no longer judged", async () => {
    const world = smallWorld();
    world.at(2_000, () => world.addClient("c4", "d1", "s2"));
    world.at(3_000, () => world.leave(["c1"]));
    await world.runUntil(15_000);
    const c1Sender = world.observer.sessions.find((s) => s.client === "c1")!.senderId;
    expect(new Set(world.observer.leaves.filter((l) => l.senderId === c1Sender).map((l) => l.observer))).toEqual(new Set(["c2", "c3", "c4"]));
    expect(Object.keys(world.replicaDigests("d1")).sort()).toEqual(["c2", "c3", "c4"]);
    expect(converged(world)).toBe(true);
    expect(textOf(world, "c4").length).toBeGreaterThan(0);
    expect(world.observations(6_000).finalReplicas.find((r) => r.client === "c1")!.live).toBe(false);
  });
});
