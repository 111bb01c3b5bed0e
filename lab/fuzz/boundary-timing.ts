/**
 * Boundary-seeking timing, drawn by the fuzzer as a mode: in some runs every fault lasts just
 * about as long as one of the relay's configured timeouts (presence timeout, heartbeat, snapshot
 * timeout, Redis reconnect back-off ceiling), a few 100 ms steps before or after it. Timing-window
 * bugs (an expiry clock reset on reconnect, a grace period off by one heartbeat) live exactly
 * there, and uniformly drawn lengths almost never land on them.
 */
import fc from "fast-check";
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import type { Fault } from "../scenario/types.ts";
import type { RelayOverrides } from "./knobs.ts";
import { TIME_STEP_MS } from "./units.ts";

export interface BoundaryTiming {
  /** Which timeout the first fault aims at; fault i aims at (first + i) mod 4. */
  first: number;
  /** Per fault: how many TIME_STEP_MS before (-) or after (+) the timeout it ends. */
  offsets: number[];
}

/** Absent (uniform timing) or a boundary mode; shrinks toward absent. */
export function boundaryTimingArbitrary(): fc.Arbitrary<BoundaryTiming | undefined> {
  const mode = fc.record({
    first: fc.nat({ max: 3 }),
    offsets: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 8, maxLength: 8 }),
  });
  return fc.option(mode, { nil: undefined, freq: 3 });
}

export function boundaryTargetsMs(relay: RelayOverrides): number[] {
  const c = { ...DEFAULT_RELAY_CONFIG, ...relay };
  return [c.presenceTimeoutMs, c.heartbeatIntervalMs, c.snapshotTimeoutMs, c.redisReconnectMaxMs];
}

/** Fault lengths moved onto the boundaries (start times and restarts untouched, so the schedule stays valid). */
export function applyBoundaryTiming(faults: Fault[], relay: RelayOverrides, timing: BoundaryTiming | undefined): Fault[] {
  if (!timing) return faults;
  const targets = boundaryTargetsMs(relay);
  return faults.map((fault, i) => {
    if (!("forMs" in fault)) return fault;
    const target = targets[(timing.first + i) % targets.length]!;
    const offset = (timing.offsets[i % timing.offsets.length] ?? 0) * TIME_STEP_MS;
    const forMs = Math.max(TIME_STEP_MS, Math.round((target + offset) / TIME_STEP_MS) * TIME_STEP_MS);
    return { ...fault, forMs };
  });
}
