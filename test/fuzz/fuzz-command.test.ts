/**
 * `lfcc fuzz` command logic with an injected runner (the simulator-backed end-to-end run is in
 * fuzz-cli.test.ts): exit codes, --json lines, the failure file and the printed replay command.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFuzzCommand, type FuzzCommandIo } from "../../cli/commands/fuzz.ts";
import type { RunRecord } from "../../lab/record.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import { UsageError } from "../../cli/usage-error.ts";

function record(scenario: Scenario, failed: boolean): RunRecord {
  return {
    scenario: scenario.name, seed: scenario.seed, mode: "sim", passed: !failed, traceHash: "ab".repeat(32),
    virtualMs: 1, wallMs: 1, failureFile: null,
    invariants: [{ name: "noGhostPresence", passed: !failed, detail: failed ? "c2 never saw c1 leave" : "ok" }],
    metrics: { edits: 0, deliveries: 0, crossServerMessages: 0, queuedMax: 0, dropped: 0, snapshotRequests: 0, snapshotFallbacks: 0, reconnects: 0, convergenceMs: 0 },
  };
}

function io(fails: (s: Scenario) => boolean): FuzzCommandIo & { output: () => string } {
  let text = "";
  return {
    runScenario: async (s) => record(s, fails(s)),
    stdout: { write: (t: string) => (text += t), isTTY: false },
    nowMs: () => 1_000,
    output: () => text,
  };
}

const crashes = (s: Scenario) => s.faults.some((f) => f.kind === "crash");

describe("lfcc fuzz (command logic)", () => {
  it("exits 0 and prints one record per run with --json when nothing fails", async () => {
    const fake = io(() => false);
    expect(await runFuzzCommand({ runs: "12", seed: "4", json: true }, fake)).toBe(0);
    const lines = fake.output().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    expect(lines.every((r) => r.passed && r.scenarioSpec?.topology)).toBe(true);
  });

  it("on a failure shrinks, writes the failure file, prints the replay command and exits 1", async () => {
    const out = mkdtempSync(join(tmpdir(), "lfcc-fuzz-"));
    const fake = io(crashes);
    expect(await runFuzzCommand({ runs: "100", seed: "9", out }, fake)).toBe(1);
    const text = fake.output();
    const path = /failure file: (\S+)/.exec(text)![1]!;
    expect(text).toContain(`replay: npx lfcc replay ${path}`);
    expect(text).toContain("violated: noGhostPresence");
    expect(text).toMatch(/shrunk: 1 server, 1 doc, 2 clients, 1 fault \(crash\), 5s/);
    const file = JSON.parse(readFileSync(path, "utf8"));
    expect(file).toMatchObject({ version: 1, traceHash: "ab".repeat(32), violated: ["noGhostPresence"], });
    expect(file.scenario.faults).toHaveLength(1);
    expect(file.scenario.faults[0]).toHaveProperty("crash");
    expect(path.startsWith(join(out, "failures"))).toBe(true);
  });

  it("--json ends with the shrunk failing record, which names the failure file", async () => {
    const out = mkdtempSync(join(tmpdir(), "lfcc-fuzz-"));
    const fake = io(crashes);
    expect(await runFuzzCommand({ runs: "100", seed: "9", out, json: true }, fake)).toBe(1);
    const lines = fake.output().trim().split("\n").map((l) => JSON.parse(l));
    const last = lines.at(-1);
    expect(last.passed).toBe(false);
    expect(last.failureFile).toContain(join(out, "failures"));
    expect(last.scenarioSpec.faults).toHaveLength(1);
    expect(lines.slice(0, -1).at(-1).passed).toBe(false); // the failure as first found
  });

  it("rejects bad flags as usage errors", async () => {
    for (const bad of [{ runs: "0" }, { runs: "x" }, { time: "soon" }, { seed: "1.5" }, { shrinkTime: "-1s" }]) {
      await expect(runFuzzCommand(bad, io(() => false))).rejects.toBeInstanceOf(UsageError);
    }
  });
});
