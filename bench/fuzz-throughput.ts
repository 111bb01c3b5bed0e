/**
 * `lfcc fuzz` exploration throughput (issue 15 goal 4: >= 1,000 random scenarios per minute with
 * the default settings) and its scaling with worker threads (goal 2: >= 1.7x with 2 jobs), side by
 * side in one run: for each seed, the default command (100 runs) with `--jobs 1` and `--jobs N`,
 * alternating which goes first. The rate is the command's own: scenarios explored per minute from
 * its start to the last explored run, shrinking excluded (a seed that finds a failure shrinks it
 * for at most 1 s here). Each process is measured per thread (bench/thread-cpu.ts), which shows
 * where a second core goes: the workers, or V8's own compiler and GC threads.
 *
 * `--peer DIR`: the same measurements of another checkout (built, with node_modules), interleaved
 * with this one's, for before/after numbers from one run (e.g. `git archive main | tar -x -C DIR`,
 * link node_modules, `node tools/build.mjs` there).
 *
 * Runs the build (`npm run build` first): from the sources every thread would compile TypeScript
 * on start. Not a test:
 * `npx tsx bench/fuzz-throughput.ts [--seeds 1,2,3] [--runs 100] [--jobs N] [--peer DIR]`.
 */
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runFromSource } from "../bin/run-from.js";
import { runMeasuringThreads, type ThreadCpu } from "./thread-cpu.ts";

const ROOT = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { seeds: { type: "string", default: "1,2,3" }, runs: { type: "string" }, jobs: { type: "string" }, peer: { type: "string" } },
});
const seeds = values.seeds.split(",").map(Number);
const parallelJobs = Number(values.jobs ?? Math.max(2, availableParallelism()));
const jobCounts = [1, parallelJobs];

interface Measurement extends ThreadCpu {
  runs: number;
  perMinute: number;
}

const trees: Array<[string, string]> = [["this tree", ROOT], ...(values.peer ? [["peer", values.peer] as [string, string]] : [])];

async function fuzzOnce(tree: string, seed: number, jobs: number): Promise<Measurement> {
  const args = [join(tree, "bin", "lfcc.js"), "fuzz", "--seed", String(seed), "--jobs", String(jobs), "--shrink-time", "1s", "--out", join(ROOT, ".tmp", "fuzz-throughput")];
  if (values.runs) args.push("--runs", values.runs);
  const result = await runMeasuringThreads(process.execPath, args, { cwd: ROOT, env: { ...process.env, LFCC_RUN_FROM: "dist" } });
  const summary = /(\d+) scenario\(s\) in ([\d.]+)s \((\d+)\/min\)/.exec(result.stdout);
  if (!summary) throw new Error(`no fuzz summary (exit ${result.exitCode}): ${result.stdout.slice(-500)}${result.stderr.slice(-500)}`);
  return { ...result, runs: Number(summary[1]), perMinute: Number(summary[3]) };
}

function cpuCells(m: Measurement): string {
  const total = m.mainS + m.workersS + m.backgroundS;
  return `cpu ${total.toFixed(1)} s (main ${m.mainS.toFixed(1)}, workers ${m.workersS.toFixed(1)}, V8/libuv ${m.backgroundS.toFixed(1)}), ${((1000 * total) / m.runs).toFixed(0)} ms/run, ${(total / (m.wallMs / 1000)).toFixed(2)} cores`;
}

if (runFromSource(undefined)) console.log("warning: dist/ is older than the sources; run `npm run build` first (this bench runs dist/)");
console.log(`load average at start: ${loadavg().map((n) => n.toFixed(2)).join(" ")} (${availableParallelism()} cores)`);
const rates = new Map<string, number[]>();
const key = (name: string, jobs: number) => `${name} --jobs ${jobs}`;
for (const [i, seed] of seeds.entries()) {
  const order = trees.flatMap(([name, tree]) => jobCounts.map((jobs) => ({ name, tree, jobs })));
  for (const { name, tree, jobs } of i % 2 === 0 ? order : order.reverse()) {
    const m = await fuzzOnce(tree, seed, jobs);
    rates.set(key(name, jobs), [...(rates.get(key(name, jobs)) ?? []), m.perMinute]);
    console.log(`${name}, seed ${seed}, --jobs ${jobs}: ${m.runs} runs, ${m.perMinute}/min explored; ${cpuCells(m)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name] of trees) {
  const cells = jobCounts.map((jobs) => `--jobs ${jobs}: median ${median(rates.get(key(name, jobs))!)}/min`).join(", ");
  const ratios = seeds.map((_, i) => rates.get(key(name, parallelJobs))![i]! / rates.get(key(name, 1))![i]!);
  console.log(`${name}: ${cells}; ratio per seed ${ratios.map((r) => r.toFixed(2)).join(", ")} (median ${median(ratios).toFixed(2)}x)`);
}
console.log(`load average at end: ${loadavg().map((n) => n.toFixed(2)).join(" ")}`);
