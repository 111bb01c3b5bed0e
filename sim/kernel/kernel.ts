/**
 * The kernel of one simulated run: the event queue, the named random streams, the trace, and the
 * run loop. Everything is per instance (no module-level state), so two runs in one process, even
 * interleaved, cannot influence each other.
 */
import type { Logger } from "../../relay/ports.ts";
import { NodeClock } from "./clock.ts";
import { settle, watchUnhandledRejections } from "./host.ts";
import { createTraceLogger } from "./logger.ts";
import { RandomForest, type SimRandom } from "../../lab/random.ts";
import { Scheduler } from "./scheduler.ts";
import { TraceRecorder } from "./trace.ts";

export interface KernelOptions {
  seed: number;
  keepTrace?: boolean;
}

/** The node an unhandled promise rejection is reported on (its owner cannot be known). */
export const UNHANDLED_NODE = "unhandled";

export class SimKernel {
  readonly scheduler = new Scheduler();
  readonly random: RandomForest;
  readonly trace: TraceRecorder;
  /** Errors thrown by simulated code from timers or deliveries: recorded, and the run goes on. */
  readonly errors: { tMs: number; node: string; message: string }[] = [];
  private eventsRun = 0;
  /** Set when a run stopped at its event budget (runUntil's `maxEvents`): a message storm. */
  exhausted: { atMs: number; events: number } | null = null;
  /** Told about every reported error (the world turns a server's into a crash of that server). */
  onError: ((node: string, message: string) => void) | undefined;

  constructor(options: KernelOptions) {
    this.random = new RandomForest(options.seed);
    this.trace = new TraceRecorder(() => this.scheduler.nowMs, options.keepTrace ?? false);
  }

  get nowMs(): number {
    return this.scheduler.nowMs;
  }

  get eventCount(): number {
    return this.eventsRun;
  }

  stream(name: string): SimRandom {
    return this.random.stream(name);
  }

  /** A fresh clock view for one node (a restarted server gets a new one). */
  clock(node: string): NodeClock {
    return new NodeClock(this.scheduler, (error) => this.reportError(node, error));
  }

  logger(node: string): Logger {
    return createTraceLogger(this.trace, node);
  }

  /** Runs `fn` at virtual time `atMs` (absolute); exceptions are reported, never fatal. */
  at(atMs: number, node: string, fn: () => void): void {
    this.scheduler.scheduleAt(atMs, () => this.guard(node, fn));
  }

  after(delayMs: number, node: string, fn: () => void): void {
    this.scheduler.schedule(delayMs, () => this.guard(node, fn));
  }

  guard(node: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.reportError(node, error);
    }
  }

  reportError(node: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.errors.push({ tMs: this.nowMs, node, message });
    this.trace.record(node, "error", { message });
    this.onError?.(node, message);
  }

  /**
   * Runs every event due up to `endMs` (inclusive), settling all promise chains after each one,
   * then leaves virtual time at `endMs`. `onEvent` is called after each settled event.
   */
  async runUntil(endMs: number, onEvent?: () => void, maxEvents = Infinity): Promise<void> {
    // A rejection nobody handles would end a real Node process: it is an error of the run (node "unhandled").
    const stopWatching = watchUnhandledRejections((reason) => this.reportError(UNHANDLED_NODE, reason));
    try {
      await this.loop(endMs, onEvent, maxEvents);
    } finally {
      await settle();
      stopWatching();
    }
  }

  private async loop(endMs: number, onEvent: (() => void) | undefined, maxEvents: number): Promise<void> {
    await settle(); // chains started before the loop (constructors, initialize()) run first
    for (;;) {
      const nextMs = this.scheduler.peekTimeMs();
      if (nextMs === undefined || nextMs > endMs) break;
      if (this.eventsRun >= maxEvents) {
        // A storm never lets virtual time reach the end: stop here, and the run reports it.
        this.exhausted = { atMs: this.scheduler.nowMs, events: this.eventsRun };
        return;
      }
      const event = this.scheduler.pop()!;
      event.run();
      this.eventsRun++;
      await settle();
      onEvent?.();
    }
    this.scheduler.nowMs = Math.max(this.scheduler.nowMs, endMs);
  }
}
