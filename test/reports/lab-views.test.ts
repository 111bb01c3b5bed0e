/**
 * The lab views the reports draw: who each client believes present (lab/presence.ts), from the
 * checkers' own observations, and the sim-vs-chaos fidelity comparison (lab/fidelity.ts).
 */
import { describe, expect, it } from "vitest";
import { compareFidelity, spreadOf } from "../../lab/fidelity.ts";
import type { Observations } from "../../lab/observations.ts";
import { presenceTimeline } from "../../lab/presence.ts";
import { runRecord } from "./fixtures.ts";

function observations(): Observations {
  const session = (client: string, senderId: string, startMs: number, endMs: number | null) => ({ client, docId: "d1", senderId, server: "s1", startMs, endMs, endReason: endMs === null ? null : "crash" });
  const at = (tMs: number, observer: string, senderId: string) => ({ tMs, observer, docId: "d1", senderId });
  return {
    quiescenceMs: 10_000,
    endMs: 30_000,
    edits: [],
    // c3 crashes at 5 s and comes back as c3b at 6 s; c2 reconnects at 20 s (forgetting everyone).
    sessions: [session("c1", "a", 0, null), session("c2", "b", 0, 20_000), session("c3", "c", 0, 5_000), session("c3", "cb", 6_000, null), session("c2", "b2", 20_100, null)],
    peersSeen: [at(10, "c1", "b"), at(10, "c1", "c"), at(6_100, "c1", "cb"), at(12, "c2", "a"), at(12, "c2", "c"), at(20_100, "c2", "a"), at(20_100, "c2", "cb"), at(20_150, "c1", "b2")],
    leaves: [at(5_300, "c1", "c"), at(20_050, "c1", "b")],
    queueSamples: [],
    replicaSamples: [],
    finalReplicas: [],
  };
}

describe("presenceTimeline", () => {
  const timeline = presenceTimeline(observations(), 15_000);
  const of = (observer: string) => timeline.beliefs.filter((b) => b.observer === observer).map((b) => [b.peer, b.fromMs, b.toMs, b.peerEndMs]);

  it("follows JOIN/WELCOME and LEAVE per session, keeping when the peer really left", () => {
    expect(of("c1")).toEqual([
      ["c2", 10, 20_050, 20_000],
      ["c3", 10, 5_300, 5_000],
      ["c3", 6_100, 30_000, null],
      ["c2", 20_150, 30_000, null],
    ]);
  });

  it("ends every belief when the observer's own connection ends (a ghost only while it stays connected)", () => {
    // c2 never saw c3's LEAVE: it still showed c3 until its own reconnect at 20 s (15 s after c3 left).
    expect(of("c2")).toEqual([
      ["c1", 12, 20_000, null],
      ["c3", 12, 20_000, 5_000],
      ["c1", 20_100, 30_000, null],
      ["c3", 20_100, 30_000, null],
    ]);
    expect(timeline.ghostWithinMs).toBe(15_000);
  });
});

describe("compareFidelity", () => {
  it("sets each chaos metric against the sim spread over seeds and flags values outside it", () => {
    const sim = [1, 2, 3].map((seed) => runRecord({ scenario: "s", seed, mode: "sim", metrics: { ...runRecord({ scenario: "s", seed, mode: "sim" }).metrics, reconnects: seed, convergenceMs: 100 * seed } }));
    const chaos = runRecord({ scenario: "s", seed: 1, mode: "chaos", metrics: { ...sim[0]!.metrics, reconnects: 9, convergenceMs: 200 } });
    const [comparison] = compareFidelity([...sim, chaos, runRecord({ scenario: "sim-only", seed: 1, mode: "sim" })]);
    expect(comparison!.scenario).toBe("s");
    const row = (key: string) => comparison!.rows.find((r) => r.metric.key === key)!;
    expect(row("reconnects")).toMatchObject({ sim: { n: 3, min: 1, median: 2, max: 3 }, chaos: [9], outside: true, ratio: 4.5 });
    expect(row("convergenceMs")).toMatchObject({ sim: { min: 100, median: 200, max: 300 }, chaos: [200], outside: false, ratio: 1 });
    expect(row("edits").outside).toBe(false);
  });

  it("takes the median of an even count as the mean of the middle two", () => {
    expect(spreadOf([4, 1, 3, 2])).toEqual({ n: 4, min: 1, median: 2.5, max: 4 });
    expect(spreadOf([])).toBeNull();
  });
});
