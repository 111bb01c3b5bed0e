/**
 * The scenario's workload on the wall clock: every live client makes `editsPerSecond` edits on
 * average (Poisson arrivals), each drawn from the scenario's ops weights with the client's own
 * seeded stream ("workload:cN", like the simulator) and the simulator's own op generator, so the
 * ops mix is the same even though the timing is real.
 *
 * Each edit is due at the previous edit's DUE time plus the drawn gap, not at "now" plus the gap:
 * timers fire late on a loaded machine (one process runs every client), and re-arming from "now"
 * added that lag to every gap, so chaos runs made 3-7% fewer edits than the same seed in the
 * simulator (measured on the library, load average ~20: see chaos/README.md, fidelity).
 */
import type { Workload } from "../lab/scenario/types.ts";
import type { SimRandom } from "../lab/random.ts";
import type { ChaosClient } from "./client.ts";
import { applyWorkloadOp, nextEditDelayMs } from "../lab/workload.ts";

export class ChaosWorkload {
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = true;

  constructor(private readonly workload: Workload) {}

  /** Starts editing on `client` until stop() or until the client leaves. */
  drive(client: ChaosClient, random: SimRandom): void {
    if (this.workload.editsPerSecond <= 0) return;
    let dueMs = performance.now();
    const tick = () => {
      this.timers.delete(timer);
      if (!this.running || !client.live) return;
      applyWorkloadOp(client, this.workload.ops, random);
      schedule();
    };
    let timer: NodeJS.Timeout;
    const schedule = () => {
      dueMs += nextEditDelayMs(this.workload.editsPerSecond, random);
      timer = setTimeout(tick, Math.max(0, dueMs - performance.now()));
      this.timers.add(timer);
    };
    schedule();
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
