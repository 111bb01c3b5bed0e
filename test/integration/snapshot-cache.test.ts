/**
 * The opt-in snapshot cache against a real redis-server and a real 3-master Redis Cluster
 * (docs/SNAPSHOT-CACHE.md): the ioredis adapter's GET / SET PX with a real TTL, two relays whose
 * every client of a document leaves and a newcomer that still opens it with the content, the
 * `lfcc serve --snapshot-cache` flags, and on the cluster the entry stored on the master that
 * carries the document's channels.
 */
import { Redis } from "ioredis";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type LocalRedisCluster } from "../../chaos/infra/redis-cluster.ts";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { ioredisConnector } from "../../relay/adapters/ioredis-connection.ts";
import { evenSlotRanges, hashSlot, ownerOfSlot } from "../../relay/bus/cluster-slots.ts";
import { snapshotCacheKey } from "../../relay/core/cache-entry.ts";
import { spawnServe, startClient, startRelay, stopChild, waitFor, whenSynced, type TestClient, type TestRelay } from "./helpers.ts";

const CACHE = { enableSnapshotCache: true, snapshotCacheRefreshMs: 200, snapshotTimeoutMs: 1000, redisReconnectBaseMs: 50, redisReconnectMaxMs: 300 };
const clients: TestClient[] = [];
const relays: TestRelay[] = [];

function client(name: string, relay: { url: string }, docId: string): TestClient {
  const created = startClient(name, relay.url, docId);
  clients.push(created);
  return created;
}

function leave(...leaving: TestClient[]): void {
  for (const c of leaving) c.provider.destroy();
}

const cacheReads = (relay: TestRelay, result: string) =>
  relay.events.filter((e) => e.type === "snapshot-cache" && e.op === "read" && e.result === result).length;

afterAll(async () => {
  for (const c of clients) c.provider.destroy();
  await Promise.all(relays.map((r) => r.server.close()));
});

describe("snapshot cache on a real redis-server", () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("the ioredis adapter's SET PX stores with a real TTL, and GET answers null once it expired", async () => {
    const connection = ioredisConnector(redis.url)("pub");
    await connection.connect();
    await connection.set("lfcc:snapshot:{ttl-doc}", "state", 300);
    expect(await connection.get("lfcc:snapshot:{ttl-doc}")).toBe("state");
    const raw = new Redis(redis.url);
    const pttl = await raw.pttl("lfcc:snapshot:{ttl-doc}");
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    await waitFor("the key expired", async () => (await connection.get("lfcc:snapshot:{ttl-doc}")) === null, 3000);
    raw.disconnect();
    connection.disconnect();
  });

  it("every client of a document leaves both relays; a newcomer opens it with the content, from the cache", async () => {
    const pair = await Promise.all([startRelay({ redisUrl: redis.url, ...CACHE }), startRelay({ redisUrl: redis.url, ...CACHE })]);
    relays.push(...pair);
    await waitFor("both relays on Redis", () => pair.every((r) => r.server.relay.health().redis.connected));
    const docId = "cache-e2e";
    const holders = [client("a", pair[0]!, docId), client("b", pair[1]!, docId)];
    await Promise.all(holders.map((c) => whenSynced(c)));
    holders[0]!.doc.getText("t").insert(0, "<from a>");
    holders[1]!.doc.getText("t").insert(0, "<from b>");
    const raw = new Redis(redis.url);
    await waitFor("an entry holding both edits", async () => {
      const entry = await raw.get(snapshotCacheKey(docId));
      if (!entry) return false;
      const text = textOfEntry(entry);
      return text.includes("<from a>") && text.includes("<from b>");
    });
    raw.disconnect();
    leave(...holders);
    await waitFor("no relay holds the document", () => pair.every((r) => r.server.relay.health().documents === 0));

    const newcomer = client("c", pair[1]!, docId);
    await whenSynced(newcomer);
    expect(newcomer.text()).toContain("<from a>");
    expect(newcomer.text()).toContain("<from b>");
    expect(cacheReads(pair[1]!, "hit")).toBe(1);
    expect(pair[1]!.server.relay.stats()).toMatchObject({ snapshotCacheHits: 1, snapshotCacheErrors: 0 });
  });

  it("lfcc serve --snapshot-cache writes the entry with the TTL of --snapshot-cache-ttl", async () => {
    const served = await spawnServe(["--redis", redis.url, "--snapshot-cache", "--snapshot-cache-ttl", "90s", "--snapshot-cache-refresh", "200ms"]);
    const raw = new Redis(redis.url);
    try {
      const holder = client("served", served, "cache-cli");
      await whenSynced(holder);
      holder.doc.getText("t").insert(0, "<cli>");
      await waitFor("the entry", async () => {
        const entry = await raw.get(snapshotCacheKey("cache-cli"));
        return entry !== null && textOfEntry(entry).includes("<cli>");
      });
      const pttl = await raw.pttl(snapshotCacheKey("cache-cli"));
      expect(pttl).toBeGreaterThan(80_000);
      expect(pttl).toBeLessThanOrEqual(90_000);
      leave(holder);
    } finally {
      raw.disconnect();
      await stopChild(served.child);
    }
  });
});

describe("snapshot cache on a real Redis Cluster", () => {
  let cluster: LocalRedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("the entry lives on the master of the document's slot ({docId} hash tag) and serves a newcomer", async () => {
    const relay = await startRelay({ redisClusterNodes: cluster.seeds, ...CACHE });
    relays.push(relay);
    await waitFor("the relay on every shard", () => relay.server.relay.health().redis.reachableNodes === 3);
    const docId = "cache-cluster";
    const holder = client("h", relay, docId);
    await whenSynced(holder);
    holder.doc.getText("t").insert(0, "<sharded>");
    const owner = ownerOfSlot(evenSlotRanges(3).map((range) => ({ slots: [range] })), hashSlot(`{${docId}}`));
    const nodes = cluster.nodes.map((node) => cluster.client(node.name));
    try {
      await waitFor("the entry on its master", async () => (await nodes[owner]!.get(snapshotCacheKey(docId))) !== null);
      // The other masters do not own the slot: Redis itself refuses the key there (MOVED).
      for (const [i, node] of nodes.entries()) if (i !== owner) await expect(node.get(snapshotCacheKey(docId))).rejects.toThrow(/MOVED/);
    } finally {
      for (const node of nodes) node.disconnect();
    }
    leave(holder);
    await waitFor("the relay dropped the document", () => relay.server.relay.health().documents === 0);
    const newcomer = client("n", relay, docId);
    await whenSynced(newcomer);
    expect(newcomer.text()).toContain("<sharded>");
  });
});

/** The text of the document state an entry holds. */
function textOfEntry(entry: string): string {
  const { update } = JSON.parse(entry) as { update: string };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, "base64"));
  return doc.getText("t").toString();
}
