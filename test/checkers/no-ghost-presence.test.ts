import { describe, expect, it } from "vitest";
import { checkNoGhostPresence, runCheckers } from "../../lab/checkers/index.ts";
import type { LeaveObservation } from "../../lab/observations.ts";
import { observations, scenario, session } from "./world.ts";

const WITHIN_MS = 5_000;

function leave(tMs: number, observer: string, senderId: string): LeaveObservation {
  return { tMs, observer, docId: "d1", senderId };
}

/** c3 (senderId "x3") loses its connection at 8s while c1 and c2 watch from start to end. */
const sessions = [
  session("c1", "x1", 0, null),
  session("c2", "x2", 0, null, { server: "s2" }),
  session("c3", "x3", 500, 8_000, { server: "s2", endReason: "crash" }),
];

describe("noGhostPresence", () => {
  it("passes when every watcher saw LEAVE in time", () => {
    const obs = observations({ sessions, leaves: [leave(9_000, "c1", "x3"), leave(12_900, "c2", "x3")] });
    expect(checkNoGhostPresence(obs, WITHIN_MS)).toEqual({
      name: "noGhostPresence",
      passed: true,
      detail: "1 ended sessions reported LEFT within 5s",
    });
  });

  it("fails when a watcher never saw LEAVE, naming observer, sender, end and reason", () => {
    const obs = observations({ sessions, leaves: [leave(9_000, "c1", "x3")] });
    const result = checkNoGhostPresence(obs, WITHIN_MS);
    expect(result.passed).toBe(false);
    expect(result.detail).toBe(
      "1 ghosts: c2 (on s2) never saw LEAVE for c3's senderId x3 (d1, session on s2 ended at 8s: crash; deadline 13s)",
    );
  });

  it("fails when LEAVE came after the deadline", () => {
    const obs = observations({ sessions, leaves: [leave(9_000, "c1", "x3"), leave(13_500, "c2", "x3")] });
    const result = checkNoGhostPresence(obs, WITHIN_MS);
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("c2 (on s2) saw LEAVE only at 13.5s");
  });

  it("exempts a watcher that itself reconnected in the window, and one that joined after the end", () => {
    const reconnecting = [
      session("c1", "x1", 0, null),
      session("c2", "x2", 0, 10_000, { server: "s2" }),
      session("c2", "x2b", 10_200, null),
      session("c4", "x4", 8_500, null),
      session("c3", "x3", 500, 8_000, { server: "s2" }),
    ];
    // c2 and c4 never saw x3 leave: c2 is exempt (its own session broke at 10s, inside the
    // window), c4 connected after x3 was gone. c2's own ended session x2 is reported properly.
    const leaves = [leave(9_000, "c1", "x3"), leave(11_000, "c1", "x2"), leave(11_000, "c4", "x2")];
    expect(checkNoGhostPresence(observations({ sessions: reconnecting, leaves }), WITHIN_MS).passed).toBe(true);
    // Without c4's LEAVE for x2, c4 (which did watch x2) holds a ghost.
    const result = checkNoGhostPresence(observations({ sessions: reconnecting, leaves: leaves.slice(0, 2) }), WITHIN_MS);
    expect(result.passed).toBe(false);
    expect(result.detail).toBe(
      "1 ghosts: c4 (on s1) never saw LEAVE for c2's senderId x2 (d1, session on s2 ended at 10s: disconnect; deadline 15s)",
    );
  });

  it("does not judge sessions that ended too close to the end of the run", () => {
    const late = [session("c1", "x1", 0, null), session("c3", "x3", 500, 27_000)];
    const result = checkNoGhostPresence(observations({ sessions: late, endMs: 30_000 }), WITHIN_MS);
    expect(result).toEqual({
      name: "noGhostPresence",
      passed: true,
      detail: "0 ended sessions reported LEFT within 5s; 1 ended too close to the end to judge",
    });
  });

  it("with peersSeen recorded, judges only observers that learned of the sender", () => {
    const leaves = [leave(9_000, "c1", "x3")];
    // c2 never heard of x3 (say Redis was down for x3's whole life): no ghost in its view.
    const onlyC1Saw = observations({ sessions, leaves, peersSeen: [leave(600, "c1", "x3")] });
    expect(checkNoGhostPresence(onlyC1Saw, WITHIN_MS).passed).toBe(true);
    // c2 did hear of x3 and was never told it left: a ghost.
    const bothSaw = observations({ sessions, leaves, peersSeen: [leave(600, "c1", "x3"), leave(700, "c2", "x3")] });
    const result = checkNoGhostPresence(bothSaw, WITHIN_MS);
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("c2 (on s2) never saw LEAVE for c3's senderId x3");
  });

  it("starts an observer's window when it first heard of the sender, if that was after the end", () => {
    // c2 learns of x3 only at 14 s (a JOIN queued during a Redis outage, flushed at the heal): it
    // shows x3 as present from 14 s, so the LEAVE is due by 19 s, not by 13 s.
    const heardLate = (c2LeaveMs: number) =>
      observations({ sessions, leaves: [leave(9_000, "c1", "x3"), leave(c2LeaveMs, "c2", "x3")], peersSeen: [leave(600, "c1", "x3"), leave(14_000, "c2", "x3")] });
    expect(checkNoGhostPresence(heardLate(14_001), WITHIN_MS).passed).toBe(true);
    const stillGhost = checkNoGhostPresence(heardLate(19_500), WITHIN_MS);
    expect(stillGhost.passed).toBe(false);
    expect(stillGhost.detail).toContain("c2 (on s2) saw LEAVE only at 19.5s");
    expect(stillGhost.detail).toContain("deadline 19s");
  });

  it("does not hold an observer to what an earlier session of the same client knew", () => {
    // c2's first session heard of x3, then c2 reconnected at 7.9 s (a fresh WELCOME without x3)
    // just before x3's end at 8 s: its current session never shows x3, so no LEAVE is owed.
    const reconnected = [session("c1", "x1", 0, null), session("c2", "x2", 0, 7_800, { server: "s2" }), session("c2", "x2b", 7_900, null, { server: "s2" }), sessions[2]!];
    const knewBefore = observations({ sessions: reconnected, leaves: [leave(9_000, "c1", "x3")], peersSeen: [leave(600, "c1", "x3"), leave(700, "c2", "x3")] });
    expect(checkNoGhostPresence(knewBefore, WITHIN_MS).passed).toBe(true);
    const toldAgain = observations({ sessions: reconnected, leaves: [leave(9_000, "c1", "x3")], peersSeen: [leave(600, "c1", "x3"), leave(7_950, "c2", "x3")] });
    expect(checkNoGhostPresence(toldAgain, WITHIN_MS).passed).toBe(false);
  });

  it("moves a slow client's deadline back by the time it was not reading (slowClient fault)", () => {
    const expectGhosts = scenario({ noGhostPresence: { withinMs: WITHIN_MS } }, [{ atMs: 9_000, kind: "slowClient", client: "c2", forMs: 3_000 }]);
    const judge = (c2LeaveMs: number) => runCheckers(expectGhosts, observations({ sessions, leaves: [leave(9_000, "c1", "x3"), leave(c2LeaveMs, "c2", "x3")] }))[0]!;
    expect(judge(15_500).passed).toBe(true); // deadline 13 s + 3 s not reading = 16 s
    const late = judge(16_500);
    expect(late.passed).toBe(false);
    expect(late.detail).toContain("c2 (on s2) saw LEAVE only at 16.5s");
    expect(late.detail).toContain("deadline 16s");
  });
});
