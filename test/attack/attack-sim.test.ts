/**
 * Attackers and the Redis injector in the simulator: runs are deterministic (same trace hash
 * twice), and an exception escaping a relay callback is a crash of that server (noCrash).
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../lab/scenario/index.ts";
import { productionRelay, runScenario, type RelayFactory } from "../../sim/index.ts";

const SMALL = parseScenario(`name: small-attack
duration: 5s
topology: { servers: 2, docs: 1, clients: 3 }
relay: { clusterSecret: s3cret, maxFrameBytes: 16KiB }
attackers:
  - { server: s1, from: 1s, for: 3s, rate: 15, attacks: { deepJson: 1, garbageUpdate: 1, stateRequestFlood: 1, oversizeFrame: 1, presenceBomb: 1, editAsViewer: 1 } }
  - { server: s2, role: editor, from: 1s, for: 3s, rate: 10, attacks: { garbageUpdate: 1, stateRequestFlood: 1 } }
faults:
  - at: 2s
    redisInject: { replay: true, forge: true, for: 2s }
expect:
  noCrash: true
  noInjection: true
  amplification: { max: 3 }
  attackersThrottled: true
`, "small-attack.yaml");

describe("attacks in the simulator", () => {
  it("are deterministic: the same seed gives the same trace hash", async () => {
    const first = await runScenario(SMALL, { seed: 7 });
    const second = await runScenario(SMALL, { seed: 7 });
    expect(second.record.traceHash).toBe(first.record.traceHash);
    expect(first.record.invariants.map((i) => i.name)).toEqual(expect.arrayContaining(["noCrash", "noInjection", "amplification", "attackersThrottled"]));
    const attack = first.observations.attack!;
    expect(attack.sessions.map((s) => s.attacker).sort()).toEqual(["a1", "a2"]);
    expect(Object.keys(attack.amplification).sort()).toEqual(expect.arrayContaining(["garbageUpdate", "stateRequestFlood"]));
    expect(attack.replayed).toBeGreaterThan(0);
    expect(attack.forged).toBeGreaterThan(0);
  });

  it("an exception escaping a relay timer crashes that server and fails noCrash", async () => {
    const throwingTimer: RelayFactory = (options) => {
      const relay = productionRelay(options);
      if (options.serverId.startsWith("s2.")) options.ports.clock.setTimeout(() => { throw new RangeError("Maximum call stack size exceeded"); }, 1500);
      return relay;
    };
    const { record, observations } = await runScenario(SMALL, { seed: 7, relayFactory: throwingTimer });
    expect(observations.crashes).toEqual([expect.objectContaining({ server: "s2", tMs: 1500, message: "Maximum call stack size exceeded" })]);
    expect(record.invariants.find((i) => i.name === "noCrash")).toMatchObject({ passed: false, detail: expect.stringContaining("s2 at 1.5s") });
    // The crashed server stays down: its clients' sessions ended with the crash.
    expect(observations.sessions.some((s) => s.server === "s2" && s.endReason === "crash")).toBe(true);
  });
});
