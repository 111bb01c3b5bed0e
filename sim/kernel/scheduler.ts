/**
 * The simulator's one event queue, ordered by (virtual time, sequence number). Virtual time only
 * moves when the next event is taken, so an idle minute costs nothing. The sequence number makes
 * ties deterministic: two events due at the same ms run in the order they were scheduled.
 */

export interface ScheduledEvent {
  readonly timeMs: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

export class Scheduler {
  private readonly heap: ScheduledEvent[] = [];
  private nextSeq = 0;
  /** Virtual ms since the run started. */
  nowMs = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `run` after `delayMs` (negative delays run "now", after already-due events). */
  schedule(delayMs: number, run: () => void): ScheduledEvent {
    const event: ScheduledEvent = { timeMs: this.nowMs + Math.max(0, delayMs), seq: this.nextSeq++, run, cancelled: false };
    this.push(event);
    return event;
  }

  /** Schedules at an absolute virtual time (clamped to now). */
  scheduleAt(timeMs: number, run: () => void): ScheduledEvent {
    return this.schedule(timeMs - this.nowMs, run);
  }

  cancel(event: ScheduledEvent | undefined): void {
    if (event) event.cancelled = true;
  }

  /** Time of the next live event, or undefined when the queue is empty. */
  peekTimeMs(): number | undefined {
    this.dropCancelledHead();
    return this.heap[0]?.timeMs;
  }

  /** Removes and returns the next live event, advancing virtual time to it. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelledHead();
    const top = this.heap[0];
    if (!top) return undefined;
    this.removeHead();
    this.nowMs = top.timeMs;
    return top;
  }

  private dropCancelledHead(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.removeHead();
  }

  /** Standard heap removal: the last element takes the root's place and sinks. */
  private removeHead(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private push(event: ScheduledEvent): void {
    this.heap.push(event);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.heap[i], this.heap[parent])) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
      i = smallest;
    }
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
