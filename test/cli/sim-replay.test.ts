/**
 * `lfcc sim` and `lfcc replay` as a user runs them (child processes): exit codes, `--json` lines,
 * failure files and their replay, traces. Uses two tiny fixtures so the whole file runs in seconds.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, lfcc } from "./run-cli.ts";

const tiny = join(FIXTURES, "tiny.yaml");
const tinyFails = join(FIXTURES, "tiny-fails.yaml");
const jsonLines = (stdout: string) => stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

describe("lfcc sim: bad input exits 2 before anything runs", () => {
  it("an invalid scenario names file:line:col and runs nothing, even next to a valid one", () => {
    const out = mkdtempSync(join(tmpdir(), "lfcc-sim-"));
    const result = lfcc("sim", tiny, join(FIXTURES, "invalid.yaml"), "--json", "--out", out);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid\.yaml:6:22: faults\[0\]\.crash\.server: unknown server "s9" \(servers: s1, s2\)/);
    expect(result.stdout).toBe("");
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    [["sim", join(FIXTURES, "missing.yaml")], /missing\.yaml: no such file or directory/],
    [["sim", tiny, "--seeds", "3..1"], /the range is empty/],
    [["sim", tiny, "--bogus"], /unknown option '--bogus'/],
  ])("%j", (args, message) => {
    const result = lfcc(...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")[0]).toMatch(message);
  });
});

describe("lfcc sim --json", () => {
  it("prints one RunRecord per (scenario, seed), deterministic per seed", () => {
    const first = lfcc("sim", tiny, "--seeds", "1..2", "--json");
    expect(first.status).toBe(0);
    const records = jsonLines(first.stdout);
    expect(records.map((r) => [r.scenario, r.seed, r.mode, r.passed])).toEqual([["tiny", 1, "sim", true], ["tiny", 2, "sim", true]]);
    for (const record of records) {
      expect(record).toMatchObject({ traceHash: expect.stringMatching(/^[0-9a-f]{64}$/), virtualMs: expect.any(Number), wallMs: expect.any(Number), failureFile: null });
      expect(Object.keys(record.metrics as object)).toEqual(expect.arrayContaining(
        ["edits", "deliveries", "crossServerMessages", "queuedMax", "dropped", "snapshotRequests", "snapshotFallbacks", "reconnects", "convergenceMs"]));
      expect((record.invariants as { name: string }[]).map((i) => i.name)).toEqual(["converge", "noDataLoss"]);
    }
    expect(records[0]!.traceHash).not.toBe(records[1]!.traceHash);
    const again = jsonLines(lfcc("sim", tiny, "--seed", "2", "--json").stdout);
    expect(again[0]!.traceHash).toBe(records[1]!.traceHash);
  });
});

describe("a failing run: failure file, results dir, replay", () => {
  const out = mkdtempSync(join(tmpdir(), "lfcc-sim-"));
  const failurePath = join(out, "failures", "tiny-fails-seed1.json");

  it("sim exits 1, writes the failure file and the run records, prints the replay command", () => {
    const result = lfcc("sim", tiny, tinyFails, "--out", out);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/tiny-fails\s+1\s+FAIL\s+noGhostPresence/);
    expect(result.stdout).toContain(`replay: lfcc replay ${failurePath}`);
    const failure = JSON.parse(readFileSync(failurePath, "utf8"));
    expect(failure).toMatchObject({ version: 1, seed: 1, violated: ["noGhostPresence"], traceHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(failure.scenario).toMatchObject({ name: "tiny-fails", duration: "4s", expect: { noGhostPresence: { within: "1ms" } } });
    expect(readdirSync(join(out, "runs")).sort()).toEqual(["tiny--seed1--sim.json", "tiny-fails--seed1--sim.json"]);
    const record = JSON.parse(readFileSync(join(out, "runs", "tiny-fails--seed1--sim.json"), "utf8"));
    expect(record).toMatchObject({ passed: false, failureFile: failurePath, traceHash: failure.traceHash });
  });

  it("replay re-runs it with the same trace hash and exits 1 while it fails", () => {
    const result = lfcc("replay", failurePath, "--json");
    expect(result.status).toBe(1);
    const [record] = jsonLines(result.stdout);
    const failure = JSON.parse(readFileSync(failurePath, "utf8"));
    expect(record).toMatchObject({ scenario: "tiny-fails", seed: 1, passed: false, traceHash: failure.traceHash, failureFile: failurePath });
    expect(record!.replay).toEqual({ recordedTraceHash: failure.traceHash, traceHashMatches: true });
  });

  it("replay exits 0 once the run passes (here: the failure file's expectation relaxed)", () => {
    const failure = JSON.parse(readFileSync(failurePath, "utf8"));
    failure.scenario.expect.noGhostPresence.within = "15s";
    const relaxed = join(out, "relaxed.json");
    writeFileSync(relaxed, JSON.stringify(failure, null, 2));
    const result = lfcc("replay", relaxed);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/DIFFERS from the recorded/);
  });

  it("replay of an invalid failure file exits 2 with a position inside the JSON", () => {
    const failure = JSON.parse(readFileSync(failurePath, "utf8"));
    failure.scenario.faults[0].leave.clients = ["c7"];
    const broken = join(out, "broken.json");
    writeFileSync(broken, JSON.stringify(failure, null, 2));
    const result = lfcc("replay", broken);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.json:\d+:\d+: scenario\.faults\[0\]\.leave\.clients\[0\]: client "c7" is not connected/);
  });
});

describe("lfcc replay <scenario.yaml> --seed N and --trace", () => {
  it("replays a scenario file with a seed and writes the trace and its timeline", () => {
    const out = mkdtempSync(join(tmpdir(), "lfcc-trace-"));
    const tracePath = join(out, "run.jsonl");
    const sim = jsonLines(lfcc("sim", tiny, "--seed", "3", "--json").stdout)[0]!;
    const result = lfcc("replay", tiny, "--seed", "3", "--trace", tracePath);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`trace hash ${sim.traceHash as string}`);
    const events = readFileSync(tracePath, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ seq: 0, tMs: 0, node: expect.any(String), kind: expect.any(String) });
    const timeline = readFileSync(join(out, "run.timeline.txt"), "utf8");
    expect(timeline).toMatch(/^\s+1\.000s! world\s+fault\s+kind=disconnect/m);
  });
});
