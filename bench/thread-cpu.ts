/**
 * CPU seconds per thread of a child process (Linux /proc), sampled while it runs: where a
 * command's CPU went, split into its main thread, the worker threads it started (`--jobs`) and
 * the threads V8 and libuv start in every process (TurboFan's concurrent compiler, concurrent
 * and parallel GC, the libuv pool). Wall time alone cannot tell a busy second core from a free one.
 *
 * Which thread is which (all are named "node"): Node starts V8's platform threads before any
 * JavaScript runs, and a command loads its modules (~0.3 s of CPU) before it starts a worker, so
 * the threads' start times fall into two groups; the widest gap between start times splits them.
 * libuv pool threads start on first use and may land in the late group; they use next to no CPU,
 * so a thread counts as a worker only above 0.2 s. Samples every 50 ms, so a thread's last 50 ms
 * may be missed (it undercounts, by little).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ThreadCpu {
  wallMs: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** CPU seconds (user + system). */
  mainS: number;
  workersS: number;
  /** V8 platform threads (JIT compiler, GC helpers) and the libuv pool. */
  backgroundS: number;
  /** Worker threads with real work: how many `--jobs` really ran. */
  workerThreads: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux
const WORKER_MIN_CPU_S = 0.2;
/** A gap narrower than this is threads starting together, not two groups. */
const MIN_GAP_TICKS = 10;

interface ThreadSample {
  cpuTicks: number;
  startTicks: number;
}

function sampleThreads(pid: number): Map<number, ThreadSample> {
  const threads = new Map<number, ThreadSample>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is stat field 3
      threads.set(Number(tid), { cpuTicks: Number(fields[11]) + Number(fields[12]), startTicks: Number(fields[19]) });
    } catch {
      // the thread ended between readdir and read
    }
  }
  return threads;
}

/** Threads other than main that started before the widest gap in start times (none after it: all). */
function processOwnThreads(threads: Map<number, ThreadSample>, pid: number): Set<number> {
  const others = [...threads].filter(([tid]) => tid !== pid).sort((a, b) => a[1].startTicks - b[1].startTicks);
  let split = others.length;
  let widest = MIN_GAP_TICKS - 1;
  for (let i = 1; i < others.length; i++) {
    const gap = others[i]![1].startTicks - others[i - 1]![1].startTicks;
    const laterWork = others.slice(i).some(([, t]) => t.cpuTicks / TICKS_PER_S > WORKER_MIN_CPU_S);
    if (gap > widest && laterWork) {
      widest = gap;
      split = i;
    }
  }
  return new Set(others.slice(0, split).map(([tid]) => tid));
}

export function runMeasuringThreads(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ThreadCpu> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const pid = child.pid!;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const last = new Map<number, ThreadSample>();
    const sample = () => {
      for (const [tid, thread] of sampleThreads(pid)) last.set(tid, thread);
    };
    const timer = setInterval(sample, 50);
    child.on("error", reject);
    child.on("exit", (exitCode) => {
      clearInterval(timer);
      const wallMs = performance.now() - start;
      const own = processOwnThreads(last, pid);
      let mainS = 0;
      let workersS = 0;
      let backgroundS = 0;
      let workerThreads = 0;
      for (const [tid, { cpuTicks }] of last) {
        const seconds = cpuTicks / TICKS_PER_S;
        if (tid === pid) mainS += seconds;
        else if (own.has(tid)) backgroundS += seconds;
        else {
          workersS += seconds;
          if (seconds > WORKER_MIN_CPU_S) workerThreads++;
        }
      }
      resolve({ wallMs, stdout, stderr, exitCode, mainS, workersS, backgroundS, workerThreads });
    });
  });
}
