/**
 * Per-node views of the virtual clock (the Clock port). All timers of all nodes live on the ONE
 * global event queue; a view only adds a skew to `now()` (clockSkew fault) and remembers its
 * timers so a crashed node's timers can be cancelled at once (`kill`): a dead process runs nothing.
 */
import type { Clock, TimerHandle } from "../../relay/ports.ts";
import type { ScheduledEvent, Scheduler } from "./scheduler.ts";

/** Virtual ms 0 maps to this wall time, so timestamps in messages look like real epochs. */
export const SIM_EPOCH_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

interface SimTimer {
  event: ScheduledEvent | undefined;
  intervalMs?: number;
}

export class NodeClock implements Clock {
  /** Added to now() only; timers keep firing on the global queue (a skewed clock ticks at the same rate). */
  skewMs = 0;
  private readonly timers = new Set<SimTimer>();
  private dead = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly onTimerError: (error: unknown) => void,
  ) {}

  now(): number {
    return Math.floor(SIM_EPOCH_MS + this.scheduler.nowMs + this.skewMs); // integer ms, like Date.now()
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const timer: SimTimer = { event: undefined };
    if (this.dead) return timer;
    timer.event = this.scheduler.schedule(sanitizeDelay(delayMs), () => {
      this.timers.delete(timer);
      this.fire(fn);
    });
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.clear(handle);
  }

  setInterval(fn: () => void, intervalMs: number): TimerHandle {
    const timer: SimTimer = { event: undefined, intervalMs: Math.max(1, sanitizeDelay(intervalMs)) };
    if (this.dead) return timer;
    const tick = () => {
      timer.event = this.scheduler.schedule(timer.intervalMs!, tick);
      this.fire(fn);
    };
    timer.event = this.scheduler.schedule(timer.intervalMs!, tick);
    this.timers.add(timer);
    return timer;
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clear(handle);
  }

  /** The node died: cancel every pending timer and refuse new ones. */
  kill(): void {
    this.dead = true;
    for (const timer of this.timers) this.scheduler.cancel(timer.event);
    this.timers.clear();
  }

  get isDead(): boolean {
    return this.dead;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  private clear(handle: TimerHandle | undefined): void {
    const timer = handle as SimTimer | undefined;
    if (!timer || !this.timers.has(timer)) return;
    this.scheduler.cancel(timer.event);
    this.timers.delete(timer);
  }

  private fire(fn: () => void): void {
    if (this.dead) return;
    try {
      fn();
    } catch (error) {
      this.onTimerError(error);
    }
  }
}

/** Like Node: a missing, negative or NaN delay means "as soon as possible". */
function sanitizeDelay(delayMs: number): number {
  return Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
}
