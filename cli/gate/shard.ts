/**
 * `lfcc gate --shard i/n`: this machine runs shard i of n. The gate's plan is the same on every
 * machine (same checkout, same flags), and each of its runs goes to exactly one shard by a
 * deterministic rule: runs are taken longest first (the scenario's end time, a fair proxy for its
 * cost) and each goes to the shard with the least work so far (ties to the lower shard), so shards
 * finish at about the same time. The fuzz budget is split too, each shard exploring its share
 * with its own seed. Each shard writes `<out>/shard.json`, which `lfcc report dir1 dir2 ...` uses to
 * check that every shard of the set is there before it merges them into one verdict.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runName, SHARD_MANIFEST, type ShardManifest } from "../../lab/results-layout.ts";
import { quiescenceStartMs, type Scenario } from "../../lab/scenario/types.ts";
import { UsageError } from "../usage-error.ts";
import type { GatePlan } from "./plan.ts";
import type { GateSettings } from "./settings.ts";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard expects i/n with 1 <= i <= n, like 2/4, got "${text}"`);
  return { index, count };
}

/** Shard (1-based) of every item, in item order: longest first onto the least-loaded shard. */
export function assignShards(costs: readonly number[], count: number): number[] {
  const load = new Array<number>(count).fill(0);
  const shardOf = new Array<number>(costs.length);
  const order = costs.map((cost, i) => ({ cost, i })).sort((a, b) => b.cost - a.cost || a.i - b.i);
  for (const { cost, i } of order) {
    const lightest = load.indexOf(Math.min(...load));
    shardOf[i] = lightest + 1;
    load[lightest] += cost;
  }
  return shardOf;
}

/** A run's cost: its virtual length times its clients (events grow with both). */
export function runCost(scenario: Scenario): number {
  return quiescenceStartMs(scenario) * Math.max(1, scenario.topology.clients);
}

/** The part of the plan this shard runs. */
export function shardPlan(plan: GatePlan, shard: Shard): GatePlan {
  const simShards = assignShards(plan.simRuns.map((run) => runCost(run.scenario)), shard.count);
  const chaosShards = assignShards(plan.chaosScenarios.map((entry) => runCost(entry.scenario)), shard.count);
  return {
    simRuns: plan.simRuns.filter((_, i) => simShards[i] === shard.index),
    chaosScenarios: plan.chaosScenarios.filter((_, i) => chaosShards[i] === shard.index),
  };
}

/** This shard's share of the fuzz budget (the remainder to the first shards) and its own seed. */
export function shardFuzz(fuzz: GateSettings["fuzz"], shard: Shard): GateSettings["fuzz"] {
  const share = Math.floor(fuzz.runs / shard.count) + (shard.index <= fuzz.runs % shard.count ? 1 : 0);
  return { ...fuzz, runs: share, seed: fuzz.seed + shard.index - 1 };
}

export function writeShardManifest(outDir: string, shard: Shard, plan: GatePlan, fuzzRuns: number): void {
  const runs = [
    ...plan.simRuns.map((run) => runName({ scenario: run.scenario.name, seed: run.seed, mode: "sim" })),
    ...plan.chaosScenarios.map(({ scenario }) => runName({ scenario: scenario.name, seed: scenario.seed, mode: "chaos" })),
  ];
  const manifest: ShardManifest = { shard: shard.index, of: shard.count, runs, fuzzRuns };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, SHARD_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}
