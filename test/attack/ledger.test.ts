/**
 * The attack ledger's attribution rules (docs/SCENARIOS-REFERENCE.md), fed by hand: the same calls
 * the simulator's and the chaos runner's hosts make.
 */
import { describe, expect, it } from "vitest";
import { AttackFrameSource } from "../../lab/attack/frames.ts";
import type { AttackerSpec } from "../../lab/attack/kinds.ts";
import { AttackLedger } from "../../lab/attack/ledger.ts";
import { checkAmplification, checkAttackersThrottled, checkNoInjection } from "../../lab/checkers/attack-checkers.ts";
import type { Observations } from "../../lab/observations.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import { RandomForest } from "../../lab/random.ts";

const attacker = (role: AttackerSpec["role"], kind: keyof AttackerSpec["attacks"]): AttackerSpec => ({
  name: "a1", doc: "d1", server: "s1", role, fromMs: 0, forMs: 10_000, rate: 10,
  attacks: { deepJson: 0, garbageUpdate: 0, stateRequestFlood: 0, oversizeFrame: 0, presenceBomb: 0, editAsViewer: 0, [kind]: 1 },
});

function setup(spec: AttackerSpec, clusterSecret = false) {
  let now = 0;
  const ledger = new AttackLedger({ nowMs: () => now, attackers: [spec], windows: [[0, 10_000]], clusterSecret });
  const frames = new AttackFrameSource(spec, { maxFrameBytes: 4096, rateLimitBytesPerSecond: 1 << 20 }, new RandomForest(1).stream("a"), 99);
  ledger.attackerWelcomed("a1", "c-atk");
  return { ledger, frames, tick: (ms: number) => (now += ms) };
}
const obsOf = (ledger: AttackLedger) => ({ attack: ledger.observations() }) as unknown as Observations;

describe("the attack ledger", () => {
  it("an undecodable update or a viewer's edit reaching an honest client is an injection; an editor's decodable one is not", () => {
    const viewer = setup(attacker("viewer", "editAsViewer"));
    const [edit] = viewer.frames.next();
    viewer.ledger.attackerSent("a1", edit!);
    viewer.ledger.honestReceived("c1", { type: "CRDT_UPDATE", senderId: "c-atk", messageId: edit!.messageId, payload: { update: edit!.update!.value } }, edit!.bytes);
    expect(checkNoInjection(obsOf(viewer.ledger))).toMatchObject({ passed: false, detail: expect.stringContaining("c1 got an edit of viewer a1") });

    const editor = setup(attacker("editor", "garbageUpdate"));
    const sent = Array.from({ length: 40 }, () => editor.frames.next()[0]!);
    for (const frame of sent) editor.ledger.attackerSent("a1", frame);
    const hostile = sent.find((f) => f.update?.taint === "hostile")!;
    editor.ledger.honestReceived("c1", { type: "CRDT_UPDATE", senderId: "c-atk", payload: { update: hostile.update!.value } }, hostile.bytes);
    expect(checkNoInjection(obsOf(editor.ledger)).passed).toBe(true);
    const garbage = sent.find((f) => f.update?.taint === "garbage")!;
    editor.ledger.honestReceived("c1", { type: "CRDT_UPDATE", senderId: "c-atk", payload: { update: garbage.update!.value } }, garbage.bytes);
    expect(checkNoInjection(obsOf(editor.ledger)).passed).toBe(false);
  });

  it("what honest clients send while answering an attacker's state request counts where OTHER clients receive it", () => {
    const { ledger, frames } = setup(attacker("viewer", "stateRequestFlood"));
    let request = frames.next()[0]!;
    while (request.type !== "SYNC_STEP1") request = frames.next()[0]!;
    ledger.attackerSent("a1", request);
    const cause = ledger.honestReceived("c1", { type: "SYNC_STEP1", senderId: "c-atk", messageId: request.messageId, payload: { stateVector: "AA==" } }, request.bytes);
    expect(cause).toEqual({ attacker: "a1", kind: "stateRequestFlood" });
    ledger.honestSentBecause(JSON.stringify({ type: "CRDT_UPDATE", payload: { update: "WHOLE-DOC" } }), cause!);
    ledger.honestReceived("c2", { type: "CRDT_UPDATE", senderId: "c-honest", payload: { update: "WHOLE-DOC" } }, 50_000);
    const result = checkAmplification(obsOf(ledger), 3);
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("stateRequestFlood");
    expect(ledger.observations().amplification.stateRequestFlood).toEqual({ sentBytes: request.bytes, causedBytes: 50_000 });
  });

  it("a replayed Redis message is an injection only when relays sign, and only once replayed", () => {
    for (const clusterSecret of [false, true]) {
      const { ledger, tick } = setup(attacker("viewer", "deepJson"), clusterSecret);
      const frame = { type: "CRDT_UPDATE", senderId: "c-7", messageId: "m-1", payload: { update: "AAA=" } };
      ledger.capturedMessage("c-7", "m-1");
      ledger.honestReceived("c1", frame, 40);
      tick(5000);
      ledger.honestReceived("c1", frame, 40); // a duplicate the relay let through, but nobody replayed it
      expect(checkNoInjection(obsOf(ledger)).passed).toBe(true);
      ledger.replayedMessage("c-7", "m-1");
      ledger.honestReceived("c1", frame, 40);
      expect(checkNoInjection(obsOf(ledger)).passed).toBe(!clusterSecret);
    }
  });

  it("attackersThrottled replays the attacker's frames through the relay's own token buckets", () => {
    const { ledger, frames, tick } = setup(attacker("viewer", "oversizeFrame"));
    for (let i = 0; i < 40; i++) {
      tick(50);
      ledger.attackerSent("a1", frames.next()[0]!);
    }
    const scenario = { relay: { rateLimitBurstBytes: 16_384, rateLimitBytesPerSecond: 4096 } } as unknown as Scenario;
    expect(checkAttackersThrottled(scenario, obsOf(ledger)).passed).toBe(false);
    for (let i = 0; i < 30; i++) ledger.attackerReceived("a1", "ERROR", { code: "RATE_LIMITED" });
    expect(checkAttackersThrottled(scenario, obsOf(ledger)).passed).toBe(true);
  });
});
