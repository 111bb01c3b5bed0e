/**
 * Cross-server edit-to-remote-apply latency on loopback: two `lfcc serve` processes on one real
 * redis-server, one provider on each; provider A makes an edit, we time until provider B's Y.Doc
 * has applied it. Edits are paced under the default per-connection rate limit (100 msg/s).
 *
 *   npx tsx bench/cross-server-latency.ts [edits=300] [paceMs=15] [extra serve flags, e.g. --no-batching]
 *
 * Not a test: numbers on a shared 2-core machine are noisy; compare runs on the same machine.
 */
import { performance } from "node:perf_hooks";
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { spawnServe, startClient, stopChild, whenSynced } from "../test/integration/helpers.ts";

const edits = Number(process.argv[2] ?? 300);
const paceMs = Number(process.argv[3] ?? 15);
/** Extra `lfcc serve` flags, e.g. `--no-batching` to see the cost of the batch window. */
const serveFlags = process.argv.slice(4);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const servers = await Promise.all(
    ["bench-a", "bench-b"].map((id) => spawnServe(["--redis", redis.url, "--server-id", id, "--log-level", "warn", ...serveFlags])),
  );
  const a = startClient("a", servers[0]!.url, "bench-doc");
  const b = startClient("b", servers[1]!.url, "bench-doc");
  try {
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const latencies: number[] = [];
    const text = b.doc.getText("t");
    for (let i = 0; i < edits; i++) {
      const applied = new Promise<void>((resolve) => {
        const expected = i + 1;
        const check = () => {
          if (text.length >= expected) {
            b.doc.off("update", check);
            resolve();
          }
        };
        b.doc.on("update", check);
      });
      const start = performance.now();
      a.doc.getText("t").insert(i, "x");
      await applied;
      latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, paceMs));
    }
    latencies.sort((x, y) => x - y);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    console.log(JSON.stringify({
      bench: "cross-server-latency",
      edits,
      paceMs,
      serveFlags,
      medianMs: round(percentile(latencies, 50)),
      p90Ms: round(percentile(latencies, 90)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies[latencies.length - 1]!),
    }));
  } finally {
    a.provider.destroy();
    b.provider.destroy();
    await Promise.all(servers.map((s) => stopChild(s.child)));
    await redis.stop();
  }
}

await main();
