/** `lfcc fuzz` as a process, against the real simulator: exit codes and the --json shape. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const lfcc = (...args: string[]) =>
  run("node", ["bin/lfcc.js", "fuzz", ...args], { encoding: "utf8" }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  );

describe("lfcc fuzz (process)", () => {
  it("prints one run record per explored scenario with --json and exits 0 when all hold", async () => {
    const { code, stdout } = await lfcc("--runs", "3", "--seed", "1", "--json");
    const records = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(code).toBe(0);
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(record).toMatchObject({ mode: "sim", passed: true, failureFile: null });
      expect(record.traceHash).toMatch(/^[0-9a-f]{64}$/);
      expect(record.scenarioSpec.faults).toBeInstanceOf(Array);
    }
  });

  it("stops exploring when --time is up and says how many scenarios it explored", async () => {
    const { code, stdout } = await lfcc("--time", "1s", "--seed", "1");
    expect(code).toBe(0);
    const explored = Number(/(\d+) scenario\(s\)/.exec(stdout)?.[1]);
    expect(explored).toBeGreaterThan(0);
    expect(explored).toBeLessThan(100); // the default run count, so the clock stopped it
    expect(stdout).toContain("every invariant held");
  });

  it("exits 2 with a one-line reason on bad usage", async () => {
    const { code, stderr, stdout } = await lfcc("--runs", "0");
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("--runs");
    expect(stdout).toBe("");
  });
});
