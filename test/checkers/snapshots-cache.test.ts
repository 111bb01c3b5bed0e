/**
 * The snapshots checker and the opt-in snapshot cache: an answer with `source: "cache"` is merged
 * state no single client sent, so it is judged as the fallback it is (like `update: null`): fine
 * when no source was on the document, a violation when one was there all along.
 */
import { describe, expect, it } from "vitest";
import { checkSnapshots } from "../../lab/checkers/snapshots.ts";
import type { MonitorObservations, Observations, SessionObservation, SnapshotObservation } from "../../lab/observations.ts";
import { scenario } from "../sim/scenario-helper.ts";

const story = scenario({ faults: [] });

function session(senderId: string, startMs: number, endMs: number | null): SessionObservation {
  return { client: senderId, docId: "d1", senderId, server: "s1", startMs, endMs, endReason: endMs === null ? null : "leave" };
}

function observe(request: Partial<SnapshotObservation>, sessions: SessionObservation[]): Observations {
  const snapshot: SnapshotObservation = {
    requester: "new", docId: "d1", requestId: "r1", sentMs: 14_000, sourcesAtRequest: [], answeredMs: 14_010, answer: "cache",
    sourcesAtAnswer: [], closedMs: null, foreignAnswers: 0, ...request,
  };
  const monitor = { snapshots: [snapshot], rateLimit: [] } as unknown as MonitorObservations;
  return { quiescenceMs: 0, endMs: 30_000, edits: [], sessions: [session("new", 14_000, null), ...sessions], leaves: [], queueSamples: [], replicaSamples: [], finalReplicas: [], monitor };
}

describe("snapshots checker with cache answers", () => {
  it("a cache answer when every holder had left is correct", () => {
    expect(checkSnapshots(story, observe({}, [session("h", 1000, 10_000)])).passed).toBe(true);
  });

  it("a cache answer while a holder was on the document all along is a violation", () => {
    const result = checkSnapshots(story, observe({ sourcesAtRequest: ["h"], sourcesAtAnswer: ["h"] }, [session("h", 1000, null)]));
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("answered from the snapshot cache although 1 connection(s) with state");
  });

  it("bytes no source sent, without source cache, are still wrong", () => {
    expect(checkSnapshots(story, observe({ answer: "unknown" }, [])).detail).toContain("not the state any source sent");
  });
});
