import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioError } from "../../lab/scenario/index.ts";
import { toScenarioYaml } from "../../lab/scenario/index.ts";

const base = (topology: string, faults: string) => `name: s\nduration: 10s\ntopology: ${topology}\nfaults:\n${faults}\nexpect: { converge: true }\n`;

function issues(text: string): string {
  try {
    parseScenario(text, "x.yaml");
    return "";
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
}

describe("scenario: Redis shards (SCENARIOS.md v1.1)", () => {
  it("takes redisShards, shard on redisOutage/redisRestart, and r1..rN in partition and latency", () => {
    const faults = [
      "  - { at: 1s, redisOutage: { for: 2s, shard: r2 } }",
      "  - { at: 2s, redisRestart: { shard: r3 } }",
      "  - { at: 3s, partition: { sides: [[s1], [r1]], for: 1s } }",
      "  - { at: 4s, latency: { link: [s2, r3], add: 50ms, for: 1s } }",
      "  - { at: 5s, redisRestart: }",
    ].join("\n");
    const scenario = parseScenario(base("{ servers: 2, clients: 2, redisShards: 3 }", faults), "x.yaml");
    expect(scenario.topology.redisShards).toBe(3);
    expect(scenario.faults.slice(0, 2)).toEqual([
      { atMs: 1000, kind: "redisOutage", forMs: 2000, shard: "r2" },
      { atMs: 2000, kind: "redisRestart", shard: "r3" },
    ]);
    expect(scenario.faults[4]).toEqual({ atMs: 5000, kind: "redisRestart" });
    // Failure files round-trip the shard.
    expect(parseScenario(toScenarioYaml(scenario), "y.yaml").faults).toEqual(scenario.faults);
  });

  it("names the valid shards when a fault names an unknown one", () => {
    expect(issues(base("{ servers: 2, clients: 2, redisShards: 3 }", "  - { at: 1s, redisOutage: { for: 2s, shard: r4 } }"))).toMatch(/unknown shard "r4".*r1, r2, r3/);
    expect(issues(base("{ servers: 2, clients: 2 }", "  - { at: 1s, redisRestart: { shard: r1 } }"))).toMatch(/needs topology.redisShards/);
    expect(issues(base("{ servers: 2, clients: 2 }", "  - { at: 1s, partition: { sides: [[s1], [r1]], for: 1s } }"))).toMatch(/unknown node "r1"/);
  });
});
