/**
 * Two traces of "the same" run compared event by event (`lfcc diff`, and the gate's determinism
 * self-check). Events are compared by their stable serialization (time, node, kind, detail), in
 * order: the first position where they differ is where the runs diverged. Everything after it
 * usually differs too (one extra timer shifts every later event), so instead of listing it the
 * result summarizes it: events per kind and per node on each side, largest differences first.
 * Pure: no I/O, no clock, so the simulator's lint rules hold here too.
 */
import type { TraceEvent } from "./trace.ts";

export interface CountDelta {
  key: string;
  a: number;
  b: number;
}

export interface TraceDivergence {
  /** Index (position in the trace) of the first event that differs. */
  index: number;
  /** Up to `context` identical events just before it. */
  before: TraceEvent[];
  /** The differing events; undefined when that trace ended first. */
  a: TraceEvent | undefined;
  b: TraceEvent | undefined;
  /** From the divergence on: events per kind and per node on each side, differing counts first. */
  kinds: CountDelta[];
  nodes: CountDelta[];
}

export interface TraceDiff {
  same: boolean;
  eventsA: number;
  eventsB: number;
  divergence: TraceDivergence | null;
}

export const DEFAULT_DIFF_CONTEXT = 5;

/** Stable text of an event without its sequence number (the position already says it). */
export function eventKey(event: TraceEvent): string {
  return `${event.tMs}|${event.node}|${event.kind}|${JSON.stringify(event.detail)}`;
}

export function diffTraces(a: readonly TraceEvent[], b: readonly TraceEvent[], context = DEFAULT_DIFF_CONTEXT): TraceDiff {
  const index = firstDifference(a, b);
  if (index === null) return { same: true, eventsA: a.length, eventsB: b.length, divergence: null };
  const restA = a.slice(index);
  const restB = b.slice(index);
  return {
    same: false,
    eventsA: a.length,
    eventsB: b.length,
    divergence: {
      index,
      before: a.slice(Math.max(0, index - context), index),
      a: a[index],
      b: b[index],
      kinds: countDeltas(restA, restB, (event) => event.kind),
      nodes: countDeltas(restA, restB, (event) => event.node),
    },
  };
}

function firstDifference(a: readonly TraceEvent[], b: readonly TraceEvent[]): number | null {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) if (eventKey(a[i]!) !== eventKey(b[i]!)) return i;
  return a.length === b.length ? null : shared;
}

/** Counts per key on both sides; keys whose counts differ first (largest gap first), then by name. */
function countDeltas(a: readonly TraceEvent[], b: readonly TraceEvent[], keyOf: (event: TraceEvent) => string): CountDelta[] {
  const counts = new Map<string, CountDelta>();
  const add = (events: readonly TraceEvent[], side: "a" | "b") => {
    for (const event of events) {
      const key = keyOf(event);
      const entry = counts.get(key) ?? { key, a: 0, b: 0 };
      entry[side]++;
      counts.set(key, entry);
    }
  };
  add(a, "a");
  add(b, "b");
  return [...counts.values()].sort((x, y) => Math.abs(y.a - y.b) - Math.abs(x.a - x.b) || x.key.localeCompare(y.key));
}

/** One line per event, as the timeline files show them: "  12.345s  s2  server.crash  {...}". */
export function describeEvent(event: TraceEvent | undefined): string {
  if (event === undefined) return "(trace ended)";
  return `#${event.seq} ${(event.tMs / 1000).toFixed(3)}s ${event.node} ${event.kind} ${JSON.stringify(event.detail)}`;
}

/** The divergence in one sentence (junit.xml, the gate's summary). */
export function divergenceSummary(diff: TraceDiff): string {
  const d = diff.divergence;
  if (d === null) return `identical (${diff.eventsA} events)`;
  return `first divergence at event ${d.index} of ${diff.eventsA} / ${diff.eventsB}: a: ${describeEvent(d.a)}; b: ${describeEvent(d.b)}`;
}

/** The readable report `lfcc diff` prints. */
export function formatTraceDiff(diff: TraceDiff, labels: { a: string; b: string }, maxRows = 12): string {
  const head = [`a: ${labels.a} (${diff.eventsA} events)`, `b: ${labels.b} (${diff.eventsB} events)`];
  const d = diff.divergence;
  if (d === null) return [...head, `same: the traces are identical, event for event`].join("\n") + "\n";
  const lines = [
    ...head,
    `DIFFER at event ${d.index}${d.index > 0 ? ` (the first ${d.index} events are identical)` : ""}`,
    ...(d.before.length > 0 ? [`  context (identical in both):`, ...d.before.map((event) => `      ${describeEvent(event)}`)] : []),
    `  a:  ${describeEvent(d.a)}`,
    `  b:  ${describeEvent(d.b)}`,
    ``,
    `from there on: a has ${diff.eventsA - d.index} events, b has ${diff.eventsB - d.index}`,
    ...countTable("kind", d.kinds, maxRows),
    ...countTable("node", d.nodes, maxRows),
  ];
  return lines.join("\n") + "\n";
}

function countTable(title: string, rows: CountDelta[], maxRows: number): string[] {
  const shown = rows.slice(0, maxRows);
  const width = Math.max(title.length, ...shown.map((row) => row.key.length));
  const line = (key: string, a: string, b: string, delta: string) => `  ${key.padEnd(width)}  ${a.padStart(8)}  ${b.padStart(8)}  ${delta.padStart(8)}`;
  const body = shown.map((row) => line(row.key, String(row.a), String(row.b), signed(row.b - row.a)));
  const more = rows.length > shown.length ? [`  ... ${rows.length - shown.length} more ${title}s`] : [];
  return ["", line(title, "a", "b", "b - a"), ...body, ...more];
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
