import { describe, expect, it } from "vitest";
import { parseScenario, toScenarioYaml } from "../../lab/scenario/index.ts";
import { VALID } from "./helpers.ts";

const parse = (text: string) => parseScenario(text, "x.yaml");

describe("a valid scenario is normalized", () => {
  it("fills every default", () => {
    expect(parse(VALID)).toEqual({
      name: "demo",
      description: "two servers, one crash",
      seed: 1,
      durationMs: 30_000,
      topology: { servers: 2, docs: 2, clients: 4 },
      relay: {},
      workload: { editsPerSecond: 2, ops: { insertText: 6, deleteText: 2, setMap: 1, presence: 1 } },
      network: { latency: { baseMs: 2, jitterMs: 3 } },
      faults: [{ atMs: 5000, kind: "crash", server: "s2", restartAfterMs: 3000 }],
      expect: { converge: { withinMs: 10_000 }, noDataLoss: true },
    });
  });

  it("maps relay overrides onto RelayConfig field names", () => {
    const relay = `relay:
  queue: { maxMessages: 200, maxBytes: 1MiB }
  snapshotTimeout: 2s
  batching: false
  heartbeatInterval: 1s
  presenceTimeoutMs: 4000
  dedupWindowMs: 30s
  maxFrameBytes: 64KiB
  rateLimitBurstMessages: 300
`;
    expect(parse(VALID + relay).relay).toEqual({
      queueMaxMessages: 200, queueMaxBytes: 1_048_576, snapshotTimeoutMs: 2000, enableBatching: false,
      heartbeatIntervalMs: 1000, presenceTimeoutMs: 4000, dedupWindowMs: 30_000, maxFrameBytes: 65_536, rateLimitBurstMessages: 300,
    });
  });

  it("partial op weights leave the others at 0; `true` invariants get their default bound", () => {
    const scenario = parse(VALID.replace("expect:\n  converge: { within: 10s }", "workload:\n  ops: { insertText: 1 }\nexpect:\n  converge: true\n  noGhostPresence: true"));
    expect(scenario.workload).toEqual({ editsPerSecond: 2, ops: { insertText: 1, deleteText: 0, setMap: 0, presence: 0 } });
    expect(scenario.expect).toEqual({ converge: { withinMs: 10_000 }, noDataLoss: true, noGhostPresence: { withinMs: 15_000 } });
  });

  it("resolves join/leave counts to names in time order", () => {
    const faults = `faults:
  - at: 9s
    leave: { clients: 2 }
  - at: 2s
    join: { clients: 2, doc: d2, server: s1 }
  - at: 4s
    leave: { clients: [c2] }
  - at: 6s
    join: { clients: [c9] }
  - at: 8s
    join: { clients: 1 }
`;
    const scenario = parse(VALID.replace(/faults:\n(?: {2}.*\n)*/, faults));
    expect(scenario.faults).toEqual([
      { atMs: 9000, kind: "leave", clients: ["c10", "c9"] },
      { atMs: 2000, kind: "join", clients: ["c5", "c6"], doc: "d2", server: "s1" },
      { atMs: 4000, kind: "leave", clients: ["c2"] },
      { atMs: 6000, kind: "join", clients: ["c9"] },
      { atMs: 8000, kind: "join", clients: ["c10"] },
    ]);
  });

  it("accepts every fault kind of SCENARIOS.md", () => {
    const faults = `faults:
  - { at: 1s, crash: { server: s1, restartAfter: 2s } }
  - { at: 1s, stop: { server: s2 } }
  - { at: 2s, redisOutage: { for: 3s } }
  - { at: 3s, redisRestart: }
  - { at: 4s, partition: { sides: [[s1, redis], [s2, c1]], for: 2s } }
  - { at: 5s, disconnect: { clients: [c1, c2], for: 1s } }
  - { at: 6s, latency: { link: [c3, s1], add: 200ms, jitter: 50ms, for: 2s } }
  - { at: 7s, slowClient: { client: c4, for: 2s } }
  - { at: 8s, clockSkew: { server: s1, offset: -1500ms } }
  - { at: 9s, join: { clients: 1 } }
  - { at: 10s, leave: { clients: [c5] } }
`;
    const scenario = parse(VALID.replace(/faults:\n(?: {2}.*\n)*/, faults));
    expect(scenario.faults.map((fault) => fault.kind)).toEqual([
      "crash", "stop", "redisOutage", "redisRestart", "partition", "disconnect", "latency", "slowClient", "clockSkew", "join", "leave",
    ]);
    expect(scenario.faults[6]).toEqual({ atMs: 6000, kind: "latency", link: ["c3", "s1"], addMs: 200, jitterMs: 50, forMs: 2000 });
    expect(scenario.faults[8]).toEqual({ atMs: 8000, kind: "clockSkew", server: "s1", offsetMs: -1500 });
    // The YAML file form parses back to the same scenario.
    expect(parse(toScenarioYaml(scenario))).toEqual(scenario);
  });
});
