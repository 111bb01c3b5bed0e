/**
 * `--jobs N`: how many worker threads run independent simulated runs (default: every core).
 * One job runs in the command's own thread, exactly as before there were workers.
 */
import { availableParallelism } from "node:os";
import { UsageError } from "../usage-error.ts";

export const JOBS_HELP = "worker threads for independent runs (default: available cores; 1 = in this process)";

export function parseJobs(text: string | undefined): number {
  if (text === undefined) return defaultJobs();
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`--jobs expects a whole number of at least 1, got "${text}"`);
  return Math.min(Number(text), 256);
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}
