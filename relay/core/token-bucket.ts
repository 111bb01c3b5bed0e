/**
 * Per-connection rate limiting (PROTOCOL.md section 5): two token buckets, one counting messages
 * and one counting bytes. Refill is computed from the Clock port on use (no timers per client).
 */
export interface RateLimits {
  rateLimitMessagesPerSecond: number;
  rateLimitBurstMessages: number;
  rateLimitBytesPerSecond: number;
  rateLimitBurstBytes: number;
}

class TokenBucket {
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.refilledAtMs = nowMs;
  }

  /** Takes `cost` tokens if there are enough; else returns how long until there would be. */
  take(cost: number, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill(nowMs);
    const needed = Math.min(cost, this.capacity); // a single oversized cost must not wait forever
    if (this.tokens >= needed) {
      this.tokens -= needed;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((needed - this.tokens) / this.perSecond) * 1000) };
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.refilledAtMs);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.perSecond) / 1000);
    this.refilledAtMs = nowMs;
  }
}

export class ConnectionRateLimiter {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  /** Rate-limited messages in a row (reset by any accepted one). */
  consecutiveViolations = 0;

  constructor(limits: RateLimits, nowMs: number) {
    this.messages = new TokenBucket(limits.rateLimitBurstMessages, limits.rateLimitMessagesPerSecond, nowMs);
    this.bytes = new TokenBucket(limits.rateLimitBurstBytes, limits.rateLimitBytesPerSecond, nowMs);
  }

  /** Admits one message of `bytes`; when refused, says when to retry. */
  admit(bytes: number, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const byMessages = this.messages.take(1, nowMs);
    if (!byMessages.ok) return this.violation(byMessages.retryAfterMs);
    const byBytes = this.bytes.take(bytes, nowMs);
    if (!byBytes.ok) return this.violation(byBytes.retryAfterMs);
    this.consecutiveViolations = 0;
    return { ok: true };
  }

  private violation(retryAfterMs: number): { ok: false; retryAfterMs: number } {
    this.consecutiveViolations++;
    return { ok: false, retryAfterMs: Math.max(1, retryAfterMs) };
  }
}
