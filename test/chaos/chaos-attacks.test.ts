/**
 * Attackers and the Redis injector against real infrastructure: the lab's attack code (the same
 * that runs in the simulator) drives real `ws` sockets with real JWT roles and a real ioredis
 * publisher, and the ledger judges what real relays did. The assertions are about the machinery
 * (every attacker got in with its role, the injector captured and republished, the attack
 * invariants were judged), not about the relay's verdict, which depends on PROTOCOL.md section 8.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runChaos } from "../../chaos/run.ts";
import { chaosAvailable, useChaosServices } from "./services-available.ts";

describe.runIf(chaosAvailable)("attacks in chaos mode", () => {
  const services = useChaosServices();

  test("viewer and editor attackers and a replaying, forging Redis publisher run against real relays", async () => {
    const scenario = parseScenario(readFileSync(new URL("./fixtures/attacks.yaml", import.meta.url), "utf8"), "attacks.yaml");
    const { record, observations } = await runChaos(scenario, { services: services() });
    const attack = observations.attack!;
    expect(new Set(attack.sessions.map((s) => s.attacker))).toEqual(new Set(["a1", "a2"]));
    expect(attack.sessions.every((s) => s.frames.length > 0)).toBe(true);
    expect(attack.replayed + attack.forged).toBeGreaterThan(0);
    expect(observations.crashes).toEqual([]);
    // The viewer's edits were refused by the real relay (JWT role viewer): no edit of a1 reached anyone.
    expect(attack.injections.filter((i) => i.what.includes("edit of viewer a1"))).toEqual([]);
    expect(record.invariants.map((i) => i.name)).toEqual(["converge", "noCrash", "noInjection", "amplification", "attackersThrottled"]);
  }, 90_000);
});
