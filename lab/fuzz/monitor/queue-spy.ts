/**
 * Wraps a relay's outage queue and replays every push and shift on an ideal one (PROTOCOL.md:
 * bounded by count and bytes, FIFO, the OLDEST dropped on overflow, every drop reported). The
 * wrapped queue keeps doing the real work; the spy only reports where the two disagree: a drop
 * not reported, the newest dropped instead of the oldest, a flush out of order.
 */
import type { OutageQueue, QueuedPublish, QueueLimits } from "../../../relay/bus/outage-queue.ts";

export interface QueueReport {
  violation(detail: string): void;
  dropped(model: number, reported: number): void;
}

export class QueueSpy implements OutageQueue {
  private readonly ideal: QueuedPublish[] = [];
  private idealBytes = 0;
  /** After one disagreement the spy stops judging: one report per bug, not a cascade. */
  private judging = true;

  constructor(private readonly inner: OutageQueue, private readonly report: QueueReport) {}

  get limits(): QueueLimits {
    return this.inner.limits;
  }

  get depthMessages(): number {
    return this.inner.depthMessages;
  }

  get depthBytes(): number {
    return this.inner.depthBytes;
  }

  push(item: QueuedPublish): number {
    const reported = this.inner.push(item);
    if (!this.judging) return reported;
    const expected = this.idealPush(item);
    this.report.dropped(expected, reported);
    if (reported !== expected) this.fail(`queue reported ${reported} dropped on a push, an oldest-first bounded queue drops ${expected}`);
    else if (this.inner.depthMessages !== this.ideal.length) {
      this.fail(`queue holds ${this.inner.depthMessages} messages, the bounded queue ${this.ideal.length} (limit ${this.limits.queueMaxMessages})`);
    }
    return reported;
  }

  shift(): QueuedPublish | undefined {
    const item = this.inner.shift();
    if (!this.judging) return item;
    const expected = this.ideal.shift();
    if (expected) this.idealBytes -= expected.bytes;
    if (item?.message !== expected?.message) {
      this.fail(item && expected ? "queue flushed a message out of FIFO order, or kept an older one than it dropped" : "queue flushed a different number of messages than it held");
    }
    return item;
  }

  setLimits(limits: QueueLimits): void {
    this.inner.setLimits(limits);
    if (this.judging) this.enforce();
  }

  private idealPush(item: QueuedPublish): number {
    if (item.bytes > this.limits.queueMaxBytes || this.limits.queueMaxMessages < 1) return 1;
    this.ideal.push(item);
    this.idealBytes += item.bytes;
    return this.enforce();
  }

  private enforce(): number {
    let dropped = 0;
    const { queueMaxMessages, queueMaxBytes } = this.limits;
    while (this.ideal.length > queueMaxMessages || (this.idealBytes > queueMaxBytes && this.ideal.length > 0)) {
      this.idealBytes -= this.ideal.shift()!.bytes;
      dropped++;
    }
    return dropped;
  }

  private fail(detail: string): void {
    this.judging = false;
    this.report.violation(detail);
  }
}
