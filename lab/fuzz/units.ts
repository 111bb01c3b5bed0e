/**
 * Shared sizing helpers for the fuzz arbitraries. Times are drawn in coarse steps (100 ms) so a
 * shrunk scenario reads like a hand-written one ("1.5s", not "1487ms") and the shrinker has fewer
 * pointless neighbours to try.
 */
import fc from "fast-check";

/** Granularity of every generated fault time and length. */
export const TIME_STEP_MS = 100;

/** Milliseconds in [minMs, maxMs], a multiple of TIME_STEP_MS; shrinks toward minMs. */
export function stepMs(minMs: number, maxMs: number): fc.Arbitrary<number> {
  return fc
    .integer({ min: Math.ceil(minMs / TIME_STEP_MS), max: Math.floor(maxMs / TIME_STEP_MS) })
    .map((steps) => steps * TIME_STEP_MS);
}

/** An index into a list whose length is only known later; clamp it with `pick`. */
export function anyIndex(): fc.Arbitrary<number> {
  return fc.nat({ max: 15 });
}

/** `names[index mod length]`: keeps a fault valid when the shrinker removes nodes from the topology. */
export function pick<T>(names: readonly T[], index: number): T {
  return names[index % names.length]!;
}

export function serverNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `s${i + 1}`);
}

export function clientNames(count: number, first = 1): string[] {
  return Array.from({ length: count }, (_, i) => `c${first + i}`);
}
