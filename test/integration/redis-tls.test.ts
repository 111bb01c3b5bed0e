/**
 * Redis over TLS through the URL (`rediss://`): a relay that trusts the server's CA connects and
 * routes; one that does not stays up, degraded, serving local clients. The second case used to
 * crash `lfcc serve` (an unhandled second TLS socket error inside ioredis).
 * Certificates are made here with openssl for 127.0.0.1, valid for a day.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis, type RedisTlsFiles } from "../../chaos/infra/redis-server.ts";
import { getJson, spawnServe, stopChild, waitFor } from "./helpers.ts";

let redis: LocalRedis;
let tls: RedisTlsFiles;

/** A throw-away CA and a server certificate for 127.0.0.1 signed by it. */
function makeCertificates(): RedisTlsFiles {
  const dir = mkdtempSync(join(tmpdir(), "lfcc-tls-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "1", "-subj", "/CN=lfcc-test-ca");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(file("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("server.pem"), "-days", "1", "-extfile", file("ext.cnf"));
  return { certFile: file("server.pem"), keyFile: file("server.key"), caFile: file("ca.pem") };
}

beforeAll(async () => {
  tls = makeCertificates();
  redis = await startRedisServer({ tls });
});

afterAll(async () => {
  await redis?.stop();
});

describe("Redis over TLS (rediss://)", () => {
  it("connects when the relay trusts the server's CA", async () => {
    expect(redis.url.startsWith("rediss://")).toBe(true);
    const serve = await spawnServe(["--redis", redis.url], { NODE_EXTRA_CA_CERTS: tls.caFile });
    try {
      await waitFor("relay connected over TLS", async () => (await getJson(serve.port, "/health")).body.redis.connected === true);
      expect((await getJson(serve.port, "/health")).body.status).toBe("healthy");
    } finally {
      await stopChild(serve.child);
    }
  });

  it("stays up and degraded when it rejects the server's certificate", async () => {
    const serve = await spawnServe(["--redis", redis.url]);
    try {
      // Long enough for several rejected handshakes and reconnect attempts.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(serve.child.exitCode, serve.logs.join("\n")).toBeNull();
      expect((await getJson(serve.port, "/health")).body).toMatchObject({ status: "degraded", redis: { connected: false } });
    } finally {
      await stopChild(serve.child);
    }
  });
});
