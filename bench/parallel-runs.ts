/**
 * Runs per minute with 1 and with N worker threads (`--jobs`), side by side in one run: `lfcc fuzz`
 * exploring a fixed seed's scenarios and `lfcc sim` on the library, each command timed as a user
 * would see it (wall clock of the whole process, start-up included). Alternates the job counts so a
 * load change on this shared machine hits both. Not a test: `npx tsx bench/parallel-runs.ts [fuzzRuns] [rounds]`.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const fuzzRuns = Number(process.argv[2] ?? 120);
const rounds = Number(process.argv[3] ?? 2);
const jobCounts = [1, Math.max(2, availableParallelism())];

function timed(args: string[]): { wallMs: number; runs: number } {
  const start = performance.now();
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "lfcc.js"), ...args, "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  const wallMs = performance.now() - start;
  if (result.status !== 0 && result.status !== 1) throw new Error(`lfcc ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { wallMs, runs: result.stdout.trim().split("\n").filter(Boolean).length };
}

const workloads: Array<[string, string[]]> = [
  [`fuzz --runs ${fuzzRuns} --seed 8`, ["fuzz", "--runs", String(fuzzRuns), "--seed", "8"]],
  ["sim scenarios/ --seeds 1..3", ["sim", "scenarios/", "--seeds", "1..3"]],
];
for (const [label, args] of workloads) {
  const perMinute = new Map<number, number[]>(jobCounts.map((jobs) => [jobs, []]));
  for (let round = 0; round < rounds; round++) {
    for (const jobs of round % 2 === 0 ? jobCounts : [...jobCounts].reverse()) {
      const { wallMs, runs } = timed([...args, "--jobs", String(jobs)]);
      perMinute.get(jobs)!.push((runs * 60_000) / wallMs);
    }
  }
  const best = (jobs: number) => Math.max(...perMinute.get(jobs)!);
  const cells = jobCounts.map((jobs) => `--jobs ${jobs}: ${best(jobs).toFixed(0)} runs/min`).join(", ");
  console.log(`${label}: ${cells}; ratio ${(best(jobCounts[1]!) / best(1)).toFixed(2)}x (best of ${rounds})`);
}
