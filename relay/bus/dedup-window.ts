/**
 * Remembers recently delivered message keys so a message seen twice (a Redis redelivery, a
 * client retry, a replayed publish) is delivered once. Bounded in time AND count so memory stays
 * flat under any load: the oldest keys go first (a Map iterates in insertion order).
 */
export interface DedupFilter {
  /** True when `key` was seen inside the window (a duplicate); otherwise records it. */
  isDuplicate(key: string, nowMs: number): boolean;
  readonly size: number;
}

export class DedupWindow implements DedupFilter {
  private readonly seenAtMs = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.seenAtMs.size;
  }

  isDuplicate(key: string, nowMs: number): boolean {
    this.evict(nowMs);
    if (this.seenAtMs.has(key)) return true;
    this.seenAtMs.set(key, nowMs);
    return false;
  }

  private evict(nowMs: number): void {
    for (const [key, seenMs] of this.seenAtMs) {
      if (this.seenAtMs.size < this.maxEntries && nowMs - seenMs < this.windowMs) return;
      this.seenAtMs.delete(key);
    }
  }
}
