import { describe, expect, it } from "vitest";
import { errorsOf, VALID } from "./helpers.ts";

const withFaults = (faults: string) => VALID.replace(/faults:\n(?: {2}.*\n)*/, `faults:\n${faults}`);

describe("invalid scenarios name file:line:col, the path and what was expected", () => {
  it("YAML syntax errors carry their position", () => {
    const [error] = errorsOf("name: x\ntopology: [1, 2\n");
    expect(error).toMatch(/^scenarios\/x\.yaml:\d+:\d+: invalid YAML: /);
  });

  it("an empty file", () => {
    expect(errorsOf("")).toEqual(["scenarios/x.yaml:1:1: the file is empty (expected a scenario mapping)"]);
  });

  it("missing MUST fields point at the parent", () => {
    const errors = errorsOf("description: nothing else\n");
    expect(errors).toEqual([
      "scenarios/x.yaml:1:1: name: missing required field (expected a string)",
      "scenarios/x.yaml:1:1: duration: missing required field (expected a duration like 250ms, 10s, 2m)",
      expect.stringMatching(/^scenarios\/x\.yaml:1:1: topology: missing required field \(expected a mapping with servers, docs, clients(, \w+)*\)/),
      "scenarios/x.yaml:1:1: faults: missing required field (expected a list)",
      expect.stringMatching(/^scenarios\/x\.yaml:1:1: expect: missing required field/),
    ]);
  });

  it("a missing nested field points at its mapping", () => {
    expect(errorsOf(VALID.replace("  servers: 2\n", ""))).toEqual([
      "scenarios/x.yaml:5:3: topology.servers: missing required field (expected a number)",
    ]);
  });

  it("unknown keys suggest the closest valid key", () => {
    expect(errorsOf(VALID.replace("duration: 30s", "duraton: 30s\nduration: 30s"))).toEqual([
      expect.stringMatching(/^scenarios\/x\.yaml:3:1: duraton: unknown key "duraton" \(did you mean "duration"\?\)/),
    ]);
    expect(errorsOf(VALID + "relay:\n  heartbeatIntervl: 1s\n")).toEqual([
      expect.stringMatching(/^scenarios\/x\.yaml:15:3: relay\.heartbeatIntervl: unknown relay key "heartbeatIntervl" \(did you mean "heartbeatInterval"\?\)/),
    ]);
  });

  it("bad durations and sizes", () => {
    expect(errorsOf(VALID.replace("duration: 30s", "duration: 30"))).toEqual([
      "scenarios/x.yaml:3:11: duration: expected a duration like 250ms, 10s, 2m, got the bare number 30 (add a unit)",
    ]);
    expect(errorsOf(VALID + "relay:\n  queue: { maxBytes: 1MB }\n")).toEqual([
      'scenarios/x.yaml:15:22: relay.queue.maxBytes: unknown unit "MB" in "1MB" (units: B, KiB, MiB, GiB)',
    ]);
    expect(errorsOf(VALID.replace("restartAfter: 3s", "restartAfter: 3 days"))).toEqual([
      'scenarios/x.yaml:10:40: faults[0].crash.restartAfter: unknown unit "days" in "3 days" (units: ms, s, m, h)',
    ]);
  });

  it("unknown fault kind lists the kinds", () => {
    expect(errorsOf(withFaults("  - at: 5s\n    crsh: { server: s2 }\n"))).toEqual([
      'scenarios/x.yaml:10:5: faults[0].crsh: unknown fault kind "crsh" (did you mean "crash"?) (fault kinds: crash, stop, redisOutage, redisRestart, partition, disconnect, latency, slowClient, clockSkew, join, leave, redisInject)',
    ]);
  });

  it("a fault with two kinds, and one with none", () => {
    expect(errorsOf(withFaults("  - at: 5s\n    crash: { server: s2 }\n    stop: { server: s1 }\n"))).toEqual([
      "scenarios/x.yaml:11:11: faults[0].stop: a fault has exactly one kind, found crash and stop",
    ]);
    expect(errorsOf(withFaults("  - at: 5s\n"))).toEqual([
      expect.stringMatching(/^scenarios\/x\.yaml:9:5: faults\[0\]: a fault needs a kind \(kinds: crash, stop, /),
    ]);
  });

  it("unknown server, with the valid names", () => {
    expect(errorsOf(withFaults("  - at: 5s\n    crash: { server: s9 }\n"))).toEqual([
      'scenarios/x.yaml:10:22: faults[0].crash.server: unknown server "s9" (servers: s1, s2)',
    ]);
  });

  it.each([
    ["partition", "partition: { sides: [[s1, redis], [s3]], for: 2s }", "10:40", "faults[0].partition.sides[1][0]", 'unknown node "s3" (nodes: s1, s2, c1, c2, c3, c4, redis)'],
    ["latency", "latency: { link: [s1, c7], add: 50ms, for: 2s }", "10:27", "faults[0].latency.link[1]", 'unknown node "c7" (nodes: s1, s2, c1, c2, c3, c4, redis)'],
    ["disconnect", "disconnect: { clients: [c1, c5], for: 2s }", "10:33", "faults[0].disconnect.clients[1]", 'unknown client "c5" (clients: c1, c2, c3, c4)'],
    ["join", "join: { clients: 1, server: s3 }", "10:33", "faults[0].join.server", 'unknown server "s3" (servers: s1, s2)'],
    ["join doc", "join: { clients: 1, doc: dd }", "10:30", "faults[0].join.doc", 'unknown doc "dd" (did you mean "d1"?) (docs: d1, d2)'],
    ["leave", "leave: { clients: [c9] }", "10:24", "faults[0].leave.clients[0]", 'client "c9" is not connected at 5s (connected: c1, c2, c3, c4)'],
  ])("%s names nodes that do not exist", (_kind, fault, position, path, message) => {
    expect(errorsOf(withFaults(`  - at: 5s\n    ${fault}\n`))).toEqual([`scenarios/x.yaml:${position}: ${path}: ${message}`]);
  });

  it("a fault after the end of the run", () => {
    expect(errorsOf(withFaults("  - at: 45s\n    redisRestart:\n"))).toEqual([
      "scenarios/x.yaml:9:9: faults[0].at: 45s is after the end of the run (duration: 30s)",
    ]);
  });

  it("a server crashed while it is already down", () => {
    expect(errorsOf(withFaults("  - at: 5s\n    crash: { server: s1, restartAfter: 10s }\n  - at: 8s\n    stop: { server: s1 }\n"))).toEqual([
      "scenarios/x.yaml:12:21: faults[1].stop.server: s1 is already down at 8s (went down at 5s, restarts at 15s)",
    ]);
  });

  it("a node on both sides of a partition; a link to itself", () => {
    expect(errorsOf(withFaults("  - at: 5s\n    partition: { sides: [[s1], [s2, s1]], for: 1s }\n"))).toEqual([
      'scenarios/x.yaml:10:37: faults[0].partition.sides[1][1]: "s1" is on two sides (1 and 2)',
    ]);
    expect(errorsOf(withFaults("  - at: 5s\n    latency: { link: [s1, s1], add: 1ms, for: 1s }\n"))).toEqual([
      "scenarios/x.yaml:10:22: faults[0].latency.link: a link joins two different nodes, got [s1, s1]",
    ]);
  });

  it("leaving more clients than are connected; joining a connected or former name", () => {
    expect(errorsOf(withFaults("  - at: 5s\n    leave: { clients: 5 }\n"))).toEqual([
      "scenarios/x.yaml:10:23: faults[0].leave.clients: cannot remove 5 clients at 5s: only 4 are connected",
    ]);
    expect(errorsOf(withFaults("  - at: 5s\n    join: { clients: [c2] }\n"))).toEqual([
      'scenarios/x.yaml:10:23: faults[0].join.clients[0]: client "c2" is already connected at 5s',
    ]);
    expect(errorsOf(withFaults("  - at: 5s\n    leave: { clients: [c2] }\n  - at: 6s\n    join: { clients: [c2] }\n"))).toEqual([
      'scenarios/x.yaml:12:23: faults[1].join.clients[0]: client "c2" was connected before: a joining client needs a new name',
    ]);
  });

  it("wrong types and ranges", () => {
    expect(errorsOf(VALID.replace("servers: 2", "servers: two"))).toEqual([
      'scenarios/x.yaml:5:12: topology.servers: expected a number, got the string "two"',
    ]);
    expect(errorsOf(VALID.replace("servers: 2", "servers: 0"))).toEqual([
      "scenarios/x.yaml:5:12: topology.servers: must be at least 1, got number 0",
    ]);
    expect(errorsOf(VALID.replace("noDataLoss: true", "noDataLoss: yes please"))).toEqual([
      'scenarios/x.yaml:13:15: expect.noDataLoss: expected true or false, got the string "yes please"',
    ]);
  });

  it("relay overrides: two spellings of one field, and the production config's own limits", () => {
    expect(errorsOf(VALID + "relay:\n  snapshotTimeout: 2s\n  snapshotTimeoutMs: 2000\n")).toEqual([
      'scenarios/x.yaml:15:20: relay.snapshotTimeout: sets snapshotTimeoutMs again (already set by "snapshotTimeoutMs")',
    ]);
    expect(errorsOf(VALID + "relay:\n  rateLimitBurstMessages: 900\n")).toEqual([
      expect.stringMatching(/^scenarios\/x\.yaml:15:3: relay: rateLimitBurstMessages must be at most 500/),
    ]);
  });

  it("reports every problem at once, in file order", () => {
    const errors = errorsOf(VALID.replace("servers: 2", "servers: -1").replace("duration: 30s", "duration: soon"));
    expect(errors.map((line) => line.split(": ")[1])).toEqual(["duration", "topology.servers"]);
  });
});
