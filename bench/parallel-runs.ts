/**
 * Runs per minute with 1 and with N worker threads (`--jobs`), side by side in one run: `lfcc fuzz`
 * exploring a fixed seed's scenarios and `lfcc sim` on the library, each command timed as a user
 * would see it (wall clock of the whole process, start-up included). Alternates the job counts so a
 * load change on this shared machine hits both. Each process is measured per thread
 * (bench/thread-cpu.ts): the CPU of V8's own threads (TurboFan's concurrent compiler, GC helpers)
 * competes with a second worker for the second core, so it is part of the answer.
 *
 * Runs the build (`npm run build` first; from the sources every worker compiles TypeScript on
 * start). A seed that finds a failure shrinks it on one thread whatever --jobs says, which would
 * dominate both timings: shrinking gets 1 s here. Seed 8 (the default) failed at run 84 on main
 * at 5afacfc and at run 3 after the merges of 2026-12-02: pick a seed that explores far (third
 * argument). bench/fuzz-throughput.ts measures the fuzz rate itself.
 * Not a test: `npx tsx bench/parallel-runs.ts [fuzzRuns=120] [rounds=2] [fuzzSeed=8]`.
 */
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { runFromSource } from "../bin/run-from.js";
import { runMeasuringThreads } from "./thread-cpu.ts";

const ROOT = join(import.meta.dirname, "..");
const fuzzRuns = Number(process.argv[2] ?? 120);
const rounds = Number(process.argv[3] ?? 2);
const fuzzSeed = process.argv[4] ?? "8";
const jobCounts = [1, Math.max(2, availableParallelism())];

async function timed(args: string[]): Promise<{ wallMs: number; runs: number; cpu: string }> {
  const result = await runMeasuringThreads(process.execPath, [join(ROOT, "bin", "lfcc.js"), ...args, "--json"], {
    cwd: ROOT,
    env: { ...process.env, LFCC_RUN_FROM: "dist" },
  });
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`lfcc ${args.join(" ")} exited ${result.exitCode}: ${result.stderr}`);
  const total = result.mainS + result.workersS + result.backgroundS;
  const cpu = `cpu ${total.toFixed(1)} s = main ${result.mainS.toFixed(1)} + workers ${result.workersS.toFixed(1)} + V8/libuv ${result.backgroundS.toFixed(1)}`;
  return { wallMs: result.wallMs, runs: result.stdout.trim().split("\n").filter(Boolean).length, cpu };
}

if (runFromSource(undefined)) console.log("warning: dist/ is older than the sources; run `npm run build` first (this bench runs dist/)");
console.log(`load average at start: ${loadavg().map((n) => n.toFixed(2)).join(" ")} (${availableParallelism()} cores)`);
const workloads: Array<[string, string[]]> = [
  [`fuzz --runs ${fuzzRuns} --seed ${fuzzSeed}`, ["fuzz", "--runs", String(fuzzRuns), "--seed", fuzzSeed, "--shrink-time", "1s", "--out", join(ROOT, ".tmp", "parallel-runs")]],
  ["sim scenarios/ --seeds 1..3", ["sim", "scenarios/", "--seeds", "1..3"]],
];
for (const [label, args] of workloads) {
  const perMinute = new Map<number, number[]>(jobCounts.map((jobs) => [jobs, []]));
  for (let round = 0; round < rounds; round++) {
    for (const jobs of round % 2 === 0 ? jobCounts : [...jobCounts].reverse()) {
      const { wallMs, runs, cpu } = await timed([...args, "--jobs", String(jobs)]);
      perMinute.get(jobs)!.push((runs * 60_000) / wallMs);
      console.log(`  ${label} --jobs ${jobs}: ${runs} runs in ${(wallMs / 1000).toFixed(1)} s; ${cpu}`);
    }
  }
  const best = (jobs: number) => Math.max(...perMinute.get(jobs)!);
  const cells = jobCounts.map((jobs) => `--jobs ${jobs}: ${best(jobs).toFixed(0)} runs/min`).join(", ");
  console.log(`${label}: ${cells}; ratio ${(best(jobCounts[1]!) / best(1)).toFixed(2)}x (best of ${rounds})`);
}
console.log(`load average at end: ${loadavg().map((n) => n.toFixed(2)).join(" ")}`);
