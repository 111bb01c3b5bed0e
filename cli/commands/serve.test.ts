import { describe, expect, it } from "vitest";
import { serveOptions } from "./serve.ts";
import { UsageError } from "../usage-error.ts";

describe("lfcc serve options", () => {
  const base = { snapshotTimeout: "5s", logLevel: "info", batching: true };
  it("takes env when flags are absent, and flags over env", () => {
    const fromEnv = serveOptions(base, { PORT: "4000", HOST: "0.0.0.0", REDIS_URL: "redis://r:6379", POD_NAME: "web-1", JWT_SECRET: "j", CLUSTER_SECRET: "c" });
    expect(fromEnv).toMatchObject({ port: 4000, host: "0.0.0.0", redisUrl: "redis://r:6379", serverId: "server-web-1", jwtSecret: "j", clusterSecret: "c", snapshotTimeoutMs: 5000 });
    const fromFlags = serveOptions({ ...base, port: "5000", serverId: "explicit", snapshotTimeout: "250ms", queueMaxBytes: "1MiB", queueMaxMessages: "20" }, { PORT: "4000", POD_NAME: "web-1" });
    expect(fromFlags).toMatchObject({ port: 5000, serverId: "explicit", snapshotTimeoutMs: 250, queueMaxBytes: 1024 * 1024, queueMaxMessages: 20 });
    const defaults = serveOptions(base, {});
    expect(defaults).toMatchObject({ port: 3030, host: "127.0.0.1" });
    expect(defaults.redisUrl).toBeUndefined(); // no Redis URL: the in-memory bus
  });
  it("takes Redis Cluster seeds from --redis-cluster or REDIS_CLUSTER_NODES, and refuses malformed ones", () => {
    expect(serveOptions(base, { REDIS_CLUSTER_NODES: "127.0.0.1:7000,127.0.0.1:7001" })).toMatchObject({ redisClusterNodes: "127.0.0.1:7000,127.0.0.1:7001" });
    const natMap = { "127.0.0.1:7000": { host: "127.0.0.1", port: 17000 } };
    const withMap = serveOptions({ ...base, redisCluster: "127.0.0.1:7000" }, { REDIS_CLUSTER_NODES: "x:1", REDIS_CLUSTER_NAT_MAP: JSON.stringify(natMap) });
    expect(withMap).toMatchObject({ redisClusterNodes: "127.0.0.1:7000", redisNatMap: natMap });
    expect(() => serveOptions({ ...base, redisCluster: "127.0.0.1" }, {})).toThrow(/not HOST:PORT/);
    expect(() => serveOptions({ ...base, redisCluster: "h:99999" }, {})).toThrow(UsageError);
    expect(() => serveOptions({ ...base, redisCluster: "h:1" }, { REDIS_CLUSTER_NAT_MAP: "{" })).toThrow(UsageError);
  });
  it("turns the opt-in snapshot cache on with --snapshot-cache, its limits in units; off unless asked", () => {
    const on = serveOptions({ ...base, redis: "redis://r:6379", snapshotCache: true, snapshotCacheTtl: "2h", snapshotCacheMaxBytes: "64KiB", snapshotCacheRefresh: "500ms" }, {});
    expect(on).toMatchObject({ enableSnapshotCache: true, snapshotCacheTtlMs: 7_200_000, snapshotCacheMaxBytes: 65_536, snapshotCacheRefreshMs: 500 });
    expect(serveOptions(base, {}).enableSnapshotCache).toBeUndefined(); // the relay default: false
    expect(() => serveOptions({ ...base, snapshotCacheTtl: "0s" }, {})).toThrow(/--snapshot-cache-ttl/);
    expect(() => serveOptions({ ...base, snapshotCacheMaxBytes: "lots" }, {})).toThrow(/--snapshot-cache-max-bytes/);
  });
  it("refuses bad values with a usage error", () => {
    expect(() => serveOptions({ ...base, port: "70000" }, {})).toThrow(UsageError);
    expect(() => serveOptions({ ...base, snapshotTimeout: "soon" }, {})).toThrow(/--snapshot-timeout/);
    expect(() => serveOptions({ ...base, queueMaxMessages: "-1" }, {})).toThrow(UsageError);
  });
  it("takes any RelayConfig field through --relay-config, with explicit flags winning", () => {
    const json = JSON.stringify({ maxBufferedBytes: 65536, rateLimitBurstMessages: 50, queueMaxMessages: 7, snapshotTimeoutMs: 900 });
    expect(serveOptions({ logLevel: "info", batching: true, relayConfig: json }, {})).toMatchObject({
      maxBufferedBytes: 65536,
      rateLimitBurstMessages: 50,
      queueMaxMessages: 7,
      snapshotTimeoutMs: 900,
    });
    expect(serveOptions({ logLevel: "info", batching: true, relayConfig: json, queueMaxMessages: "20" }, {})).toMatchObject({ queueMaxMessages: 20 });
  });
  it("refuses an unknown or mistyped --relay-config field", () => {
    const options = (relayConfig: string) => serveOptions({ ...base, relayConfig }, {});
    expect(() => options('{"maxBuferedBytes": 1}')).toThrow(/unknown relay config field "maxBuferedBytes"/);
    expect(() => options('{"enableBatching": "yes"}')).toThrow(/must be a boolean/);
    expect(() => options("[1]")).toThrow(/JSON object/);
    expect(() => options("{not json")).toThrow(UsageError);
  });
  it("refuses an empty cluster secret from the flag or the env (never signing off)", () => {
    expect(() => serveOptions({ ...base, clusterSecret: "" }, {})).toThrow(/--cluster-secret is empty/);
    expect(() => serveOptions(base, { CLUSTER_SECRET: "" })).toThrow(/CLUSTER_SECRET is empty/);
    expect(serveOptions(base, { CLUSTER_SECRET: "k" }).clusterSecret).toBe("k");
    expect(serveOptions(base, {}).clusterSecret).toBeUndefined();
  });
  it("refuses an empty JWT secret from the flag or the env (never auth off)", () => {
    expect(() => serveOptions({ ...base, jwtSecret: "" }, {})).toThrow(/--jwt-secret is empty/);
    expect(() => serveOptions(base, { JWT_SECRET: "" })).toThrow(/JWT_SECRET is empty/);
    expect(() => serveOptions({ ...base, jwtSecret: "" }, { JWT_SECRET: "set" })).toThrow(UsageError);
    expect(serveOptions({ ...base, jwtSecret: "s" }, { JWT_SECRET: "" }).jwtSecret).toBe("s");
    expect(serveOptions(base, {}).jwtSecret).toBeUndefined();
  });
  it("reads the admission flags and refuses nonsense", () => {
    expect(serveOptions({ ...base, maxConnections: "5", maxConnectionsPerIp: "2", headerTimeout: "750ms" }, {})).toMatchObject({
      maxConnections: 5,
      maxConnectionsPerIp: 2,
      headersTimeoutMs: 750,
    });
    expect(serveOptions(base, {}).maxConnections).toBeUndefined(); // the host's default (10000) applies
    expect(() => serveOptions({ ...base, maxConnections: "0" }, {})).toThrow(/--max-connections/);
    expect(() => serveOptions({ ...base, maxConnectionsPerIp: "lots" }, {})).toThrow(/--max-connections-per-ip/);
    expect(() => serveOptions({ ...base, headerTimeout: "0s" }, {})).toThrow(/--header-timeout/);
  });
});
