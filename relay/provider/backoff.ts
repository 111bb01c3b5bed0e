/**
 * Reconnect delays for the client provider: exponential growth with "equal jitter".
 *
 * Why equal jitter (half fixed, half random) rather than full jitter: a server that refuses at once
 * (bad token, shutting down) must never see a zero delay, or a crowd of clients turns into a hot
 * loop; the random half still spreads a crowd that lost the same server at the same instant.
 */
import type { Random } from "../ports.ts";

export interface BackoffPolicy {
  /** Cap of the first delay. */
  baseMs: number;
  /** No delay ever exceeds this. */
  maxMs: number;
}

/** The cap for the given 0-based attempt: base * 2^attempt, never above max. */
export function backoffCapMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(attempt, 30); // 2^30 already dwarfs any sane max; avoids Infinity
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

/** A delay in [cap/2, cap) for the given 0-based attempt. */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: Random): number {
  const cap = backoffCapMs(policy, attempt);
  return cap / 2 + random.next() * (cap / 2);
}
