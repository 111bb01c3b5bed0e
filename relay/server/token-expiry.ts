/**
 * `exp` on open sockets (PROTOCOL.md section 8 "Auth"): a socket whose token expires is closed with
 * 1008, not left sending on credentials that are no longer valid. One timer per connection, through
 * the Clock port, cancelled when the socket closes first.
 */
import type { Clock, TimerHandle } from "../ports.ts";

/** Node timers overflow past 2^31-1 ms (~24.8 days) and would fire at once: re-arm in steps instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpired` once when `expiresAtMs` (epoch ms) is reached; returns the cancel function. */
export function whenExpired(clock: Clock, expiresAtMs: number, onExpired: () => void): () => void {
  let timer: TimerHandle | undefined;
  const arm = () => {
    const leftMs = expiresAtMs - clock.now();
    if (leftMs <= 0) {
      timer = undefined;
      onExpired();
      return;
    }
    timer = clock.setTimeout(arm, Math.min(leftMs, MAX_TIMER_MS));
  };
  arm();
  return () => clock.clearTimeout(timer);
}
