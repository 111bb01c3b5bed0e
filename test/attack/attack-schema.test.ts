/** The attack additions of SCENARIOS.md v1.1 in scenario files: defaults, errors with positions, round trip. */
import { describe, expect, it } from "vitest";
import { parseScenario, toScenarioDocument, validateScenario } from "../../lab/scenario/index.ts";
import { errorsOf, VALID } from "../scenario/helpers.ts";

const ATTACKERS = `attackers:
  - doc: d2
    server: s2
    from: 5s
    for: 10s
    rate: 20
    attacks: { deepJson: 1, stateRequestFlood: 2 }
  - name: mallory
    role: editor
    rate: 5
    attacks: { garbageUpdate: 1 }
`;
const withAttack = (extra: string) => VALID.replace("faults:\n", `${extra}faults:\n  - at: 8s\n    redisInject: { forge: true, for: 10s }\n`);

describe("attackers and redisInject in scenario files", () => {
  it("fill in every default (a1..aN, d1, s1, viewer, the rest of the run)", () => {
    const scenario = parseScenario(withAttack(ATTACKERS).replace("noDataLoss: true", "noDataLoss: true\n  noCrash: true\n  amplification: { max: 3 }\n  honestLatency: { p99: 1s }"), "x.yaml");
    expect(scenario.attackers).toEqual([
      { name: "a1", doc: "d2", server: "s2", role: "viewer", fromMs: 5000, forMs: 10_000, rate: 20,
        attacks: { deepJson: 1, garbageUpdate: 0, stateRequestFlood: 2, oversizeFrame: 0, presenceBomb: 0, editAsViewer: 0 } },
      { name: "mallory", doc: "d1", server: "s1", role: "editor", fromMs: 0, forMs: 30_000, rate: 5,
        attacks: { deepJson: 0, garbageUpdate: 1, stateRequestFlood: 0, oversizeFrame: 0, presenceBomb: 0, editAsViewer: 0 } },
    ]);
    expect(scenario.faults.find((f) => f.kind === "redisInject")).toEqual({ atMs: 8000, kind: "redisInject", replay: true, forge: true, forMs: 10_000 });
    expect(scenario.expect).toMatchObject({ noCrash: true, amplification: { max: 3 }, honestLatency: { p99Ms: 1000 } });
  });

  it("survive the failure-file form unchanged", () => {
    const scenario = parseScenario(withAttack(ATTACKERS), "x.yaml");
    expect(validateScenario(toScenarioDocument(scenario), "replay.json")).toEqual(scenario);
  });

  it("are rejected with file:line:col and the valid names", () => {
    const bad = `attackers:
  - doc: d9
    server: s1
    rate: 5
    attacks: { deepJsn: 1 }
  - role: editor
    rate: 1
    attacks: { editAsViewer: 1 }
`;
    expect(errorsOf(withAttack(bad))).toEqual([
      'scenarios/x.yaml:12:16: attackers[0].attacks.deepJsn: unknown attack kind "deepJsn" (did you mean "deepJson"?) (attack kinds: deepJson, garbageUpdate, stateRequestFlood, oversizeFrame, presenceBomb, editAsViewer)',
    ]);
    expect(errorsOf(withAttack(bad.replace("deepJsn", "deepJson")))).toEqual([
      'scenarios/x.yaml:9:10: attackers[0].doc: unknown doc "d9" (docs: d1, d2)',
      "scenarios/x.yaml:15:30: attackers[1].attacks.editAsViewer: editAsViewer needs role: viewer (an editor's edits are allowed)",
    ]);
  });

  it("a redisInject that neither replays nor forges is refused", () => {
    const text = VALID.replace("faults:\n", "faults:\n  - at: 1s\n    redisInject: { replay: false, for: 2s }\n");
    expect(errorsOf(text)).toEqual(["scenarios/x.yaml:10:18: faults[0].redisInject: redisInject needs replay: true or forge: true (or both)"]);
  });
});
