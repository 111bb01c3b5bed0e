/**
 * The relay on a real 3-master Redis Cluster with sharded pub/sub (PROTOCOL.md section 10):
 * cross-server delivery for documents on every shard, relay channels only as shard channels, and
 * one master SIGKILLed: the other shards keep full routing, the lost shard's documents keep local
 * routing, /health says degraded with 2 of 3 nodes reachable, and everything converges once the
 * master is back. One relay is `lfcc serve --redis-cluster` (the CLI path), one is in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type LocalRedisCluster } from "../../chaos/infra/redis-cluster.ts";
import { evenSlotRanges, hashSlot, ownerOfSlot, toClusterChannel } from "../../relay/bus/cluster-slots.ts";
import { clientPool, getJson, spawnServe, startRelay, stopChild, waitConverged, waitFor, whenSynced, type TestClient, type TestRelay } from "./helpers.ts";

const SHARDS = evenSlotRanges(3).map((range) => ({ slots: [range] }));
const shardOfDoc = (docId: string) => ownerOfSlot(SHARDS, hashSlot(toClusterChannel(`lfcc:doc:${docId}`)));

/** One document id per shard: docs[k] lives on master r(k+1). */
function docPerShard(prefix: string): string[] {
  const docs = SHARDS.map(() => "");
  for (let i = 0; docs.includes(""); i++) {
    const docId = `${prefix}-${i}`;
    docs[shardOfDoc(docId)] ||= docId;
  }
  return docs;
}

let cluster: LocalRedisCluster;
let inProcess: TestRelay;
let served: Awaited<ReturnType<typeof spawnServe>>;
const pool = clientPool();
const relays = () => [{ url: inProcess.url, port: inProcess.port }, { url: served.url, port: served.port }];
const health = async (port: number) => (await getJson(port, "/health")).body;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  inProcess = await startRelay({ redisClusterNodes: cluster.seeds, redisReconnectBaseMs: 50, redisReconnectMaxMs: 300 });
  const relayConfig = JSON.stringify({ redisReconnectBaseMs: 50, redisReconnectMaxMs: 300 });
  served = await spawnServe(["--relay-config", relayConfig], { REDIS_CLUSTER_NODES: cluster.seeds.split(",")[1]! });
  await waitFor("both relays on every shard", async () => (await Promise.all(relays().map((r) => health(r.port)))).every((h) => h.redis.reachableNodes === 3));
}, 30_000);

afterAll(async () => {
  pool.destroyAll();
  await inProcess?.server.close();
  if (served) await stopChild(served.child);
  await cluster?.stop();
});

/** Two clients per relay on `docId`: [a0, b0] on relay 0, [a1, b1] on relay 1. */
async function clientsOn(docId: string): Promise<TestClient[]> {
  const [r0, r1] = relays();
  const clients = [pool.client(`${docId}/a0`, r0!, docId), pool.client(`${docId}/b0`, r0!, docId), pool.client(`${docId}/a1`, r1!, docId), pool.client(`${docId}/b1`, r1!, docId)];
  await Promise.all(clients.map((c) => whenSynced(c)));
  return clients;
}

function edit(client: TestClient, tokens: string[], label: string): void {
  const token = `<${client.name}:${label}>`;
  tokens.push(token);
  client.doc.getText("t").insert(0, token);
}

describe("relay on a 3-master Redis Cluster", () => {
  it("routes across servers for documents on every shard, on shard channels only", async () => {
    const docs = docPerShard("spread");
    for (const docId of docs) {
      const clients = await clientsOn(docId);
      const tokens: string[] = [];
      edit(clients[0]!, tokens, "x");
      edit(clients[3]!, tokens, "y");
      await waitConverged(clients, tokens);
    }
    for (const [k, node] of cluster.nodes.entries()) {
      const client = cluster.client(node.name);
      try {
        expect(await client.call("PUBSUB", "CHANNELS")).toEqual([]);
        const sharded = (await client.call("PUBSUB", "SHARDCHANNELS", "lfcc:*")) as string[];
        expect(sharded).toContain(`lfcc:doc:{${docs[k]}}`);
        expect(sharded).toContain(`lfcc:presence:{${docs[k]}}`);
        for (const other of docs.filter((_, j) => j !== k)) expect(sharded).not.toContain(`lfcc:doc:{${other}}`);
        const [, subscribers] = (await client.call("PUBSUB", "SHARDNUMSUB", `lfcc:doc:{${docs[k]}}`)) as [string, number];
        expect(subscribers).toBe(2); // both relays
      } finally {
        client.disconnect();
      }
    }
    const body = await health(served.port);
    expect(body).toMatchObject({ status: "healthy", redis: { connected: true, mode: "cluster", nodes: 3, reachableNodes: 3 } });
  }, 30_000);

  it("keeps the other shards routing while one master is down, and converges the lost shard after", async () => {
    const docs = docPerShard("kill");
    const groups = await Promise.all(docs.map((docId) => clientsOn(docId)));
    const tokens = docs.map(() => [] as string[]);
    groups.forEach((group, k) => group.forEach((c) => edit(c, tokens[k]!, "before")));
    await Promise.all(groups.map((group, k) => waitConverged(group, tokens[k]!)));

    await cluster.kill("r2");
    await waitFor("both relays see 2 of 3 nodes", async () => (await Promise.all(relays().map((r) => health(r.port)))).every((h) => h.redis.reachableNodes === 2));
    for (const relay of relays()) expect(await health(relay.port)).toMatchObject({ ok: true, status: "degraded", redis: { connected: false, mode: "cluster", nodes: 3 } });

    // Shards r1 and r3: full cross-server routing while r2 is down.
    for (const k of [0, 2]) {
      edit(groups[k]![0]!, tokens[k]!, "during");
      edit(groups[k]![3]!, tokens[k]!, "during");
      await waitConverged(groups[k]!, tokens[k]!);
    }
    // Shard r2: same-server clients still collaborate.
    const lost = groups[1]!;
    for (const c of lost) edit(c, tokens[1]!, "during");
    await waitFor("local routing on the lost shard", () => lost[1]!.text().includes(`<${lost[0]!.name}:during>`) && lost[3]!.text().includes(`<${lost[2]!.name}:during>`));
    expect(lost[0]!.text()).not.toContain(`<${lost[2]!.name}:during>`);

    const eventsBeforeRestart = inProcess.events.length;
    await cluster.restart("r2");
    await waitFor("both relays back on 3 nodes", async () => (await Promise.all(relays().map((r) => health(r.port)))).every((h) => h.status === "healthy"), 15_000);
    for (const c of lost) edit(c, tokens[1]!, "after");
    await Promise.all(groups.map((group, k) => waitConverged(group, tokens[k]!, 20_000)));
    // Only the lost shard's documents were resynced (this one and the first test's): the other shards lost nothing.
    const resyncs = inProcess.events.slice(eventsBeforeRestart).filter((e) => e.type === "resync");
    expect(resyncs.length).toBeGreaterThan(0);
    expect(inProcess.server.relay.health().documents).toBe(6);
    for (const event of resyncs) expect(event).toMatchObject({ docs: 2 });
  }, 60_000);
});
