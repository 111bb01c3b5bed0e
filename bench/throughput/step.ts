/**
 * One load step of bench/relay-throughput.ts (a warm-up, a recorded window, a drain) and the
 * search over steps. A step passes when the cross-server p99 is at or under the target. It is
 * saturated when the system stopped keeping up at all: an edit was lost, the MEDIAN passed the
 * saturation bound (queues are growing; a loaded machine's scheduling noise moves the tail, not
 * the median), or the load generator fell behind its own schedule (then the servers were
 * not the limit, and the verdict says so). The search doubles the rate until saturation (the
 * whole curve, since on a loaded machine the target may fail at low rates from noise alone),
 * then bisects between the highest passing rate and the next one.
 */
import { drain, drive, type EditPair } from "./open-loop.ts";
import { percentile } from "../cross-server-latency.ts";

export interface StepSettings {
  warmupMs: number;
  recordMs: number;
  drainMs: number;
  p99TargetMs: number;
  /** A median over this means queues are growing: the system is past its ceiling, stop climbing. */
  saturationP50Ms: number;
  /**
   * The generator is behind when it issued under this share of the edits due in the window (it
   * could not keep the rate), or used more than `maxGeneratorCores` (its one thread was saturated,
   * so its own delays were inside every latency). Its lag is reported, not judged: on a loaded
   * machine every process, the servers too, is descheduled for a few ms now and then.
   */
  minIssuedShare: number;
  maxGeneratorCores: number;
}

/** What the caller measures around the recorded window (Redis publishes, CPU per process). */
export interface StepProbe<Extra> {
  begin(): Promise<void>;
  end(edits: number, windowS: number): Promise<Extra & { generatorCores: number }>;
}

export type Verdict = "pass" | "p99 over target" | "saturated" | "edits lost" | "generator behind";

export interface StepResult<Extra> {
  targetRate: number;
  achievedRate: number;
  edits: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  generatorLagP99Ms: number;
  verdict: Verdict;
  probe: Extra & { generatorCores: number };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export async function runStep<Extra>(pairs: EditPair[], rate: number, settings: StepSettings, probe: StepProbe<Extra>, latencies: number[]): Promise<StepResult<Extra>> {
  latencies.length = 0; // filled by the pairs' arrival callback (recorded edits only)
  await drive(pairs, rate, settings.warmupMs, false);
  await probe.begin();
  const startMs = performance.now();
  const run = await drive(pairs, rate, settings.recordMs, true);
  const windowS = (performance.now() - startMs) / 1000;
  const measured = await probe.end(run.issued, windowS);
  await drain(pairs, settings.drainMs);
  const lost = pairs.flatMap((pair) => pair.abandon()).filter((edit) => edit.recorded).length;
  // A lost edit counts as infinitely late: more than 1% lost and the p99 is infinite too.
  const sorted = [...latencies, ...Array<number>(lost).fill(Infinity)].sort((a, b) => a - b);
  const lag = [...run.lagMs].sort((a, b) => a - b);
  const result = {
    targetRate: rate,
    achievedRate: Math.round(run.issued / windowS),
    edits: run.issued,
    lost,
    p50Ms: round2(percentile(sorted, 50)),
    p99Ms: round2(percentile(sorted, 99)),
    maxMs: round2(sorted[sorted.length - 1] ?? 0),
    generatorLagP99Ms: round2(percentile(lag, 99)),
    probe: measured,
  };
  return { ...result, verdict: verdictOf(result, settings) };
}

function verdictOf(step: Omit<StepResult<unknown>, "verdict">, settings: StepSettings): Verdict {
  if (step.achievedRate < step.targetRate * settings.minIssuedShare || step.probe.generatorCores > settings.maxGeneratorCores) return "generator behind";
  if (step.lost > 0) return "edits lost";
  if (step.p50Ms > settings.saturationP50Ms) return "saturated";
  return step.p99Ms <= settings.p99TargetMs ? "pass" : "p99 over target";
}

const climbing = (verdict: Verdict) => verdict === "pass" || verdict === "p99 over target";

/**
 * Doubles from `startRate` while the system keeps up (up to `maxRate`, tried last), then bisects `bisectSteps`
 * times between the highest passing rate and the next rate tried. Returns every step, in order.
 */
export async function searchCeiling<R extends { targetRate: number; verdict: Verdict }>(startRate: number, maxRate: number, bisectSteps: number, step: (rate: number) => Promise<R>): Promise<R[]> {
  const steps: R[] = [];
  // Doubling, and maxRate itself last when doubling would step over it.
  for (let rate = startRate; rate <= maxRate; rate = rate * 2 > maxRate && rate < maxRate ? maxRate : rate * 2) {
    const result = await step(rate);
    steps.push(result);
    if (!climbing(result.verdict)) break;
  }
  const passing = () => steps.filter((s) => s.verdict === "pass").map((s) => s.targetRate);
  const above = (rate: number) => Math.min(...steps.map((s) => s.targetRate).filter((r) => r > rate));
  for (let i = 0; i < bisectSteps && passing().length > 0; i++) {
    const passed = Math.max(...passing());
    const failed = above(passed);
    if (!Number.isFinite(failed) || failed - passed < startRate / 4) break;
    steps.push(await step(Math.round((passed + failed) / 2)));
  }
  return steps;
}
