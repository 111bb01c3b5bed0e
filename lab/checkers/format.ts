/** Formatting shared by checker details, so every detail reads the same way. */
import type { ClockRange } from "./yjs-state.ts";

/** "250ms" under a second, else "1.8s". */
export function formatMs(ms: number): string {
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")}s`;
}

/** "c5 (clientID 123) clocks 40..57" (inclusive range). */
export function formatRange(range: ClockRange, clientNames: ReadonlyMap<number, string>): string {
  const name = clientNames.get(range.client) ?? "unknown client";
  const last = range.clock + range.len - 1;
  const clocks = range.len === 1 ? `clock ${range.clock}` : `clocks ${range.clock}..${last}`;
  return `${name} (clientID ${range.client}) ${clocks}`;
}

/** At most `max` items, then "and N more", so one detail stays one readable sentence. */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join("; ");
  return `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}
