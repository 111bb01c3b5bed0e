/**
 * `--jobs N` spreads independent runs over worker threads: the records, their order and every trace
 * hash must be those of the one-thread run (shared/CLI.md: same file + same seed => same trace).
 */
import { describe, expect, it } from "vitest";
import { lfcc } from "./run-cli.ts";

interface Line {
  scenario: string;
  seed: number;
  traceHash: string;
  passed: boolean;
}

const lines = (stdout: string): Line[] =>
  stdout.trim().split("\n").map((line) => JSON.parse(line) as Line).map(({ scenario, seed, traceHash, passed }) => ({ scenario, seed, traceHash, passed }));

describe("--jobs", () => {
  it("lfcc sim gives the same records in the same order with 1 and 2 worker threads", () => {
    const args = ["sim", "scenarios/server-crash.yaml", "scenarios/network-partition.yaml", "--seeds", "1..1", "--json"];
    const one = lfcc(...args, "--jobs", "1");
    const two = lfcc(...args, "--jobs", "2");
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(lines(one.stdout)).toHaveLength(2);
    expect(lines(two.stdout)).toEqual(lines(one.stdout));
  }, 180_000);

  it("lfcc fuzz explores the same scenarios with 1 and 2 worker threads", () => {
    const args = ["fuzz", "--runs", "6", "--seed", "5", "--json"];
    const one = lfcc(...args, "--jobs", "1");
    const two = lfcc(...args, "--jobs", "2");
    expect(one.status, one.stderr).toBe(0);
    expect(lines(two.stdout)).toEqual(lines(one.stdout));
    expect(lines(one.stdout)).toHaveLength(6);
  }, 180_000);

  it("rejects a --jobs that is not a positive whole number (exit 2)", () => {
    const result = lfcc("sim", "scenarios/server-crash.yaml", "--jobs", "0");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--jobs");
  });
});
