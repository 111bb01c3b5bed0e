/**
 * `lfcc gate` as CI runs it (a child process, stdout a pipe): exit codes, the report files it
 * writes, junit.xml naming a failing run with a replay command that reproduces it. Fixture
 * libraries of two tiny scenarios and --fuzz-runs 2 keep the whole file to seconds.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chaosAvailable, mustRunChaos } from "../chaos/services-available.ts";
import { lfcc } from "../cli/run-cli.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const good = join(FIXTURES, "good");
const failing = join(FIXTURES, "failing");
const freshOut = () => mkdtempSync(join(tmpdir(), "lfcc-gate-"));
const testcases = (junit: string) => [...junit.matchAll(/<testcase classname="(\w+)" name="([^"]+)"/g)].map((m) => `${m[1]}: ${m[2]}`);

describe("lfcc gate on a library that holds", () => {
  const out = freshOut();
  // A stale failing record from an earlier gate must not reach this gate's report.
  mkdirSync(join(out, "runs"), { recursive: true });
  writeFileSync(join(out, "runs", "stale--seed1--sim.json"), "{}");
  const result = lfcc("gate", "--scenarios", good, "--seeds", "2", "--fuzz-runs", "2", "--fuzz-seed", "1", "--out", out);

  it("exits 0 and says where the report is", () => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("gate PASSED: 7/7 runs passed");
    expect(result.stdout).toContain(join(out, "report", "report.md"));
    expect(result.stdout).toContain(join(out, "report", "index.html"));
  });

  it("runs every library scenario x seeds 1..K, each regression at its own seed, and the fuzz budget", () => {
    const runs = readdirSync(join(out, "runs")).sort();
    expect(runs.filter((name) => !name.startsWith("fuzz-"))).toEqual([
      "blip--seed1--sim.json", "blip--seed2--sim.json", "crash--seed1--sim.json", "crash--seed2--sim.json", "old-bug--seed7--sim.json",
    ]);
    expect(runs.filter((name) => name.startsWith("fuzz-"))).toHaveLength(2);
  });

  it("writes the four report files, with one passing testcase per run in junit.xml", () => {
    for (const file of ["index.html", "report.md", "results.json", "junit.xml"]) expect(existsSync(join(out, "report", file))).toBe(true);
    const junit = readFileSync(join(out, "report", "junit.xml"), "utf8");
    expect(testcases(junit)).toHaveLength(7);
    expect(testcases(junit)).toEqual(expect.arrayContaining(["sim: blip seed 2", "sim: crash seed 1", "sim: old-bug seed 7"]));
    expect(junit).toContain(`<testsuites name="lfcc" tests="7" failures="0"`);
  });
});

describe("lfcc gate when one scenario's invariant fails", () => {
  const out = freshOut();
  const result = lfcc("gate", "--scenarios", failing, "--seeds", "1", "--fuzz-runs", "0", "--out", out);
  const junit = () => readFileSync(join(out, "report", "junit.xml"), "utf8");

  it("exits 1 and prints the failed run with its replay command", () => {
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("gate FAILED: 1/2 runs passed");
    expect(result.stdout).toMatch(/FAIL leave-instant seed 1 \(sim\)\n {2}noGhostPresence: /);
  });

  it("junit.xml names the failing testcase, the violated invariant and the replay command; the passing one passes", () => {
    const failed = /<testcase classname="sim" name="leave-instant seed 1"[^>]*>\s*<failure type="invariant" message="violated: noGhostPresence; replay: ([^"]+)"/.exec(junit());
    expect(failed).not.toBeNull();
    expect(failed![1]).toBe(`npx lfcc replay ${join(out, "failures", "leave-instant-seed1.json")}`);
    expect(junit()).toMatch(/<testcase classname="sim" name="blip seed 1" time="[\d.]+"\/>/);
  });

  it("the replay command copied from junit.xml reproduces the failure", () => {
    const command = /replay: npx lfcc (replay \S+)"/.exec(junit())![1]!.split(" ");
    const replay = lfcc(...command);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain("noGhostPresence");
  });
});

describe("lfcc gate: bad usage exits 2 with one line, before anything runs", () => {
  it.each([
    [["--seeds", "0"], /--seeds 0: a count must be at least 1/],
    [["--fuzz-runs", "-1"], /--fuzz-runs expects an integer of at least 0/],
    [["--fuzz-shrink-time", "soon"], /--fuzz-shrink-time/],
    [["--bogus"], /unknown option '--bogus'/],
    [["--chaos-scenarios", "blip"], /--chaos-scenarios and --chaos-time-scale need --chaos/],
    [["--chaos", "--chaos-scenarios", "blip,nope"], /--chaos-scenarios: no library scenario named nope \(known: blip, crash\)/],
    [["--scenarios", join(FIXTURES, "missing")], /--scenarios .*missing: no such directory/],
  ])("%j", (args, message) => {
    const out = freshOut();
    const result = lfcc("gate", "--scenarios", good, "--out", out, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(out)).toEqual([]);
  });

  it("an invalid scenario in the library names the file and runs nothing", () => {
    const out = freshOut();
    const result = lfcc("gate", "--scenarios", join(import.meta.dirname, "..", "cli", "fixtures"), "--fuzz-runs", "0", "--out", out);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid\.yaml:\d+:\d+: faults\[0\]\.crash\.server/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe.runIf(chaosAvailable || mustRunChaos)("lfcc gate --chaos against real redis-server + Toxiproxy", () => {
  it("runs the chosen library scenario once in chaos mode next to the sim runs, in one report", () => {
    const out = freshOut();
    const result = lfcc("gate", "--scenarios", good, "--seeds", "1", "--fuzz-runs", "0", "--chaos", "--chaos-scenarios", "blip", "--out", out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("chaos (1 scenario, once each): 1/1 passed");
    const junit = readFileSync(join(out, "report", "junit.xml"), "utf8");
    expect(testcases(junit).filter((name) => name.startsWith("chaos:"))).toEqual(["chaos: blip seed 1"]);
    expect(readdirSync(join(out, "runs"))).toContain("blip--seed1--chaos.json");
  });
});
