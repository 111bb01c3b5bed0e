/**
 * `lfcc serve` as a process (CLI.md v1.1): /health names the bus mode and never claims a Redis
 * link it does not have, /metrics names are not doubled, an unreachable Redis is one warning at
 * start-up and is retried until it answers, and a relay whose parent dies shuts down gracefully
 * instead of serving on as an orphan (the npx case is tested with real npx in test/package/).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary } from "../../chaos/infra/find-binary.ts";
import { freePort } from "../../chaos/infra/free-port.ts";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { getJson, spawnServe, stopChild, waitFor } from "../integration/helpers.ts";

const BIN = fileURLToPath(new URL("../../bin/lfcc.js", import.meta.url));
const haveRedis = findBinary("redis-server", ["/usr/bin", "/usr/local/bin"]) !== null;
if (!haveRedis && process.env.CI !== "true") console.warn("\n!!! serve-process Redis tests SKIPPED: no redis-server on the PATH\n");

describe("lfcc serve without --redis (in-memory bus)", () => {
  it("/health says mode memory, not a Redis link; /metrics has lfcc_process_*, never lfcc_process_process_*", async () => {
    const relay = await spawnServe([]);
    try {
      const health = await getJson(relay.port, "/health");
      expect(health.body).toMatchObject({ ok: true, status: "healthy", redis: { mode: "memory", connected: false } });
      const metrics = (await getJson(relay.port, "/metrics")).text;
      expect(metrics).toMatch(/^lfcc_process_cpu_user_seconds_total /m);
      expect(metrics).toMatch(/^lfcc_nodejs_heap_size_used_bytes /m);
      expect(metrics).not.toMatch(/lfcc_process_process_|lfcc_process_nodejs_/);
      expect(metrics).toMatch(/^lfcc_redis_connected 0$/m);
    } finally {
      await stopChild(relay.child);
    }
  });
});

describe.skipIf(!haveRedis && process.env.CI !== "true")("lfcc serve --redis on a Redis that is not there yet", () => {
  let redis: LocalRedis | undefined;
  afterAll(async () => redis?.stop());

  it("warns once at start-up, serves, and connects when Redis appears (mode single)", async () => {
    const redisPort = await freePort();
    const relay = await spawnServe(["--redis", `redis://:pw@127.0.0.1:${redisPort}`]);
    try {
      await waitFor("the start-up warning", () => relay.logs.some((line) => line.includes('"event":"redis-unreachable"')));
      const warning = JSON.parse(relay.logs.find((line) => line.includes("redis-unreachable"))!) as { level: number; msg: string };
      expect(warning.level).toBe(40); // pino's warn
      expect(warning.msg).toBe(`redis redis://127.0.0.1:${redisPort} is unreachable at start-up; serving local clients and retrying in the background`);
      expect(relay.logs.join("\n")).not.toContain("pw@");
      expect((await getJson(relay.port, "/health")).body).toMatchObject({ status: "degraded", redis: { mode: "single", connected: false } });

      redis = await startRedisServer({ port: redisPort, password: "pw" });
      await waitFor("the relay connects to the Redis that appeared", async () => (await getJson(relay.port, "/health")).body.redis.connected === true, 30_000);
      expect((await getJson(relay.port, "/health")).body).toMatchObject({ status: "healthy", redis: { mode: "single", connected: true } });
      expect(relay.logs.filter((line) => line.includes("redis-unreachable"))).toHaveLength(1);
    } finally {
      await stopChild(relay.child);
    }
  });
});

describe("lfcc serve whose parent dies", () => {
  it("shuts down gracefully instead of serving on as an orphan", async () => {
    const port = await freePort();
    // `; true` keeps sh as the parent (no exec of the last command), as npm exec's `sh -c` does.
    const shell = spawn("sh", ["-c", `"${process.execPath}" "${BIN}" serve --port ${port}; true`], { stdio: ["ignore", "pipe", "pipe"] });
    const logs: string[] = [];
    shell.stdout.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
    await waitFor("listening", () => logs.some((line) => line.includes("listening")), 30_000);
    expect((await getJson(port, "/health")).status).toBe(200);

    shell.kill("SIGKILL"); // the shell dies without passing anything on
    await once(shell, "exit");
    await waitFor("the relay noticed", () => logs.some((line) => /"signal":"parent \d+ exited".*shutting down/.test(line)), 10_000);
    await waitFor("the relay stopped", () => logs.some((line) => line.includes('"msg":"stopped"')), 10_000);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
