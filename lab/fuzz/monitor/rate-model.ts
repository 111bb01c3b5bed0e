/**
 * The ideal rate limiter the routing monitor judges the relay against: the two token buckets of
 * PROTOCOL.md section 5 (messages and bytes, refilled continuously), written again from the spec,
 * not imported, so a bug in the relay's buckets shows as a disagreement.
 */
export interface RateLimitSettings {
  rateLimitMessagesPerSecond: number;
  rateLimitBurstMessages: number;
  rateLimitBytesPerSecond: number;
  rateLimitBurstBytes: number;
}

/** A refusal is unfair only when the ideal bucket had this share of its capacity left over. */
export const FAIRNESS_TOLERANCE = 0.05;

class IdealBucket {
  private tokens: number;
  private atMs: number;

  constructor(private readonly capacity: number, private readonly perSecond: number, nowMs: number) {
    this.tokens = capacity;
    this.atMs = nowMs;
  }

  /** Tokens available now, minus what this cost needs (negative: over budget). */
  room(cost: number, nowMs: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, nowMs - this.atMs) * this.perSecond) / 1000);
    this.atMs = nowMs;
    return this.tokens - Math.min(cost, this.capacity);
  }

  take(cost: number): void {
    this.tokens -= Math.min(cost, this.capacity);
  }

  get tolerance(): number {
    return this.capacity * FAIRNESS_TOLERANCE;
  }
}

export type Verdict = "within" | "over" | "clearly-within";

export class IdealRateLimiter {
  private readonly messages: IdealBucket;
  private readonly bytes: IdealBucket;

  constructor(limits: RateLimitSettings, nowMs: number) {
    this.messages = new IdealBucket(limits.rateLimitBurstMessages, limits.rateLimitMessagesPerSecond, nowMs);
    this.bytes = new IdealBucket(limits.rateLimitBurstBytes, limits.rateLimitBytesPerSecond, nowMs);
  }

  /** Judges one frame and charges it the way the spec does (the message token first). */
  admit(bytes: number, nowMs: number): Verdict {
    const messageRoom = this.messages.room(1, nowMs);
    if (messageRoom < 0) return "over";
    this.messages.take(1);
    const byteRoom = this.bytes.room(bytes, nowMs);
    if (byteRoom < 0) return "over";
    this.bytes.take(bytes);
    return messageRoom >= this.messages.tolerance && byteRoom >= this.bytes.tolerance ? "clearly-within" : "within";
  }
}
