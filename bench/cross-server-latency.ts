/**
 * Cross-server edit-to-remote-apply latency on loopback: two `lfcc serve` processes on one real
 * redis-server, one provider on each; provider A makes an edit, we time until provider B's Y.Doc
 * has applied it. Edits are paced under the default per-connection rate limit (100 msg/s).
 *
 *   npx tsx bench/cross-server-latency.ts [edits=300] [paceMs=15] [extra serve flags, e.g. --no-batching]
 *
 * Not a test: numbers on a shared 2-core machine are noisy; compare runs on the same machine.
 * The timing loop and percentiles are exported for bench/vs-hocuspocus.ts (same edits, same pacing).
 */
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import type * as Y from "yjs";
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { spawnServe, startClient, stopChild, whenSynced } from "../test/integration/helpers.ts";

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

export interface LatencySummary {
  samples: number;
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((x, y) => x - y);
  return {
    samples: sorted.length,
    medianMs: round2(percentile(sorted, 50)),
    p90Ms: round2(percentile(sorted, 90)),
    p99Ms: round2(percentile(sorted, 99)),
    maxMs: round2(sorted[sorted.length - 1]!),
  };
}

/** Resolves once `doc`'s text "t" is at least `length` long (checked now and on every update). */
function whenTextLength(doc: Y.Doc, length: number): Promise<void> {
  const text = doc.getText("t");
  if (text.length >= length) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (text.length < length) return;
      doc.off("update", check);
      resolve();
    };
    doc.on("update", check);
  });
}

/**
 * Makes `edits` one-character appends to text "t" of `editor`, one every `paceMs`, and returns for
 * each the time until EVERY reader's doc has applied it (one reader: edit-to-remote-apply latency;
 * many: fan-out). Assumes nobody else edits "t" meanwhile.
 */
export async function timeEditsUntilApplied(editor: Y.Doc, readers: Y.Doc[], edits: number, paceMs: number): Promise<number[]> {
  const text = editor.getText("t");
  const latencies: number[] = [];
  for (let i = 0; i < edits; i++) {
    const expected = text.length + 1;
    const start = performance.now();
    text.insert(text.length, "x");
    await Promise.all(readers.map((reader) => whenTextLength(reader, expected)));
    latencies.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
  return latencies;
}

async function main(): Promise<void> {
  const edits = Number(process.argv[2] ?? 300);
  const paceMs = Number(process.argv[3] ?? 15);
  /** Extra `lfcc serve` flags, e.g. `--no-batching` to see the cost of the batch window. */
  const serveFlags = process.argv.slice(4);
  const redis = await startRedisServer();
  const servers = await Promise.all(
    ["bench-a", "bench-b"].map((id) => spawnServe(["--redis", redis.url, "--server-id", id, "--log-level", "warn", ...serveFlags])),
  );
  const a = startClient("a", servers[0]!.url, "bench-doc");
  const b = startClient("b", servers[1]!.url, "bench-doc");
  try {
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const latencies = await timeEditsUntilApplied(a.doc, [b.doc], edits, paceMs);
    console.log(JSON.stringify({ bench: "cross-server-latency", edits, paceMs, serveFlags, ...summarize(latencies) }));
  } finally {
    a.provider.destroy();
    b.provider.destroy();
    await Promise.all(servers.map((s) => stopChild(s.child)));
    await redis.stop();
  }
}

// Run only as a script; bench/vs-hocuspocus.ts imports the helpers above.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
