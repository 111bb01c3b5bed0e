/** The pure parts of chaos mode: which proxies a partition cuts, time scaling, /metrics parsing. */
import { describe, expect, onTestFinished, test, vi } from "vitest";
import { crossesSides } from "../../chaos/faults.ts";
import { scaleScenario } from "../../chaos/time-scale.ts";
import { parsePrometheus, parseRelayStats } from "../../chaos/relay-stats.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import { acquireServices, ChaosSetupError } from "../../chaos/infra/services.ts";

describe("partition: a link is cut when its two ends are on different sides", () => {
  const sides = [["s1", "redis"], ["s2", "c3"]];
  test.each([
    ["s2--redis", true],
    ["s1--redis", false],
    ["c3--s1", true],
    ["c3--s2", false],
    ["c1--s2", false], // c1 is on no side: it keeps talking to everyone
  ])("%s -> %s", (link, cut) => expect(crossesSides(link, sides)).toBe(cut));
});

describe("--time-scale", () => {
  const scenario = parseScenario(
    `name: t
duration: 60s
topology: { servers: 2, docs: 1, clients: 2 }
faults:
  - at: 10s
    crash: { server: s2, restartAfter: 4s }
  - at: 20s
    redisOutage: { for: 6s }
expect:
  converge: { within: 10s }
  noGhostPresence: { within: 15s }
`,
    "t.yaml",
  );

  test("multiplies every scenario time, leaves the rest alone", () => {
    const half = scaleScenario(scenario, 0.5);
    expect(half.durationMs).toBe(30_000);
    expect(half.faults).toEqual([
      expect.objectContaining({ kind: "crash", atMs: 5000, restartAfterMs: 2000 }),
      expect.objectContaining({ kind: "redisOutage", atMs: 10_000, forMs: 3000 }),
    ]);
    expect(half.expect).toEqual({ converge: { withinMs: 5000 }, noGhostPresence: { withinMs: 7500 } });
    expect(half.topology).toEqual(scenario.topology);
    expect(scenario.durationMs).toBe(60_000); // the original is untouched
  });

  test("rejects a non-positive factor", () => {
    expect(() => scaleScenario(scenario, 0)).toThrow(/positive/);
  });
});

describe("relay /metrics", () => {
  test("sums a metric over its label sets and ignores comments", () => {
    const values = parsePrometheus('# HELP x y\n# TYPE x counter\nx{doc="a"} 2\nx{doc="b"} 3\ny 1.5\n');
    expect(values.get("x")).toBe(5);
    expect(values.get("y")).toBe(1.5);
  });

  test("reads the queue depth and counters the relay exports", () => {
    const stats = parseRelayStats("lfcc_queue_messages 7\nlfcc_queue_bytes 900\nlfcc_dropped_messages_total 3\nlfcc_remote_messages_total 40\n");
    expect(stats).toEqual({ queueMessages: 7, queueBytes: 900, dropped: 3, crossServerMessages: 40, snapshotRequests: 0 });
  });
});

describe("no Redis and no Toxiproxy to run against", () => {
  test("one error names both and how to install each", async () => {
    // A URL in the environment (CI exports a shared TOXIPROXY_URL) would satisfy one of them.
    vi.stubEnv("REDIS_URL", "");
    vi.stubEnv("TOXIPROXY_URL", "");
    onTestFinished(() => void vi.unstubAllEnvs());
    const attempt = acquireServices({ redisServerBinary: "/nonexistent/redis-server", toxiproxyServerBinary: "/nonexistent/toxiproxy-server", allowContainers: false });
    await expect(attempt).rejects.toBeInstanceOf(ChaosSetupError);
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server.*go install github.com\/Shopify\/toxiproxy\/v2\/cmd\/server@latest/);
  });
});
