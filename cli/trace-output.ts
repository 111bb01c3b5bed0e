/**
 * `--trace FILE`: the run's full trace as JSON lines, plus a timeline next to it that a person can
 * read top to bottom (`FILE` minus its extension + `.timeline.txt`):
 *       12.345s  s2     server.crash      serverId=s2.g1
 * The per-message network events are left out of the timeline (they are in the JSON lines).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { TraceEvent } from "../lab/trace.ts";

const TIMELINE_OMITS = new Set(["net.send", "net.deliver", "workload"]);

export function timelinePath(tracePath: string): string {
  const extension = extname(tracePath);
  return join(dirname(tracePath), `${basename(tracePath, extension)}.timeline.txt`);
}

/** With several runs each gets its own file: `trace.jsonl` -> `trace-<scenario>-seed<N>.jsonl`. */
export function tracePathForRun(tracePath: string, scenario: string, seed: number, runCount: number): string {
  if (runCount <= 1) return tracePath;
  const extension = extname(tracePath);
  return join(dirname(tracePath), `${basename(tracePath, extension)}-${scenario}-seed${seed}${extension}`);
}

/** Writes both files; returns their paths. */
export function writeTrace(tracePath: string, events: readonly TraceEvent[], title: string): { jsonl: string; timeline: string } {
  mkdirSync(dirname(tracePath), { recursive: true });
  writeFileSync(tracePath, events.map((event) => JSON.stringify(event)).join("\n") + "\n");
  const timeline = timelinePath(tracePath);
  writeFileSync(timeline, formatTimeline(events, title));
  return { jsonl: tracePath, timeline };
}

export function formatTimeline(events: readonly TraceEvent[], title: string): string {
  const omitted = events.filter((event) => TIMELINE_OMITS.has(event.kind)).length;
  const header = [
    `# ${title}`,
    `# ${events.length} events; ${omitted} per-message events (${[...TIMELINE_OMITS].join(", ")}) are only in the JSON lines`,
    "#     time  node   event             detail",
  ];
  const lines = events.filter((event) => !TIMELINE_OMITS.has(event.kind)).map(formatEvent);
  return [...header, ...lines].join("\n") + "\n";
}

export function formatEvent(event: TraceEvent): string {
  const time = `${(event.tMs / 1000).toFixed(3)}s`.padStart(10);
  const marker = event.kind === "fault" || event.kind.endsWith("crash") ? "!" : " ";
  return `${time}${marker} ${event.node.padEnd(6)} ${event.kind.padEnd(17)} ${formatDetail(event.detail)}`.trimEnd();
}

function formatDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === "string" && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`)
    .join(" ");
}
