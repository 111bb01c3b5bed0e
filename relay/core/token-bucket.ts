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

export class TokenBucket {
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

  /** Gives back what an admitted message turned out not to owe (capped at the bucket size). */
  giveBack(cost: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + Math.min(cost, this.capacity));
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

  /**
   * An admitted frame turned out to be an answer another client asked for (a snapshot for its
   * request, a diff for its SYNC_STEP1): the asker's state-request budget paid for it, so the
   * answering client's own budget gets its tokens back (PROTOCOL.md section 8).
   */
  refund(bytes: number): void {
    this.messages.giveBack(1);
    this.bytes.giveBack(bytes);
  }

  private violation(retryAfterMs: number): { ok: false; retryAfterMs: number } {
    this.consecutiveViolations++;
    return { ok: false, retryAfterMs: Math.max(1, retryAfterMs) };
  }
}

export interface StateRequestLimits {
  stateRequestsPerSecond: number;
  stateRequestBurst: number;
  viewerStateRequestsPerSecond: number;
  viewerStateRequestBurst: number;
}

/** The state-request bucket of one connection: viewers get the smaller one. */
export function stateRequestBucket(limits: StateRequestLimits, role: "editor" | "viewer", nowMs: number): TokenBucket {
  return role === "viewer"
    ? new TokenBucket(limits.viewerStateRequestBurst, limits.viewerStateRequestsPerSecond, nowMs)
    : new TokenBucket(limits.stateRequestBurst, limits.stateRequestsPerSecond, nowMs);
}
