/**
 * `lfcc gate --shard i/n` and `lfcc report dir1 dir2 ...`: the split puts every run of the gate in
 * exactly one shard, with balanced work, whatever n; the shards' folders merge into one report and
 * one verdict equal to the unsharded gate's; an incomplete or overlapping set is refused (exit 2).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planGate } from "../../cli/gate/plan.ts";
import { parseGateFlags } from "../../cli/gate/settings.ts";
import { assignShards, parseShard, runCost, shardFuzz, shardPlan } from "../../cli/gate/shard.ts";
import { runName } from "../../lab/results-layout.ts";
import { lfcc } from "../cli/run-cli.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const freshOut = () => mkdtempSync(join(tmpdir(), "lfcc-shard-"));

describe("the split", () => {
  const settings = parseGateFlags({ seeds: "5", chaos: true, fuzzRuns: "23", fuzzSeed: "100" }, 0);
  const plan = planGate(settings);
  const names = (p: typeof plan) => [...p.simRuns.map((r) => runName({ scenario: r.scenario.name, seed: r.seed, mode: "sim" })), ...p.chaosScenarios.map((c) => `${c.scenario.name} chaos`)];

  it.each([1, 2, 3, 4, 7])("puts every run of the library gate in exactly one of %i shards", (n) => {
    const shards = Array.from({ length: n }, (_, i) => shardPlan(plan, { index: i + 1, count: n }));
    const all = shards.flatMap(names);
    expect(all.sort()).toEqual(names(plan).sort());
    expect(new Set(all).size).toBe(all.length);
    // Same inputs, same split: the machines of a CI matrix agree without talking to each other.
    expect(shardPlan(plan, { index: 1, count: n })).toEqual(shards[0]);
  });

  it("balances the work: no shard gets much more than its share", () => {
    const n = 4;
    const costs = plan.simRuns.map((run) => runCost(run.scenario));
    const shardOf = assignShards(costs, n);
    const load = Array.from({ length: n }, (_, i) => costs.filter((_, j) => shardOf[j] === i + 1).reduce((a, b) => a + b, 0));
    const total = costs.reduce((a, b) => a + b, 0);
    expect(Math.max(...load)).toBeLessThanOrEqual(total / n + Math.max(...costs));
    expect(Math.max(...load) / Math.min(...load)).toBeLessThan(1.25);
  });

  it("splits the fuzz budget exactly, each shard with its own seed", () => {
    const shares = [1, 2, 3, 4].map((index) => shardFuzz(settings.fuzz, { index, count: 4 }));
    expect(shares.map((s) => s.runs)).toEqual([6, 6, 6, 5]);
    expect(new Set(shares.map((s) => s.seed)).size).toBe(4);
  });

  it.each(["0/3", "4/3", "1", "a/b", "1/0"])("refuses --shard %s", (text) => {
    expect(() => parseShard(text)).toThrow(/--shard expects i\/n/);
  });
});

describe("lfcc gate --shard, merged by lfcc report", () => {
  const good = join(FIXTURES, "good");
  const args = ["--scenarios", good, "--seeds", "2", "--fuzz-runs", "3", "--fuzz-seed", "5", "--determinism-runs", "0"];
  const dirs = [1, 2].map((i) => {
    const out = freshOut();
    const result = lfcc("gate", ...args, "--shard", `${i}/2`, "--out", out);
    expect(result.status, result.stderr).toBe(0);
    return out;
  });

  it("each shard runs a part, and together they run every library run and regression once", () => {
    const runs = dirs.map((dir) => readdirSync(join(dir, "runs")).filter((name) => !name.startsWith("fuzz-")));
    expect(runs[0]!.length).toBeGreaterThan(0);
    expect(runs[1]!.length).toBeGreaterThan(0);
    expect(runs.flat().sort()).toEqual(["blip--seed1--sim.json", "blip--seed2--sim.json", "crash--seed1--sim.json", "crash--seed2--sim.json", "old-bug--seed7--sim.json"]);
    const fuzz = dirs.map((dir) => readdirSync(join(dir, "runs")).filter((name) => name.startsWith("fuzz-")).length);
    expect(fuzz).toEqual([2, 1]);
  });

  it("merges into one report with one verdict", () => {
    const out = join(freshOut(), "merged");
    const merged = lfcc("report", ...dirs, "--out", out, "--verdict");
    expect(merged.stdout).toContain("report: 8 runs from 2 shards (8 passed, 0 failed)");
    expect(merged.status).toBe(0);
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toContain(`<testsuites name="lfcc" tests="8" failures="0"`);
  });

  it("refuses a set with a shard missing, or a folder given twice (exit 2); one shard alone is fine", () => {
    expect(lfcc("report", dirs[0]!, "--out", join(freshOut(), "r")).status).toBe(0);
    // The same two folders, as if they were shards 1 and 2 of 3.
    const asThirds = dirs.map((dir, i) => {
      const copy = join(freshOut(), `shard-${i + 1}`);
      cpSync(dir, copy, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(copy, "shard.json"), "utf8")) as { of: number };
      writeFileSync(join(copy, "shard.json"), JSON.stringify({ ...manifest, of: 3 }));
      return copy;
    });
    const missing = lfcc("report", ...asThirds, "--out", join(freshOut(), "r"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("shard 3/3 missing");
    // A shard that died half-way: its manifest names a run it has no record of.
    const lost = join(freshOut(), "lost");
    cpSync(dirs[1]!, lost, { recursive: true });
    const owned = readdirSync(join(lost, "runs")).find((name) => !name.startsWith("fuzz-"))!;
    rmSync(join(lost, "runs", owned));
    const halfway = lfcc("report", dirs[0]!, lost, "--out", join(freshOut(), "r"));
    expect(halfway.status).toBe(2);
    expect(halfway.stderr).toContain(`shard 2/2 has no record of 1 run(s) it owned, e.g. ${owned.replace(/\.json$/, "")}`);
    const mixed = lfcc("report", asThirds[0]!, dirs[1]!, "--out", join(freshOut(), "r"));
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain("different shardings");
    const twice = lfcc("report", dirs[0]!, dirs[0]!, dirs[1]!, "--out", join(freshOut(), "r"));
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/is in both .* shards must not overlap/);
  });

  it("--verdict exits 1 when a merged shard holds a failed run", () => {
    const failing = freshOut();
    const gate = ["--scenarios", join(FIXTURES, "failing"), "--seeds", "1", "--fuzz-runs", "0", "--determinism-runs", "0"];
    const shards = [1, 2].map((i) => ({ result: lfcc("gate", ...gate, "--shard", `${i}/2`, "--out", failing + i) }));
    expect(shards.map((s) => s.result.status).sort()).toEqual([0, 1]);
    const merged = lfcc("report", failing + 1, failing + 2, "--out", join(freshOut(), "r"), "--verdict");
    expect(merged.stdout).toContain("verdict: FAIL");
    expect(merged.status).toBe(1);
  });
});
