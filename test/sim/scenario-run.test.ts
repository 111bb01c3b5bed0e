import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { productionRelay, runScenario, type RelayFactory } from "../../sim/index.ts";
import { scenario } from "./scenario-helper.ts";

describe("runScenario", () => {
  it("3 servers / 12 clients / 60 s with an outage, a crash and a partition converges with no data loss", async () => {
    const story = scenario({
      name: "outage-crash-partition",
      durationMs: 60_000,
      topology: { servers: 3, docs: 2, clients: 12 },
      workload: { editsPerSecond: 2, ops: { insertText: 6, deleteText: 2, setMap: 1, presence: 1 } },
      faults: [
        { atMs: 10_000, kind: "redisOutage", forMs: 10_000 },
        { atMs: 25_000, kind: "crash", server: "s2", restartAfterMs: 5_000 },
        { atMs: 40_000, kind: "partition", sides: [["s1", "redis"], ["s2", "s3"]], forMs: 10_000 },
      ],
    });
    const { record, observations } = await runScenario(story, { seed: 1 });
    expect(record.invariants.map((i) => [i.name, i.passed])).toEqual([
      ["converge", true],
      ["noDataLoss", true],
      ["queueBound", true],
      ["noGhostPresence", true],
    ]);
    expect(record.passed).toBe(true);
    // Independently of the checkers: every live replica of a doc is identical and holds every edit.
    for (const docId of ["d1", "d2"]) {
      const finals = observations.finalReplicas.filter((r) => r.docId === docId && r.live);
      const oracle = new Y.Doc();
      for (const edit of observations.edits.filter((e) => e.docId === docId)) Y.applyUpdate(oracle, edit.update);
      const expected = oracle.getText("text").toString();
      for (const replica of finals) {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, replica.state);
        expect(doc.getText("text").toString()).toBe(expected);
        expect(doc.getMap("map").toJSON()).toEqual(oracle.getMap("map").toJSON());
      }
    }
    expect(record.metrics.edits).toBeGreaterThan(1000);
    expect(record.metrics.queuedMax).toBeGreaterThan(0);
    expect(record.metrics.reconnects).toBeGreaterThanOrEqual(4);
    expect(record.metrics.crossServerMessages).toBeGreaterThan(0);
    expect(record.faults!.map((f) => f.kind)).toEqual(["redisOutage", "crash", "partition"]);
    const series = record.timeSeries!;
    expect(series.connectedClients).toHaveLength(series.tMs.length);
    expect(series.queueDepth.s1).toHaveLength(series.tMs.length);
    expect(Math.max(...series.queueDepth.s1)).toBeGreaterThan(0);
    expect(Math.max(...series.divergence.d1)).toBeGreaterThan(1);
    expect(series.divergence.d1.at(-1)).toBe(1);
  }, 120_000);

  it("runs every fault kind in one scenario without uncaught errors", async () => {
    const story = scenario({
      durationMs: 12_000,
      topology: { servers: 3, docs: 1, clients: 5 },
      faults: [
        { atMs: 1_000, kind: "clockSkew", server: "s3", offsetMs: -30_000 },
        { atMs: 1_500, kind: "latency", link: ["c1", "s1"], addMs: 200, jitterMs: 50, forMs: 3_000 },
        { atMs: 2_000, kind: "slowClient", client: "c2", forMs: 2_000 },
        { atMs: 3_000, kind: "disconnect", clients: ["c3"], forMs: 2_000 },
        { atMs: 4_000, kind: "stop", server: "s1", restartAfterMs: 2_000 },
        { atMs: 5_000, kind: "redisRestart" },
        { atMs: 6_000, kind: "join", clients: ["c6", "c7"] },
        { atMs: 7_000, kind: "crash", server: "s2" },
        { atMs: 8_000, kind: "leave", clients: ["c4"] },
        { atMs: 9_000, kind: "redisOutage", forMs: 1_000 },
        { atMs: 9_500, kind: "partition", sides: [["s1"], ["s3"]], forMs: 1_000 },
      ],
    });
    const { record, observations } = await runScenario(story, { seed: 4 });
    expect(record.invariants.filter((i) => !i.passed)).toEqual([]);
    expect(record.faults).toHaveLength(11);
    expect(observations.finalReplicas.map((r) => r.client).sort()).toEqual(["c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
    expect(observations.sessions.some((s) => s.client === "c6")).toBe(true);
  }, 60_000);

  it("a planted bug through relayFactory is caught: a relay that never publishes to Redis does not converge", async () => {
    const deaf: RelayFactory = (options) => {
      const bus = options.redisAdapter;
      bus.publish = () => {};
      return productionRelay(options);
    };
    const story = scenario({ durationMs: 3_000, expect: { converge: { withinMs: 5_000 } } });
    const { record } = await runScenario(story, { seed: 1, relayFactory: deaf });
    expect(record.passed).toBe(false);
    expect(record.invariants[0]).toMatchObject({ name: "converge", passed: false });
  });

  it("reports progress in virtual time", async () => {
    const seen: number[] = [];
    const story = scenario({ durationMs: 2_000, expect: {} });
    await runScenario(story, { seed: 1, onProgress: (virtualMs, endMs) => seen.push(virtualMs / endMs) });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
