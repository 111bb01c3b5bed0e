/**
 * A Clock whose timer callbacks cannot throw into the host (PROTOCOL.md section 8: nothing ends
 * the process). A real timer that throws is an uncaught exception, which ends a Node process;
 * that is how two deep PRESENCE frames once killed a relay from its batch-flush timer. Parts of
 * the relay that schedule work (batcher, snapshot broker, heartbeat) get this clock instead.
 */
import type { Clock } from "../ports.ts";

export function containedClock(clock: Clock, contain: (where: string, fn: () => void) => void, where: string): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, delayMs) => clock.setTimeout(() => contain(where, fn), delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
    setInterval: (fn, intervalMs) => clock.setInterval(() => contain(where, fn), intervalMs),
    clearInterval: (handle) => clock.clearInterval(handle),
  };
}
