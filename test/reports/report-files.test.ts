import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadRunRecords } from "../../reports/load-runs.ts";
import { replayCommand } from "../../reports/replay-command.ts";
import { writeReport } from "../../reports/write-report.ts";
import { BUILD, fidelityRecords, runRecord, sampleRecords, writeResultsDir } from "./fixtures.ts";

const run = promisify(execFile);

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "lfcc-report-"));
}

async function lfcc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/lfcc.js", ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("replay commands", () => {
  it("replays a sim failure file, else re-runs the sim scenario with its seed, else the runner's command", () => {
    expect(replayCommand(runRecord({ scenario: "x", seed: 3, mode: "sim", failureFile: "out/f 1.json" }))).toBe("npx lfcc replay 'out/f 1.json'");
    expect(replayCommand(runRecord({ scenario: "scenarios/x.yaml", seed: 3, mode: "sim" }))).toBe("npx lfcc sim scenarios/x.yaml --seed 3");
    expect(replayCommand(runRecord({ scenario: "x", seed: 3, mode: "chaos", replayCommand: "npx lfcc chaos scenarios/x.yaml" }))).toBe("npx lfcc chaos scenarios/x.yaml");
    expect(replayCommand(runRecord({ scenario: "x", seed: 3, mode: "sim", replayCommand: "lfcc replay scenarios/x.yaml --seed 3" }))).toBe("npx lfcc replay scenarios/x.yaml --seed 3");
  });
});

describe("report files", () => {
  it("writes markdown with the summary table and each failure's details and replay command", async () => {
    const out = await tempDir();
    await writeReport(sampleRecords(), out, { build: BUILD });
    const md = await readFile(join(out, "report.md"), "utf8");
    expect(md.split("\n").slice(0, 5)).toEqual([
      "## lfcc resilience report: ❌ FAIL",
      "",
      "**FAIL: 1 of 3 runs failed (converge in 1 run, queueBound in 1 run).** 3 runs: 2 passed, **1 failed**.",
      "",
      "lfcc 9.9.9-test · commit abc123def456 · 2026-01-02T03:04:05.000Z · host ci-runner-7 · Node v20.99.0",
    ]);
    expect(md).toContain("| crash-and-partition | 1 | chaos | ✅ pass | - | 200 | 812 | 2.2 s | 1.8 s | 7 | `npx lfcc chaos scenarios/crash-and-partition.yaml` |");
    expect(md).toContain("| redis-outage-bounded-queue | 7 | sim | ❌ FAIL | converge, queueBound | 235 | 0 | - | never | 7 |");
    // Failures before the table of all runs.
    expect(md.indexOf("### Failures")).toBeLessThan(md.indexOf("### All runs"));
    expect(md).toContain("#### redis-outage-bounded-queue seed 7 (sim)");
    expect(md).toContain("```sh\nnpx lfcc replay lfcc-out/failures/redis-outage-bounded-queue-seed7.json\n```");
  });

  it("adds the sim-vs-chaos fidelity table when a scenario ran in both modes", async () => {
    const out = await tempDir();
    await writeReport(fidelityRecords(), out, { build: BUILD });
    const md = await readFile(join(out, "report.md"), "utf8");
    expect(md).toContain("### Sim vs chaos fidelity");
    expect(md).toContain("| crash-and-partition | cross-server messages | 25000 [24950 - 25050] | 31000 | 1.24x | **outside** |");
    expect(md).toContain("| crash-and-partition | edits | 3600 [3595 - 3605] | 3600 | 1.00x |  |");
  });

  it("writes results.json with every record and its replay command", async () => {
    const out = await tempDir();
    const records = sampleRecords();
    await writeReport(records, out);
    const results = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as { scenario: string; mode: string; replayCommand: string; timeSeries: unknown }[];
    expect(results).toHaveLength(records.length);
    expect(results.map((r) => `${r.scenario}/${r.mode}`)).toEqual(["crash-and-partition/chaos", "crash-and-partition/sim", "redis-outage-bounded-queue/sim"]);
    expect(results[1]!.replayCommand).toBe("npx lfcc sim crash-and-partition --seed 1");
    expect(results[2]!.timeSeries).toEqual(records[2]!.timeSeries);
  });

  it("escapes run-provided text in junit.xml and keeps counts in the suite attributes", async () => {
    const out = await tempDir();
    await writeReport(sampleRecords(), out);
    const xml = await readFile(join(out, "junit.xml"), "utf8");
    expect(xml).toContain(`<testsuites name="lfcc" tests="3" failures="1" errors="0"`);
    expect(xml).toContain(`<testsuite name="lfcc sim" tests="2" failures="1"`);
    expect(xml).toContain(`clocks 40..57 &lt;&quot;&amp;&apos;&gt;`);
    expect(xml).not.toContain(`<"&'>`);
  });
});

describe("reading a results directory", () => {
  it("loads every runs/*.json record, or loose records when there is no runs/ folder", async () => {
    const dir = await tempDir();
    await writeResultsDir(dir, sampleRecords());
    const records = await loadRunRecords(dir);
    expect(records.map((r) => r.mode).sort()).toEqual(["chaos", "sim", "sim"]);
    expect(await loadRunRecords(join(dir, "runs"))).toEqual(records);
  });

  it("names the file and the problem for bad input", async () => {
    const dir = await tempDir();
    await expect(loadRunRecords(join(dir, "nope"))).rejects.toThrow(/nope: no such results directory/);
    await expect(loadRunRecords(dir)).rejects.toThrow(/lfcc-report-\w+: no run records/);
    await mkdir(join(dir, "runs"));
    await expect(loadRunRecords(dir)).rejects.toThrow(/runs: no run records/);
    await writeFile(join(dir, "runs", "a.json"), "{ not json");
    await expect(loadRunRecords(dir)).rejects.toThrow(/runs\/a\.json: not valid JSON/);
    await writeFile(join(dir, "runs", "a.json"), JSON.stringify({ ...runRecord({ scenario: "x", seed: 1, mode: "sim" }), seed: "one" }));
    await expect(loadRunRecords(dir)).rejects.toThrow(/runs\/a\.json: not a run record: field "seed" should be a number, found string "one"/);
  });
});

describe("lfcc report", () => {
  it("writes the report under <dir>/report and exits 0; exits 2 with one line on bad input", async () => {
    const dir = await tempDir();
    await writeResultsDir(dir, sampleRecords());
    const ok = await lfcc(["report", dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("report: 3 runs (2 passed, 1 failed)");
    expect(await readFile(join(dir, "report", "index.html"), "utf8")).toContain("<!doctype html>");

    const bad = await lfcc(["report", join(dir, "missing")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("missing: no such results directory");
  });
});
