/**
 * Replay floors (relay/core/replay-guard.ts) on their own: what waits for an echo, what an echo
 * admits, what is dropped and why. The relay-level proof is test/attack/restart-replay.test.ts.
 */
import { describe, expect, it } from "vitest";
import { ReplayGuard, type ReplayVerdict } from "../../relay/core/replay-guard.ts";
import type { RoutedMessage } from "../../relay/protocol/messages.ts";
import { ManualClock, SeededRandom } from "./fakes.ts";

const CONFIG = { heartbeatIntervalMs: 2000, presenceTimeoutMs: 6000, signedHoldMs: 5000, signedFreshnessMs: 30_000 };
const DOC_CHANNEL = "lfcc:doc:d1";

function setup() {
  const clock = new ManualClock();
  const drops: ReplayVerdict[] = [];
  let beatsAsked = 0;
  const guard = new ReplayGuard(CONFIG, clock, new SeededRandom(7), { beatSoon: () => beatsAsked++, drop: (v) => drops.push(v) });
  const delivered: string[] = [];
  const admit = (id: string, from: string, ts: number) =>
    guard.admit(routed("JOIN", from, ts, id), DOC_CHANNEL, 100, () => delivered.push(id));
  /** `from`'s beat echoing our current nonce, stamped `ts` by its clock. */
  const echo = (from: string, ts: number) => guard.onBeat(routed("BEAT", from, ts, `b-${ts}`, { seq: 1, echo: { me: guard.beatFields().nonce } }), "me");
  return { clock, guard, drops, delivered, admit, echo, beatsAsked: () => beatsAsked };
}

function routed(type: string, sourceServerId: string, ts: number, messageId: string, payload: Record<string, unknown> = {}): RoutedMessage {
  return { v: 1, type, docId: "d1", senderId: "c1", messageId, sourceServerId, ts, payload } as RoutedMessage;
}

describe("ReplayGuard", () => {
  it("holds a peer's messages until its echo proves its clock, then delivers them in order", async () => {
    const { clock, guard, delivered, admit, echo, beatsAsked } = setup();
    const start = clock.now();
    await clock.advance(20);
    admit("m1", "s2", start + 10);
    admit("m2", "s2", start + 11);
    expect(delivered).toEqual([]);
    expect(beatsAsked()).toBeGreaterThan(0); // so that s2 hears our nonce now
    echo("s2", start + 12);
    expect(delivered).toEqual(["m1", "m2"]);
    expect(guard.heldMessages).toBe(0);
  });

  it("drops, as unverified, what a sender that never echoes sent (a crashed incarnation being replayed)", async () => {
    const { clock, guard, drops, delivered, admit } = setup();
    admit("captured", "s1-old", clock.now() - 500);
    await clock.advance(CONFIG.signedHoldMs + 1);
    guard.sweep();
    expect(delivered).toEqual([]);
    expect(drops).toEqual(["unverified"]);
  });

  it("judges floors and freshness in the sender's clock: a peer 45 s behind is neither a replay nor stale", async () => {
    const { clock, guard, delivered, drops, admit, echo } = setup();
    const behindMs = -45_000; // further apart than the 30 s freshness window
    echo("s2", clock.now() + behindMs);
    admit("fresh", "s2", clock.now() + behindMs + 1);
    admit("old", "s2", clock.now() + behindMs - 31_000); // 31 s old by s2's own clock
    expect(delivered).toEqual(["fresh"]);
    // Stale by the bound we have: it waits for a bound drawn after it (our clock may have jumped).
    await clock.advance(CONFIG.heartbeatIntervalMs + 1);
    guard.sweep(); // draws the new nonce
    echo("s2", clock.now() + behindMs);
    expect(drops).toEqual(["stale"]);
  });

  it("drops, as replayed, a message sent on a channel before we subscribed to it, once a fresh echo confirms", async () => {
    const { clock, guard, drops, delivered, admit, echo } = setup();
    echo("s2", clock.now());
    await clock.advance(10_000);
    const capturedAt = clock.now() - 3000; // s2 published it 3 s ago; we only subscribe now
    guard.noteSubscribed("d1");
    admit("replay", "s2", capturedAt);
    expect(delivered).toEqual([]); // suspect: waits for an echo of a NEW nonce
    echo("s2", clock.now() + 1);
    expect(delivered).toEqual([]);
    expect(drops).toEqual(["replayed"]);
    admit("live", "s2", clock.now() + 2);
    expect(delivered).toEqual(["live"]);
  });

  it("lets a peer whose clock stepped back through after its fresh echo (held, not lost)", async () => {
    const { clock, guard, delivered, drops, admit, echo } = setup();
    echo("s2", clock.now());
    await clock.advance(10_000);
    guard.noteSubscribed("d1");
    const stepBackMs = 4000;
    admit("after-step", "s2", clock.now() - stepBackMs + 5); // sent after our subscription, by a clock 4 s back
    expect(delivered).toEqual([]);
    await clock.advance(10); // the echo, sent after the message, arrives 10 ms later
    echo("s2", clock.now() - 10 - stepBackMs + 6); // the fresh echo shows the new offset
    expect(delivered).toEqual(["after-step"]);
    expect(drops).toEqual([]);
  });

  it("ignores an echo of an old nonce (a captured beat cannot lower a floor)", async () => {
    const { clock, guard, delivered, admit } = setup();
    const oldNonce = guard.beatFields().nonce;
    admit("m", "s2", clock.now() - 100);
    await clock.advance(CONFIG.heartbeatIntervalMs + 1);
    guard.noteSubscribed("d1");
    admit("suspect", "s2", clock.now() - 100); // no bound yet: both wait
    guard.onBeat(routed("BEAT", "s2", clock.now() - 60_000, "b", { seq: 1, echo: { me: oldNonce + "x" } }), "me");
    expect(delivered).toEqual([]);
  });

  it("asks for an early beat when a peer's nonce is news, and echoes the peers it heard", () => {
    const { guard, beatsAsked } = setup();
    guard.onBeat(routed("BEAT", "s2", 1, "b1", { seq: 1, nonce: "n2" }), "me");
    expect(beatsAsked()).toBe(1);
    guard.onBeat(routed("BEAT", "s2", 2, "b2", { seq: 2, nonce: "n2" }), "me");
    expect(beatsAsked()).toBe(1);
    expect(guard.beatFields().echo).toEqual({ s2: "n2" });
  });

  it("keeps its floors when its own clock steps back (they live in the peers' clocks)", async () => {
    const { clock, guard, delivered, drops, admit, echo } = setup();
    echo("s2", clock.now());
    await clock.advance(1000);
    guard.noteSubscribed("d1");
    const subscribedAt = clock.now(); // s2's clock agrees with ours so far
    const skewed = clock as unknown as { nowMs: number };
    skewed.nowMs -= 3000; // our clock steps back 3 s: s2 now looks 3 s ahead
    echo("s2", subscribedAt + 5); // s2's fresh beats say so
    admit("live", "s2", subscribedAt + 10); // sent by s2 after we subscribed
    expect(delivered).toEqual(["live"]);
    expect(drops).toEqual([]);
  });

  it("never holds a peer's live traffic behind suspects (a replayer sending stale copies all the time)", async () => {
    const { clock, delivered, admit, echo } = setup();
    echo("s2", clock.now());
    await clock.advance(60_000);
    admit("stale-copy", "s2", clock.now() - 40_000); // waits for a fresh bound
    admit("live", "s2", clock.now());
    expect(delivered).toEqual(["live"]);
  });
});
