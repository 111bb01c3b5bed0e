/**
 * CPU time of processes on this machine, from /proc/<pid>/stat (utime + stime, in clock ticks),
 * and of this process from process.cpuUsage(): what each part of a benchmark burned in a window,
 * in cores (1.0 = one core busy the whole window). Linux only, like the rest of bench/.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
export const SELF = "self";

/** CPU seconds used so far by `pid` (SELF: this process, all threads). */
export function cpuSeconds(pid: number | typeof SELF): number {
  if (pid === SELF) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
  // Fields after the ")" that closes the command name: state is the 3rd field, utime the 14th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Cores used by each named process between start() and the returned stop(). */
export function startCpuWindow<Name extends string>(pids: Record<Name, number | typeof SELF>): () => Record<Name, number> {
  const names = Object.keys(pids) as Name[];
  const before = names.map((name) => cpuSeconds(pids[name]));
  const startedMs = performance.now();
  return () => {
    const seconds = (performance.now() - startedMs) / 1000;
    return Object.fromEntries(names.map((name, i) => [name, Math.round(((cpuSeconds(pids[name]) - before[i]!) / seconds) * 100) / 100])) as Record<Name, number>;
  };
}
