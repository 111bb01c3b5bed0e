/**
 * `lfcc chaos` as a user runs it: exit codes, one JSON record per line, and what a failing run
 * leaves under --out (failure file, applied fault timeline, relay logs).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { chaosAvailable } from "./services-available.ts";

const LFCC = new URL("../../bin/lfcc.js", import.meta.url).pathname;
const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

async function lfcc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [LFCC, ...args], { timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("lfcc chaos: bad input exits 2 before anything starts", () => {
  test("a missing scenario file", async () => {
    const result = await lfcc(["chaos", "no/such/scenario.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no/such/scenario.yaml: no such file or directory");
  });

  test("an invalid --time-scale", async () => {
    const result = await lfcc(["chaos", join(FIXTURES, "crash.yaml"), "--time-scale", "fast"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--time-scale");
  });
});

describe.runIf(chaosAvailable)("lfcc chaos --json against real infrastructure", () => {
  test("a run that violates an invariant: exit 1, a JSON record, failure file, fault timeline and relay logs under --out", async () => {
    const out = await mkdtemp(join(tmpdir(), "lfcc-chaos-"));
    const result = await lfcc(["chaos", join(FIXTURES, "ghost-too-strict.yaml"), "--json", "--out", out]);
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ scenario: "chaos-ghost-too-strict", seed: 1, mode: "chaos", passed: false, traceHash: null });
    expect(record.invariants).toEqual([expect.objectContaining({ name: "noGhostPresence", passed: false })]);
    expect(Object.keys(record.metrics).sort()).toEqual(
      ["convergenceMs", "crossServerMessages", "deliveries", "dropped", "edits", "queuedMax", "reconnects", "snapshotFallbacks", "snapshotRequests"],
    );

    const failure = JSON.parse(await readFile(record.failureFile, "utf8"));
    expect(failure).toMatchObject({ version: 1, seed: 1, violated: ["noGhostPresence"], mode: "chaos" });
    expect(failure.scenario.name).toBe("chaos-ghost-too-strict");
    expect(record.replayCommand).toMatch(/^lfcc chaos \S*ghost-too-strict\.yaml/); // a file path a person can run again
    const failureDir = join(out, "failures", "chaos-ghost-too-strict--seed1--chaos");
    const timeline = JSON.parse(await readFile(join(failureDir, "faults.json"), "utf8"));
    expect(timeline).toEqual([expect.objectContaining({ kind: "crash", detail: "SIGKILL relay s2" })]);
    // Scheduled at 1.5 s; Node timers and Date.now() round differently, so 1499 ms happens.
    expect(timeline[0].startMs).toBeGreaterThanOrEqual(1490);
    expect((await readdir(failureDir)).sort()).toEqual(["failure.json", "faults.json", "relay-s1.log", "relay-s2.log"]);
    expect(await readFile(join(failureDir, "relay-s2.log"), "utf8")).toContain("listening");
    const saved = JSON.parse(await readFile(join(out, "runs", "chaos-ghost-too-strict--seed1--chaos.json"), "utf8"));
    expect(saved.failureFile).toBe(record.failureFile);
  });
});
