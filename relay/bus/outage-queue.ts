/**
 * Messages waiting for Redis while it is unreachable. Bounded by count AND bytes: on overflow the
 * OLDEST messages are dropped (newer edits are worth more, and clients recover dropped ones through
 * the RESYNC state-vector exchange after reconnect). Never grows past its bounds.
 */
export interface QueueLimits {
  queueMaxMessages: number;
  queueMaxBytes: number;
}

export interface QueuedPublish {
  channel: string;
  message: string;
  bytes: number;
  /** Re-encodes it when it finally goes out (PublishOptions.restamp). */
  restamp?: () => string;
}

export interface OutageQueue {
  readonly limits: QueueLimits;
  readonly depthMessages: number;
  readonly depthBytes: number;
  /** Adds one message; returns how many old messages were dropped to make room. */
  push(item: QueuedPublish): number;
  shift(): QueuedPublish | undefined;
  setLimits(limits: QueueLimits): void;
}

/** UTF-8 size without allocating (the queue is sized by what Redis would receive). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export class BoundedOutageQueue implements OutageQueue {
  // A ring would be faster; an array with a moving head is simple and amortized O(1).
  private items: QueuedPublish[] = [];
  private head = 0;
  private bytes = 0;

  constructor(public limits: QueueLimits) {}

  get depthMessages(): number {
    return this.items.length - this.head;
  }

  get depthBytes(): number {
    return this.bytes;
  }

  push(item: QueuedPublish): number {
    if (item.bytes > this.limits.queueMaxBytes || this.limits.queueMaxMessages < 1) return 1;
    this.items.push(item);
    this.bytes += item.bytes;
    return this.enforceLimits();
  }

  shift(): QueuedPublish | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    this.bytes -= item.bytes;
    this.compact();
    return item;
  }

  setLimits(limits: QueueLimits): void {
    this.limits = limits;
    this.enforceLimits();
  }

  private enforceLimits(): number {
    let dropped = 0;
    while (
      this.depthMessages > this.limits.queueMaxMessages ||
      (this.bytes > this.limits.queueMaxBytes && this.depthMessages > 0)
    ) {
      this.shift();
      dropped++;
    }
    return dropped;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
